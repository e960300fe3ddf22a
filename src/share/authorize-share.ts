import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import { findParentPath } from '../catalog/account-placement.js';
import { principalSharingWarnings } from '../catalog/portfolio-principals.js';
import { type AuthorizedShare, ShareWorkflowInput } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { NotAuthorizedError } from '../errors.js';
import { authorizedPortfolio, authorizedShareOptions, authorizeRequester, authorizeTarget } from '../policy/authorization.js';

/** What only the deployed policy decides; an execution input that sets any of them is refused. */
const POLICY_DECIDED = ['memberActions', 'iamPrincipals', 'memberRoleName', 'allowEnableOrganizationsAccess'] as const;

/** The authorize step's input: the share workflow's input, with the fields an older or forged input may carry kept to be refused. */
export const ShareAuthorizationInput = ShareWorkflowInput.extend(
  Object.fromEntries(POLICY_DECIDED.map((field) => [field, z.unknown().optional()])) as Record<
    (typeof POLICY_DECIDED)[number],
    z.ZodOptional<z.ZodUnknown>
  >,
);
export type ShareAuthorizationInput = z.infer<typeof ShareAuthorizationInput>;

export interface AuthorizeShareDependencies {
  policy: SharingPolicy;
  /** The account the stack runs in: with no requester rule, only its principals may ask. */
  hubAccountId: string;
  /** For requests.targets rules with `descendants` (ListParents). */
  organizations: OrganizationsClient;
}

/**
 * Whether the policy allows a share request, and what the share then does, all from the policy: the
 * options, Organizations access, the member role and the member actions. Throws NotAuthorizedError
 * naming the rule that refused it. The API runs it before starting anything; the share workflow runs
 * it first, so an execution started any other way is held to the same policy.
 */
export const authorizeShare = async (
  input: ShareAuthorizationInput,
  dependencies: AuthorizeShareDependencies,
): Promise<AuthorizedShare> => {
  const { policy } = dependencies;
  const asked = POLICY_DECIDED.filter((field) => input[field] !== undefined);
  if (asked.length > 0) {
    throw new NotAuthorizedError(
      `The share workflow's input may not set ${asked.join(', ')}: member actions, the member role and Organizations access come from the deployed sharing policy`,
      'settings',
    );
  }
  authorizeRequester(policy, 'share', input.requestedBy, dependencies.hubAccountId);
  const { portfolio, path } = authorizedPortfolio(policy, input.portfolioId);
  await authorizeTarget(portfolio, path, input.target, input.requestedBy, (id) => findParentPath(dependencies.organizations, id));
  const options = authorizedShareOptions(portfolio, path, input.target, input);
  return {
    requestId: input.requestId,
    portfolioId: input.portfolioId,
    target: input.target,
    requestedBy: input.requestedBy,
    ...options,
    allowEnableOrganizationsAccess: policy.settings.allowEnableOrganizationsAccess,
    memberActions: {
      // Only account shares are accepted; accepting an organization share fails in AWS.
      accept: input.target.type === 'EXTERNAL_ACCOUNT',
      iamPrincipals: portfolio.associatePrincipals,
    },
    warnings: [],
  };
};

/**
 * The share workflow's step: the authorization, and what principal sharing exposes (the portfolio's
 * IAM_PATTERN principals, read from Service Catalog) as the result's warnings. The API route only
 * authorizes, so its function neither reads principals nor needs the permission to.
 */
export const authorizeShareStep = async (
  input: ShareAuthorizationInput,
  dependencies: AuthorizeShareDependencies & { serviceCatalog: ServiceCatalogClient },
): Promise<AuthorizedShare> => {
  const authorized = await authorizeShare(input, dependencies);
  return authorized.sharePrincipals
    ? { ...authorized, warnings: await principalSharingWarnings(dependencies.serviceCatalog, authorized.portfolioId) }
    : authorized;
};
