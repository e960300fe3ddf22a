import type { OwnershipTransferRequest, OwnershipTransferWorkflowInput } from '../contracts/ownership-transfer.js';
import type { RequestedBy } from '../contracts/requested-by.js';
import type { ShareRequest, ShareWorkflowInput } from '../contracts/share.js';
import type { UnshareRequest, UnshareWorkflowInput } from '../contracts/unshare.js';

// What each workflow is started with, from a valid request, by whichever part starts it (the API, a
// rule's intake, onboarding, a reconcile run): what was asked and who asked. Each workflow's first step
// checks it against the policy (src/policy/authorization.ts) and takes options, member actions and role
// names from the policy, never from its input.

/** The share workflow's input: what was asked, and by whom; the workflow decides the rest from the policy. */
export const toShareWorkflowInput = (request: ShareRequest, requestId: string, requestedBy: RequestedBy): ShareWorkflowInput => ({
  requestId,
  portfolioId: request.portfolioId,
  target: request.target,
  ...(request.sharePrincipals === undefined ? {} : { sharePrincipals: request.sharePrincipals }),
  ...(request.shareTagOptions === undefined ? {} : { shareTagOptions: request.shareTagOptions }),
  requestedBy,
});

/** The unshare workflow's input. */
export const toUnshareWorkflowInput = (
  request: Pick<UnshareRequest, 'portfolioId' | 'target'>,
  requestId: string,
  requestedBy: RequestedBy,
): UnshareWorkflowInput => ({ requestId, portfolioId: request.portfolioId, target: request.target, requestedBy });

/** The transfer workflow's input: what was asked, and by whom. */
export const toOwnershipTransferWorkflowInput = (
  request: OwnershipTransferRequest,
  requestId: string,
  requestedBy: RequestedBy,
): OwnershipTransferWorkflowInput => ({
  requestId,
  accountId: request.accountId,
  ownerArn: request.ownerArn,
  provisionedProductId: request.provisionedProductId ?? null,
  fromOwnerArn: request.fromOwnerArn ?? null,
  requestedBy,
});
