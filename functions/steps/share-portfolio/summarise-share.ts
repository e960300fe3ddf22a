import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseShareInput, summariseShare } from '../../../src/share/share-result.js';
import { deployedOutcomeStore } from '../../../src/workflow/account-outcomes.js';

/** Share-portfolio step: the one result event of the request, its account lists bounded. */
export const handler = lambdaHandler(async (event) => summariseShare(event, deployedOutcomeStore()), {
  schema: SummariseShareInput,
  name: 'share summary input',
});
