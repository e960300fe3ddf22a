import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import { findAccountPlacement } from '../catalog/account-placement.js';
import { givesAccess } from '../catalog/portfolio-shares.js';
import { mapWithConcurrency } from '../concurrency.js';
import { childRequestId, type ShareTarget } from '../contracts/identifiers.js';
import { type OnboardingPlan, OnboardingWorkflowInput, type PortfolioPlan } from '../contracts/onboarding.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { type AccountPlacement, type Entitlement, entitlementsFor, outsideOrganization, reaches } from '../policy/entitlements.js';
import { toShareWorkflowInput } from '../policy/workflow-inputs.js';
import { ACCOUNT_LEVEL_TYPES, accountLevelShares, type ShareLister, selectShareRemovals, shareLister } from './account-shares.js';

/** The plan step's input: the request the onboard-account state machine was started with. */
export const PlanOnboardingInput = z.object({ request: OnboardingWorkflowInput });

/** The existing share of the given kinds that already reaches the account, if any. */
const coveringShare = async (
  list: ShareLister,
  portfolioId: string,
  kinds: ShareTarget['type'][],
  placement: AccountPlacement,
): Promise<ShareTarget | undefined> => {
  for (const kind of kinds) {
    const covering = (await list(portfolioId, kind)).find((share) => givesAccess(share) && reaches(share.target, placement));
    if (covering) return covering.target;
  }
  return undefined;
};

/** The kinds of share that could already give an entitled account the portfolio. */
const coveringKinds = ({ entitledBy }: Entitlement): ShareTarget['type'][] =>
  entitledBy.type === 'EXTERNAL_ACCOUNT' ? ['EXTERNAL_ACCOUNT'] : ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'];

/** DescribePortfolioShares calls a plan makes at once; the lister asks each portfolio and type once. */
const LISTS_AT_ONCE = 8;

const planPortfolio = async (
  request: OnboardingWorkflowInput,
  entitlement: Entitlement,
  placement: AccountPlacement,
  list: ShareLister,
): Promise<PortfolioPlan> => {
  const { portfolio, entitledBy } = entitlement;
  const kinds = coveringKinds(entitlement);
  const coveredBy = await coveringShare(list, portfolio.portfolioId, kinds, placement);
  // The request id is deterministic, so a repeated onboarding finds the same share execution.
  const share = toShareWorkflowInput(
    { portfolioId: portfolio.portfolioId, target: entitledBy },
    childRequestId(request.requestId, portfolio.portfolioId),
    {
      type: 'workflow',
      workflow: 'onboard-account',
      requestId: request.requestId,
    },
  );
  // What the member account needs once it sees the portfolio, from the policy (runMemberActions checks it again).
  const memberActions = { accept: entitledBy.type === 'EXTERNAL_ACCOUNT', iamPrincipals: portfolio.associatePrincipals };
  return {
    portfolioId: portfolio.portfolioId,
    entitledBy,
    coveredBy: coveredBy ?? null,
    share: coveredBy ? null : share,
    memberActions,
    needsMemberActions: memberActions.accept || memberActions.iamPrincipals.length > 0,
  };
};

/** Where the account is now; a departed account that the organization no longer knows is outside it. */
const placementAfter = async (request: OnboardingWorkflowInput, organizations: OrganizationsClient): Promise<AccountPlacement> => {
  try {
    return await findAccountPlacement(organizations, request.accountId);
  } catch (error) {
    // ListParents answers ChildNotFoundException for an account that is not in the organization.
    if (request.membership === 'DEPARTED' && error instanceof Error && error.name === 'ChildNotFoundException') {
      return outsideOrganization(request.accountId);
    }
    throw error;
  }
};

/**
 * Decides what an account event means for the account: for a member account, whether each entitled
 * portfolio is already reached by an existing share (then only member actions remain) or needs a
 * share; for any account, which of its account-level shares of policy portfolios the policy no
 * longer entitles it to (to remove) and, when the policy says so, what the account must reject.
 */
export const planOnboarding = async (
  request: OnboardingWorkflowInput,
  dependencies: { organizations: OrganizationsClient; serviceCatalog: ServiceCatalogClient; policy: SharingPolicy },
): Promise<OnboardingPlan> => {
  const { policy } = dependencies;
  const placement = await placementAfter(request, dependencies.organizations);
  const list = shareLister(dependencies.serviceCatalog);
  const entitlements = entitlementsFor(policy, placement);
  const member = request.membership === 'MEMBER' && placement.organizationId !== null;

  const policyPortfolioIds = policy.portfolios.map((portfolio) => portfolio.portfolioId);
  // Every share list the plan reads, asked once each and at once, instead of one after another.
  const needed = new Map<string, [string, ShareTarget['type']]>();
  for (const portfolioId of policyPortfolioIds)
    for (const type of ACCOUNT_LEVEL_TYPES) needed.set(`${portfolioId}:${type}`, [portfolioId, type]);
  if (member) {
    for (const entitlement of entitlements)
      for (const type of coveringKinds(entitlement))
        needed.set(`${entitlement.portfolio.portfolioId}:${type}`, [entitlement.portfolio.portfolioId, type]);
  }
  await mapWithConcurrency([...needed.values()], LISTS_AT_ONCE, ([portfolioId, type]) => list(portfolioId, type));

  const portfolios: PortfolioPlan[] = member
    ? await Promise.all(entitlements.map((entitlement) => planPortfolio(request, entitlement, placement, list)))
    : [];
  const memberRejects = member && policy.settings.rejectUnentitledShares;
  const shares = await accountLevelShares(list, policyPortfolioIds, request.accountId);
  const { removals, kept, toReject } = selectShareRemovals(request.requestId, placement, shares, entitlements, { memberRejects });

  return {
    accountId: placement.accountId,
    organizationId: placement.organizationId,
    parentPath: placement.parentPath,
    portfolios,
    removals,
    keptShares: kept,
    rejection: memberRejects
      ? {
          accountId: request.accountId,
          entitledPortfolioIds: entitlements.map((entitlement) => entitlement.portfolio.portfolioId),
          // The member account cannot list offers it has not accepted; the hub can, for its own portfolios.
          pendingPortfolioIds: [...new Set(toReject.filter((share) => !share.accepted).map((share) => share.portfolioId))],
        }
      : null,
  };
};
