import { organizationsClient, serviceCatalogClient } from '../src/aws/clients.js';
import { lambdaHandler, logger } from '../src/lambda/handler.js';
import { loadPolicy } from '../src/policy/load-policy.js';
import { planReconciliation } from '../src/reconcile/plan-reconciliation.js';
import { prepareReconcileRun, readReconcileRequest } from '../src/reconcile/reconcile-run.js';

/** Reconcile-sharing step: the plan, and the child executions that carry out its actions. */
export const handler = lambdaHandler(async (event: { request: unknown; runId: string }) => {
  const request = readReconcileRequest(event.request);
  const policy = loadPolicy();
  const plan = await planReconciliation({ serviceCatalog: serviceCatalogClient(), organizations: organizationsClient(), policy });
  logger.info('Reconciliation planned', { runId: event.runId, mode: request.mode, ...plan.summary });
  return prepareReconcileRun(request, event.runId, plan, policy);
});
