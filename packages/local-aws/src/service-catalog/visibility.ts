// Who may see and use a portfolio. Organization shares are resolved against the organization as it
// is at the time of the call (accounts moved into a shared OU gain the portfolio, accounts moved out
// lose it); only per-account failures of a share action are remembered.
import type { AwsServiceError, OrganizationView } from '../contract.js';
import { resourceNotFound } from './errors.js';
import { hasReached } from './share-progress.js';
import { type AccountShare, type OrgShare, type Portfolio, type Scope, SERVICE_PRINCIPAL, toEpochSeconds } from './state.js';

export function isOrganizationAdmin(org: OrganizationView, accountId: string): boolean {
  return org.hasAccount(accountId) && (accountId === org.managementAccountId || org.isDelegatedAdministrator(accountId, SERVICE_PRINCIPAL));
}

/** Live membership: the account is at or below the node now. */
export function isUnderNode(org: OrganizationView, nodeId: string, accountId: string): boolean {
  if (!org.hasAccount(accountId)) return false;
  if (nodeId === accountId || nodeId === org.organizationId) return true;
  return org.pathOf(accountId).includes(nodeId);
}

export function shareCovers(org: OrganizationView, share: OrgShare, accountId: string): boolean {
  return share.frozenMembers ? share.frozenMembers.has(accountId) : isUnderNode(org, share.nodeId, accountId);
}

/** Accounts an organization share reaches now, the portfolio owner excluded. */
export function shareMembers(scope: Scope, portfolio: Portfolio, share: OrgShare): string[] {
  const members = share.frozenMembers ? [...share.frozenMembers] : scope.org.accountsUnder(share.nodeId);
  return members.filter((accountId) => accountId !== portfolio.ownerAccountId);
}

/** Organization shares that give the account the portfolio now, ignoring a rejection by the recipient. */
export function coveringOrgShares(scope: Scope, portfolio: Portfolio, accountId: string): OrgShare[] {
  if (accountId === portfolio.ownerAccountId) return [];
  const shares: OrgShare[] = [];
  const actionOf = (token: string | undefined) => (token === undefined ? undefined : scope.state.shareActions.get(token));
  for (const share of portfolio.orgShares.values()) {
    if (!shareCovers(scope.org, share, accountId)) continue;
    if (share.failed.has(accountId) && !hasReached(actionOf(share.resharingToken), accountId, scope.now)) continue;
    if (share.activeAt > scope.now && !hasReached(actionOf(share.creatingToken), accountId, scope.now)) continue;
    if (hasReached(actionOf(share.deletingToken), accountId, scope.now)) continue;
    shares.push(share);
  }
  return shares;
}

export interface PortfolioAccess {
  owner: boolean;
  accountShare?: AccountShare;
  /** Organization shares through which the account has the portfolio imported. */
  orgShares: OrgShare[];
}

export function accessOf(scope: Scope, portfolio: Portfolio, accountId: string): PortfolioAccess {
  const owner = portfolio.ownerAccountId === accountId;
  const orgShares = portfolio.orgRejections.has(accountId) ? [] : coveringOrgShares(scope, portfolio, accountId);
  const accountShare = portfolio.accountShares.get(accountId);
  return accountShare ? { owner, accountShare, orgShares } : { owner, orgShares };
}

/** Owner, accepted account share, or organization import. */
export function hasUse(access: PortfolioAccess): boolean {
  return access.owner || access.accountShare?.accepted === true || access.orgShares.length > 0;
}

export function portfolioNotFound(portfolioId: string): AwsServiceError {
  return resourceNotFound(`Portfolio not found: ${portfolioId}`);
}

export function findPortfolio(scope: Scope, portfolioId: string): Portfolio {
  const portfolio = scope.state.portfolios.get(portfolioId);
  if (!portfolio) throw portfolioNotFound(portfolioId);
  return portfolio;
}

/** A portfolio of the caller's account; other accounts' portfolios are reported as not found, as AWS does. */
export function ownedPortfolio(scope: Scope, portfolioId: string): Portfolio {
  const portfolio = findPortfolio(scope, portfolioId);
  if (portfolio.ownerAccountId !== scope.caller.accountId) throw portfolioNotFound(portfolioId);
  return portfolio;
}

/** A portfolio the caller's account owns or has imported (accepted account share or organization share). */
export function usablePortfolio(scope: Scope, portfolioId: string): { portfolio: Portfolio; access: PortfolioAccess } {
  const portfolio = findPortfolio(scope, portfolioId);
  const access = accessOf(scope, portfolio, scope.caller.accountId);
  if (!hasUse(access)) throw portfolioNotFound(portfolioId);
  return { portfolio, access };
}

export function portfolioArn(scope: Scope, portfolio: Portfolio): string {
  return `arn:aws:catalog:${scope.region}:${portfolio.ownerAccountId}:portfolio/${portfolio.id}`;
}

export function portfolioDetail(scope: Scope, portfolio: Portfolio): Record<string, unknown> {
  return {
    Id: portfolio.id,
    ARN: portfolioArn(scope, portfolio),
    DisplayName: portfolio.displayName,
    Description: portfolio.description,
    CreatedTime: toEpochSeconds(portfolio.createdAt),
    ProviderName: portfolio.providerName,
  };
}
