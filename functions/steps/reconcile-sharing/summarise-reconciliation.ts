import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseReconciliationInput, summariseReconciliation } from '../../../src/reconcile/reconcile-run.js';

/** Reconcile-sharing step: the drift events per portfolio and the run's one summary event. */
export const handler = lambdaHandler(async (event) => summariseReconciliation(event), {
  schema: SummariseReconciliationInput,
  name: 'reconciliation summary input',
});
