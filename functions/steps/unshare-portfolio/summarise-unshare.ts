import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseUnshareInput, summariseUnshare } from '../../../src/unshare/unshare-result.js';

/** Unshare-portfolio step: the one result event of the request. */
export const handler = lambdaHandler(async (event) => summariseUnshare(event), {
  schema: SummariseUnshareInput,
  name: 'unshare summary input',
});
