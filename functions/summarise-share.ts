import { lambdaHandler } from '../src/lambda/handler.js';
import { type SummariseShareInput, summariseShare } from '../src/share/share-result.js';

/** Share-portfolio step: the one result event of the request. */
export const handler = lambdaHandler(async (event: SummariseShareInput) => summariseShare(event));
