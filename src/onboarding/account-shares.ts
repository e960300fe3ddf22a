import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { describeShares, type ExistingShare } from '../catalog/portfolio-shares.js';
import { childRequestId, type ShareTarget } from '../contracts/identifiers.js';
import type { KeptShare } from '../contracts/onboarding.js';
import type { UnshareWorkflowInput } from '../contracts/unshare.js';
import type { AccountPlacement, Entitlement } from '../policy/entitlements.js';
import { toUnshareWorkflowInput } from '../policy/workflow-inputs.js';

/** The target types whose recipient is exactly one account. */
export const ACCOUNT_LEVEL_TYPES = ['ACCOUNT', 'EXTERNAL_ACCOUNT'] as const satisfies ShareTarget['type'][];

/** Lists a portfolio's shares of one target type (all pages). */
export type ShareLister = (portfolioId: string, type: ShareTarget['type']) => Promise<ExistingShare[]>;

/** A ShareLister that asks Service Catalog once per portfolio and type, however often a plan looks. */
export const shareLister = (serviceCatalog: ServiceCatalogClient): ShareLister => {
  const listed = new Map<string, Promise<ExistingShare[]>>();
  return (portfolioId, type) => {
    const key = `${portfolioId}:${type}`;
    let shares = listed.get(key);
    if (!shares) {
      shares = describeShares(serviceCatalog, portfolioId, [type]);
      listed.set(key, shares);
    }
    return shares;
  };
};

/** A share of one of the policy's portfolios whose recipient is exactly the account. */
export interface AccountLevelShare extends ExistingShare {
  portfolioId: string;
}

/** The shares of the given portfolios whose recipient is exactly this account, accepted or not. */
export const accountLevelShares = async (list: ShareLister, portfolioIds: string[], accountId: string): Promise<AccountLevelShare[]> => {
  const shares: AccountLevelShare[] = [];
  for (const portfolioId of portfolioIds) {
    for (const type of ACCOUNT_LEVEL_TYPES) {
      for (const share of await list(portfolioId, type)) if (share.target.id === accountId) shares.push({ ...share, portfolioId });
    }
  }
  return shares;
};

export interface ShareRemovals {
  /** Inputs of the unshare workflow, one per share the hub removes. */
  removals: UnshareWorkflowInput[];
  kept: KeptShare[];
  /** Unentitled account shares left for the member account to reject (settings.rejectUnentitledShares). */
  toReject: AccountLevelShare[];
}

/** The unshare request's id for one of the account's shares: deterministic per account event, portfolio and share type. */
export const unshareRequestId = (requestId: string, share: Pick<AccountLevelShare, 'portfolioId' | 'target'>): string =>
  childRequestId(requestId, `${share.portfolioId}-unshare-${share.target.type.toLowerCase().replace('_', '-')}`);

/**
 * Sorts the account's account-level shares into those its placement still entitles it to and those
 * to remove. A member account keeps every share of an entitled portfolio; outside the organization
 * an organization-member-account share reaches nothing, so only account shares of portfolios that
 * an EXTERNAL_ACCOUNT target names can stay. When the member account rejects unentitled shares
 * itself, its unentitled account shares are left to it, so that the hub and the account do not
 * both act on one share.
 */
export const selectShareRemovals = (
  requestId: string,
  placement: AccountPlacement,
  shares: AccountLevelShare[],
  entitlements: Entitlement[],
  options: { memberRejects: boolean },
): ShareRemovals => {
  const entitledBy = new Map(entitlements.map((entitlement) => [entitlement.portfolio.portfolioId, entitlement.entitledBy]));
  const result: ShareRemovals = { removals: [], kept: [], toReject: [] };
  for (const share of shares) {
    const entitlement = entitledBy.get(share.portfolioId);
    const reachesAccount = placement.organizationId !== null || share.target.type === 'EXTERNAL_ACCOUNT';
    if (entitlement && reachesAccount) {
      result.kept.push({ portfolioId: share.portfolioId, target: share.target, entitledBy: entitlement });
    } else if (options.memberRejects && share.target.type === 'EXTERNAL_ACCOUNT') {
      result.toReject.push(share);
    } else {
      result.removals.push(
        toUnshareWorkflowInput(share, unshareRequestId(requestId, share), { type: 'workflow', workflow: 'onboard-account', requestId }),
      );
    }
  }
  return result;
};
