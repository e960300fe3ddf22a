import type { OwnershipTransferRequest, OwnershipTransferWorkflowInput } from '../contracts/ownership-transfer.js';
import type { ShareRequest, ShareWorkflowInput } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import type { UnshareRequest, UnshareWorkflowInput } from '../contracts/unshare.js';
import { findPortfolioPolicy } from './entitlements.js';

// What each workflow is started with, from a valid request, by whichever part starts it (the API, a
// rule's intake, onboarding, a reconcile run). Options, member actions and role names come from the
// policy, never from the request alone.

/** The share workflow's input, with the policy's options and member actions for the portfolio. */
export const toShareWorkflowInput = (
  request: ShareRequest,
  requestId: string,
  origin: ShareWorkflowInput['origin'],
  policy: SharingPolicy,
): ShareWorkflowInput => {
  const portfolio = findPortfolioPolicy(policy, request.portfolioId);
  return {
    requestId,
    portfolioId: request.portfolioId,
    target: request.target,
    sharePrincipals: request.sharePrincipals ?? portfolio?.sharePrincipals ?? false,
    shareTagOptions: request.shareTagOptions ?? portfolio?.shareTagOptions ?? false,
    origin,
    allowEnableOrganizationsAccess: policy.settings.allowEnableOrganizationsAccess,
    memberActions: {
      // Only account shares are accepted; accepting an organization share fails in AWS.
      accept: request.target.type === 'EXTERNAL_ACCOUNT',
      iamPrincipals: portfolio?.associatePrincipals ?? [],
    },
  };
};

/** The unshare workflow's input. */
export const toUnshareWorkflowInput = (
  request: Pick<UnshareRequest, 'portfolioId' | 'target'>,
  requestId: string,
  origin: UnshareWorkflowInput['origin'],
): UnshareWorkflowInput => ({ requestId, portfolioId: request.portfolioId, target: request.target, origin });

/** The transfer workflow's input, with the member role the policy names. */
export const toOwnershipTransferWorkflowInput = (
  request: OwnershipTransferRequest,
  requestId: string,
  origin: OwnershipTransferWorkflowInput['origin'],
  _policy: SharingPolicy,
): OwnershipTransferWorkflowInput => ({
  requestId,
  accountId: request.accountId,
  ownerArn: request.ownerArn,
  provisionedProductId: request.provisionedProductId ?? null,
  fromOwnerArn: request.fromOwnerArn ?? null,
  origin,
});
