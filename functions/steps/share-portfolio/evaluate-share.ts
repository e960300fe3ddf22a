import { lambdaHandler } from '../../../src/lambda/handler.js';
import { EvaluateShareInput, evaluateShare } from '../../../src/share/share-progress.js';
import { deployedOutcomeStore } from '../../../src/workflow/account-outcomes.js';

/** Share-portfolio step: records a share's final status per account and picks the next step. */
export const handler = lambdaHandler(async (event) => evaluateShare(event, deployedOutcomeStore()), {
  schema: EvaluateShareInput,
  name: 'share evaluation input',
});
