import { lambdaHandler } from '../../../src/lambda/handler.js';
import { EvaluateShareInput, evaluateShare } from '../../../src/share/share-progress.js';

/** Share-portfolio step: folds a share's final status into the progress and picks the next step. */
export const handler = lambdaHandler(async (event) => evaluateShare(event), { schema: EvaluateShareInput, name: 'share evaluation input' });
