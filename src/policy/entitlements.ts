import type { ShareTarget } from '../contracts/identifiers.js';
import type { PortfolioPolicy, SharingPolicy } from '../contracts/sharing-policy.js';

/** Where an account sits: its organization and the ids from the root down to its parent OU. */
export interface AccountPlacement {
  accountId: string;
  /** Null for an account outside the organization (one that left it): only EXTERNAL_ACCOUNT targets can name it then. */
  organizationId: string | null;
  /** `['r-…', 'ou-…', …]`, root first; empty outside the organization. */
  parentPath: string[];
}

/** An account that is not (or no longer) in the organization. */
export const outsideOrganization = (accountId: string): AccountPlacement => ({ accountId, organizationId: null, parentPath: [] });

export interface Entitlement {
  portfolio: PortfolioPolicy;
  /** The most specific policy target that entitles the account. */
  entitledBy: ShareTarget;
}

/** How specific a matching target is: an account beats its nearest OU, which beats the organization. */
const specificity = (target: ShareTarget, placement: AccountPlacement): number => {
  switch (target.type) {
    case 'ACCOUNT':
      // An organization-member-account share reaches the account only while it is a member.
      return placement.organizationId !== null && target.id === placement.accountId ? 1_000 : -1;
    case 'EXTERNAL_ACCOUNT':
      return target.id === placement.accountId ? 1_000 : -1;
    case 'ORGANIZATIONAL_UNIT':
      return placement.parentPath.indexOf(target.id) + 1 || -1;
    case 'ORGANIZATION':
      return target.id === placement.organizationId ? 0 : -1;
  }
};

/** Whether a target (a policy target, or an existing share) reaches the account. */
export const reaches = (target: ShareTarget, placement: AccountPlacement): boolean => specificity(target, placement) >= 0;

/** Of the targets that reach the account, the most specific one. */
export const mostSpecificTarget = (targets: readonly ShareTarget[], placement: AccountPlacement): ShareTarget | undefined =>
  targets
    .map((target) => ({ target, rank: specificity(target, placement) }))
    .filter(({ rank }) => rank >= 0)
    .sort((a, b) => b.rank - a.rank)[0]?.target;

/** The portfolios the policy entitles an account to, OU entitlements inherited down nested OUs. */
export const entitlementsFor = (policy: SharingPolicy, placement: AccountPlacement): Entitlement[] =>
  policy.portfolios.flatMap((portfolio) => {
    const entitledBy = mostSpecificTarget(portfolio.targets, placement);
    return entitledBy ? [{ portfolio, entitledBy }] : [];
  });

export const findPortfolioPolicy = (policy: SharingPolicy, portfolioId: string): PortfolioPolicy | undefined =>
  policy.portfolios.find((portfolio) => portfolio.portfolioId === portfolioId);
