import type { SharingPolicy } from '../contracts/sharing-policy.js';
import type { UnshareWorkflowInput } from '../contracts/unshare.js';
import { authorizedPortfolio, authorizeRequester } from '../policy/authorization.js';

/**
 * Whether the policy allows an unshare: the requester (authorization.requesters.unshare) and a
 * portfolio the policy manages. Any share of such a portfolio may be removed: removing a share gives
 * no one access, and shares the policy does not list are exactly what a clean-up removes.
 * Throws NotAuthorizedError naming the rule.
 */
export const authorizeUnshare = (
  input: UnshareWorkflowInput,
  dependencies: { policy: SharingPolicy; hubAccountId: string },
): UnshareWorkflowInput => {
  authorizeRequester(dependencies.policy, 'unshare', input.requestedBy, dependencies.hubAccountId);
  authorizedPortfolio(dependencies.policy, input.portfolioId);
  return input;
};
