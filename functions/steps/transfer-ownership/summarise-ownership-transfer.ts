import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseOwnershipTransferInput, summariseOwnershipTransfer } from '../../../src/ownership/transfer-result.js';

/** Transfer-ownership step: the one result event, with an outcome per product. */
export const handler = lambdaHandler(async (event) => summariseOwnershipTransfer(event), {
  schema: SummariseOwnershipTransferInput,
  name: 'ownership transfer summary input',
});
