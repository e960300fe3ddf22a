import { UnshareWorkflowInput } from '../../../src/contracts/unshare.js';
import { lambdaHandler, requiredEnv } from '../../../src/lambda/handler.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';
import { authorizeUnshare } from '../../../src/unshare/authorize-unshare.js';

/** Unshare-portfolio step, first: checks the request against the deployed policy. */
export const handler = lambdaHandler(
  async (event) => authorizeUnshare(event, { policy: loadPolicy(), hubAccountId: requiredEnv('HUB_ACCOUNT_ID') }),
  { schema: UnshareWorkflowInput, name: 'unshare workflow input' },
);
