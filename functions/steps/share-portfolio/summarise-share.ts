import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseShareInput, summariseShare } from '../../../src/share/share-result.js';

/** Share-portfolio step: the one result event of the request. */
export const handler = lambdaHandler(async (event) => summariseShare(event), { schema: SummariseShareInput, name: 'share summary input' });
