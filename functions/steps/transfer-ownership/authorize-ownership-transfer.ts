import { OwnershipTransferWorkflowInput } from '../../../src/contracts/ownership-transfer.js';
import { lambdaHandler, requiredEnv } from '../../../src/lambda/handler.js';
import { authorizeOwnershipTransfer } from '../../../src/ownership/authorize-ownership-transfer.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';

/** Transfer-ownership step, first: checks the request against the deployed policy. */
export const handler = lambdaHandler(
  async (event) => authorizeOwnershipTransfer(event, { policy: loadPolicy(), hubAccountId: requiredEnv('HUB_ACCOUNT_ID') }),
  { schema: OwnershipTransferWorkflowInput, name: 'transfer-ownership workflow input' },
);
