import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import { ShareTarget } from '../contracts/identifiers.js';
import { MemberActions, OnboardingWorkflowInput, ShareWorkflowInput } from '../contracts/workflow-input.js';
import { entitlementsFor, reaches } from '../policy/entitlements.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import { describeShares, givesAccess } from '../share/portfolio-shares.js';
import { findAccountPlacement } from './account-placement.js';

export const PortfolioPlan = z.object({
  portfolioId: z.string(),
  entitledBy: ShareTarget,
  /** The existing share that already reaches the account, if any. */
  coveredBy: ShareTarget.nullable(),
  /** The share workflow's input when no existing share covers the account. */
  share: ShareWorkflowInput.nullable(),
  memberActions: MemberActions,
  needsMemberActions: z.boolean(),
});
export type PortfolioPlan = z.infer<typeof PortfolioPlan>;

export const OnboardingPlan = z.object({
  accountId: z.string(),
  organizationId: z.string(),
  parentPath: z.array(z.string()),
  portfolios: z.array(PortfolioPlan),
});
export type OnboardingPlan = z.infer<typeof OnboardingPlan>;

/** The child share request's id: deterministic, so a repeated onboarding finds the same share execution. */
const shareRequestId = (requestId: string, portfolioId: string): string => `${requestId}-${portfolioId}`.slice(0, 80);

/**
 * Decides, for each portfolio the policy entitles the account to, whether an existing share already
 * reaches it (then only member actions remain) or a share action is needed.
 */
export const planOnboarding = async (
  request: OnboardingWorkflowInput,
  dependencies: { organizations: OrganizationsClient; serviceCatalog: ServiceCatalogClient; policy: SharingPolicy },
): Promise<OnboardingPlan> => {
  const placement = await findAccountPlacement(dependencies.organizations, request.accountId);
  const { policy } = dependencies;
  const portfolios: PortfolioPlan[] = [];
  for (const { portfolio, entitledBy } of entitlementsFor(policy, placement)) {
    const kinds: ShareTarget['type'][] =
      entitledBy.type === 'EXTERNAL_ACCOUNT' ? ['EXTERNAL_ACCOUNT'] : ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'];
    const coveredBy = (await describeShares(dependencies.serviceCatalog, portfolio.portfolioId, kinds))
      .filter(givesAccess)
      .map((share) => share.target)
      .find((target) => reaches(target, placement));
    const memberActions = {
      accept: entitledBy.type === 'EXTERNAL_ACCOUNT',
      iamPrincipals: portfolio.associatePrincipals,
    };
    portfolios.push({
      portfolioId: portfolio.portfolioId,
      entitledBy,
      coveredBy: coveredBy ?? null,
      share: coveredBy
        ? null
        : {
            requestId: shareRequestId(request.requestId, portfolio.portfolioId),
            portfolioId: portfolio.portfolioId,
            target: entitledBy,
            sharePrincipals: portfolio.sharePrincipals,
            shareTagOptions: portfolio.shareTagOptions,
            origin: 'onboarding',
            allowEnableOrganizationsAccess: policy.settings.allowEnableOrganizationsAccess,
            memberRoleName: policy.settings.memberRoleName,
            memberActions,
          },
      memberActions,
      needsMemberActions: memberActions.accept || memberActions.iamPrincipals.length > 0,
    });
  }
  return { accountId: placement.accountId, organizationId: placement.organizationId, parentPath: placement.parentPath, portfolios };
};
