import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseUnshareInput, summariseUnshare } from '../../../src/unshare/unshare-result.js';
import { deployedOutcomeStore } from '../../../src/workflow/account-outcomes.js';

/** Unshare-portfolio step: the one result event of the request, its account lists bounded, every account outcome recorded. */
export const handler = lambdaHandler(async (event) => summariseUnshare(event, deployedOutcomeStore()), {
  schema: SummariseUnshareInput,
  name: 'unshare summary input',
});
