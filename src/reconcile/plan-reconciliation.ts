import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { readOrganizationsAccessStatus } from '../catalog/access-status.js';
import { findAccountPlacement } from '../catalog/account-placement.js';
import { principalSharingWarnings } from '../catalog/portfolio-principals.js';
import { now } from '../clock.js';
import { mapWithConcurrency } from '../concurrency.js';
import { isOrganizationNodeTarget, type ShareTarget } from '../contracts/identifiers.js';
import {
  type OptionDrift,
  type OrganizationsAccess,
  type PlanSummary,
  type PortfolioReconcilePlan,
  ReconcilePlan,
} from '../contracts/reconcile.js';
import type { PortfolioPolicy, SharingPolicy } from '../contracts/sharing-policy.js';
import { type AccountPlacement, reaches } from '../policy/entitlements.js';
import { parseWith } from '../validation.js';
import { type PlannedShare, readExistingShares, targetKey } from './existing-shares.js';

export interface PlanDependencies {
  serviceCatalog: ServiceCatalogClient;
  organizations: OrganizationsClient;
  policy: SharingPolicy;
}

/** Portfolios read at once: each costs seven list calls or more, and Service Catalog throttles. */
const PORTFOLIO_CONCURRENCY = 4;

/** ListParents errors of an account that is no longer in the organization. */
const NOT_IN_ORGANIZATION = new Set(['ChildNotFoundException', 'AccountNotFoundException']);

const accessMessage = (status: OrganizationsAccess['status'], mayEnable: boolean): string | null => {
  switch (status) {
    case 'ENABLED':
      return null;
    case 'UNDER_CHANGE':
      return 'Organizations access for Service Catalog is UNDER_CHANGE: organization shares are listed from DescribePortfolioShares only, and the share workflow waits for the change to settle before it creates any.';
    case 'DISABLED':
      return mayEnable
        ? 'Organizations access for Service Catalog is DISABLED: organization shares are listed from DescribePortfolioShares only; the share workflow enables access (settings.allowEnableOrganizationsAccess) before it creates one.'
        : 'Organizations access for Service Catalog is DISABLED: organization shares cannot be listed through the organization nor created. Enable it from the management account (aws servicecatalog enable-aws-organizations-access), or let the share workflow do it with settings.allowEnableOrganizationsAccess.';
    case 'UNKNOWN':
      return 'Organizations access for Service Catalog cannot be read from this account (only the management account may): organization shares are listed as this account is allowed to list them.';
  }
};

/** Service Catalog's Organizations access, read so that the plan can say what it means instead of failing on it. */
const planOrganizationsAccess = async (serviceCatalog: ServiceCatalogClient, policy: SharingPolicy): Promise<OrganizationsAccess> => {
  // A hub that may not read the status plans with UNKNOWN; a hub outside any organization cannot
  // plan organization shares at all, so that refusal fails the plan, naming it.
  const status =
    (await readOrganizationsAccessStatus(serviceCatalog, (error) => {
      if (error.name === 'AWSOrganizationsNotInUseException') throw error;
    })) ?? 'UNKNOWN';
  return { status, message: accessMessage(status, policy.settings.allowEnableOrganizationsAccess) };
};

export interface DiffContext {
  /** Whether missing organization-node shares can be created now (or after the share workflow enables access). */
  canShareOrganizationNodes: boolean;
  /** Where an organization member account sits, for shares of node type ACCOUNT; undefined when it is not in the organization. */
  placementOf: (accountId: string) => AccountPlacement | undefined;
}

/** The policy OU or organization target that already gives an organization member account the portfolio. */
const coveringTarget = (portfolio: PortfolioPolicy, share: ShareTarget, context: DiffContext): ShareTarget | undefined => {
  const placement = share.type === 'ACCOUNT' ? context.placementOf(share.id) : undefined;
  if (!placement) return undefined;
  return portfolio.targets.find(
    (target) => (target.type === 'ORGANIZATION' || target.type === 'ORGANIZATIONAL_UNIT') && reaches(target, placement),
  );
};

const optionDriftOf = (portfolio: PortfolioPolicy, share: PlannedShare): OptionDrift[] => {
  const drift: OptionDrift[] = [];
  if (share.shareTagOptions !== null && share.shareTagOptions !== portfolio.shareTagOptions) {
    drift.push({ target: share.target, option: 'shareTagOptions', expected: portfolio.shareTagOptions, actual: share.shareTagOptions });
  }
  // Principal sharing exists only for organization and OU shares.
  const sharesPrincipals = share.target.type === 'ORGANIZATION' || share.target.type === 'ORGANIZATIONAL_UNIT';
  if (sharesPrincipals && share.sharePrincipals !== null && share.sharePrincipals !== portfolio.sharePrincipals) {
    drift.push({ target: share.target, option: 'sharePrincipals', expected: portfolio.sharePrincipals, actual: share.sharePrincipals });
  }
  return drift;
};

/** Compares one portfolio's shares with its policy entry: what is missing, extra, unaccepted, or shared with other options. */
export const diffPortfolio = (portfolio: PortfolioPolicy, existing: PlannedShare[], context: DiffContext): PortfolioReconcilePlan => {
  const existingByKey = new Map(existing.map((share) => [targetKey(share.target), share]));
  const wanted = new Set(portfolio.targets.map(targetKey));

  const missing = portfolio.targets.filter((target) => !existingByKey.has(targetKey(target)));
  const blocked = context.canShareOrganizationNodes ? [] : missing.filter(isOrganizationNodeTarget);
  const present = portfolio.targets.flatMap((target) => existingByKey.get(targetKey(target)) ?? []);
  const unaccepted = present.filter((share) => !share.accepted).map((share) => share.target);
  const optionDrift = present.flatMap((share) => optionDriftOf(portfolio, share));

  const extra: ShareTarget[] = [];
  const covered: PortfolioReconcilePlan['covered'] = [];
  for (const share of existing) {
    if (wanted.has(targetKey(share.target))) continue;
    const coveredBy = coveringTarget(portfolio, share.target, context);
    if (coveredBy) covered.push({ target: share.target, coveredBy });
    else extra.push(share.target);
  }

  const blockedKeys = new Set(blocked.map(targetKey));
  return {
    portfolioId: portfolio.portfolioId,
    name: portfolio.name ?? null,
    prune: portfolio.prune,
    missing,
    blocked,
    extra,
    unaccepted,
    covered,
    optionDrift,
    // Shares first: a portfolio moving from one target to another keeps access during the move.
    actions: [
      ...missing.filter((target) => !blockedKeys.has(targetKey(target))).map((target) => ({ action: 'SHARE' as const, target })),
      ...(portfolio.prune ? extra.map((target) => ({ action: 'UNSHARE' as const, target })) : []),
    ],
    // Filled in by planReconciliation, which reads the portfolio's principals.
    warnings: [],
  };
};

/** Whether reconciling would change or report anything for the portfolio. */
export const hasDrift = (portfolio: PortfolioReconcilePlan): boolean =>
  portfolio.missing.length + portfolio.extra.length + portfolio.unaccepted.length + portfolio.optionDrift.length > 0;

export const summarisePlan = (portfolios: PortfolioReconcilePlan[]): PlanSummary => {
  const count = (select: (portfolio: PortfolioReconcilePlan) => number) =>
    portfolios.reduce((sum, portfolio) => sum + select(portfolio), 0);
  return {
    portfoliosChecked: portfolios.length,
    portfoliosDrifted: portfolios.filter(hasDrift).length,
    toShare: count((portfolio) => portfolio.actions.filter((action) => action.action === 'SHARE').length),
    toUnshare: count((portfolio) => portfolio.actions.filter((action) => action.action === 'UNSHARE').length),
    extraKept: count((portfolio) => (portfolio.prune ? 0 : portfolio.extra.length)),
    blocked: count((portfolio) => portfolio.blocked.length),
    optionDrift: count((portfolio) => portfolio.optionDrift.length),
    unaccepted: count((portfolio) => portfolio.unaccepted.length),
  };
};

/** Where each organization member account with a node share sits, read once per account. */
const placementsOf = async (organizations: OrganizationsClient, accountIds: string[]): Promise<Map<string, AccountPlacement>> => {
  const placements = new Map<string, AccountPlacement>();
  for (const accountId of new Set(accountIds)) {
    try {
      placements.set(accountId, await findAccountPlacement(organizations, accountId));
    } catch (error) {
      if (!(error instanceof Error && NOT_IN_ORGANIZATION.has(error.name))) throw error;
    }
  }
  return placements;
};

/**
 * What a reconcile would do: for every portfolio of the policy, its shares against the policy's
 * targets. Reads only; the workflow, `GET /plan` and `npm run plan` all start from it.
 */
const isOrganizationNodeShareWithPrincipals = (target: ShareTarget): boolean =>
  target.type === 'ORGANIZATION' || target.type === 'ORGANIZATIONAL_UNIT';

export const planReconciliation = async (dependencies: PlanDependencies, at = now()): Promise<ReconcilePlan> => {
  const { serviceCatalog, organizations, policy } = dependencies;
  const organizationsAccess = await planOrganizationsAccess(serviceCatalog, policy);
  const listOrganizationNodes = organizationsAccess.status === 'ENABLED' || organizationsAccess.status === 'UNKNOWN';
  const canShareOrganizationNodes = organizationsAccess.status !== 'DISABLED' || policy.settings.allowEnableOrganizationsAccess;

  const existing = await mapWithConcurrency(policy.portfolios, PORTFOLIO_CONCURRENCY, (portfolio) =>
    readExistingShares(serviceCatalog, portfolio.portfolioId, { listOrganizationNodes }),
  );
  // Only member-account node shares outside the policy can be covered by its OU or organization targets.
  const unlistedAccounts = policy.portfolios.flatMap((portfolio, index) => {
    const wanted = new Set(portfolio.targets.map(targetKey));
    return (existing[index] ?? [])
      .filter((share) => share.target.type === 'ACCOUNT' && !wanted.has(targetKey(share.target)))
      .map((share) => share.target.id);
  });
  const placements = await placementsOf(organizations, unlistedAccounts);

  // Principal sharing applies to organization and OU shares: warn where it exposes IAM_PATTERN principals.
  const warnings = await mapWithConcurrency(policy.portfolios, PORTFOLIO_CONCURRENCY, (portfolio) =>
    portfolio.sharePrincipals && portfolio.targets.some(isOrganizationNodeShareWithPrincipals)
      ? principalSharingWarnings(serviceCatalog, portfolio.portfolioId)
      : Promise.resolve([]),
  );
  const portfolios = policy.portfolios.map((portfolio, index) => ({
    ...diffPortfolio(portfolio, existing[index] ?? [], {
      canShareOrganizationNodes,
      placementOf: (accountId) => placements.get(accountId),
    }),
    warnings: warnings[index] ?? [],
  }));
  return parseWith(
    ReconcilePlan,
    { generatedAt: at.toISOString(), organizationsAccess, portfolios, summary: summarisePlan(portfolios) },
    'reconcile plan',
  );
};
