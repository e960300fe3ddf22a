import type { ShareRequest, ShareWorkflowInput } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { findPortfolioPolicy } from './entitlements.js';

/**
 * The share workflow's input for a request, with the policy's options and member actions for the
 * portfolio (a request, an account's onboarding and a reconcile run all share this way).
 */
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
    memberRoleName: policy.settings.memberRoleName,
    memberActions: {
      // Only account shares are accepted; accepting an organization share fails in AWS.
      accept: request.target.type === 'EXTERNAL_ACCOUNT',
      iamPrincipals: portfolio?.associatePrincipals ?? [],
    },
  };
};
