import { lambdaHandler } from '../src/lambda/handler.js';
import { type SummariseReconciliationInput, summariseReconciliation } from '../src/reconcile/reconcile-run.js';

/** Reconcile-sharing step: the drift events per portfolio and the run's one summary event. */
export const handler = lambdaHandler(async (event: SummariseReconciliationInput) => summariseReconciliation(event));
