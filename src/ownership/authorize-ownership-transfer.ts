import type { OwnershipTransferWorkflowInput } from '../contracts/ownership-transfer.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { authorizeRequester } from '../policy/authorization.js';

/** Whether the policy allows an ownership transfer (authorization.requesters.ownershipTransfer); the steps take the member role from the deployed policy. */
export const authorizeOwnershipTransfer = (
  input: OwnershipTransferWorkflowInput,
  dependencies: { policy: SharingPolicy; hubAccountId: string },
): OwnershipTransferWorkflowInput => {
  authorizeRequester(dependencies.policy, 'ownershipTransfer', input.requestedBy, dependencies.hubAccountId);
  return input;
};
