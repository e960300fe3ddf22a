import { organizationsClient, serviceCatalogClient } from '../../../src/aws/clients.js';
import { lambdaHandler, logger } from '../../../src/lambda/handler.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';
import { planReconciliation } from '../../../src/reconcile/plan-reconciliation.js';
import { PlanReconciliationInput, prepareReconcileRun } from '../../../src/reconcile/reconcile-run.js';

/** Reconcile-sharing step: the plan, and the child executions that carry out its actions. */
export const handler = lambdaHandler(
  async ({ request, runId }) => {
    const plan = await planReconciliation({
      serviceCatalog: serviceCatalogClient(),
      organizations: organizationsClient(),
      policy: loadPolicy(),
    });
    logger.info('Reconciliation planned', { runId, mode: request.mode, ...plan.summary });
    return prepareReconcileRun(request, runId, plan);
  },
  { schema: PlanReconciliationInput, name: 'reconcile-sharing input' },
);
