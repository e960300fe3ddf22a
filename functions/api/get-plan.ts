import { organizationsClient, serviceCatalogClient } from '../../src/aws/clients.js';
import { lambdaHandler } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { planReconciliation } from '../../src/reconcile/plan-reconciliation.js';
import { renderPlan } from '../../src/reconcile/render-plan.js';

/** `GET /plan`: what a reconcile would do, as JSON and as the table `npm run plan` prints. */
export const handler = lambdaHandler(async () => {
  const plan = await planReconciliation({
    serviceCatalog: serviceCatalogClient(),
    organizations: organizationsClient(),
    policy: loadPolicy(),
  });
  return toHttpResult({ statusCode: 200, body: { plan, table: renderPlan(plan) } });
}).use(httpErrors());
