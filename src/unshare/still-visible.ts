import {
  type OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import { DescribePortfolioCommand, type ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import { findOrganizationId, findParentPath } from '../catalog/account-placement.js';
import { describeShares, givesAccess, isShared, sameTarget } from '../catalog/portfolio-shares.js';
import { PortfolioId, ShareTarget } from '../contracts/identifiers.js';
import type { StillVisible } from '../contracts/unshare.js';
import { PortfolioOwnerUnknownError } from '../errors.js';
import { type AccountPlacement, mostSpecificTarget, outsideOrganization } from '../policy/entitlements.js';

/** At most this many accounts are listed in a result event; 1,000 entries keep it far below 256 KiB. */
export const MAX_STILL_VISIBLE_LISTED = 1_000;

export const ShareLookupInput = z.object({ portfolioId: PortfolioId, target: ShareTarget });
export type ShareLookupInput = z.infer<typeof ShareLookupInput>;

/** Whether the target has a share of the portfolio to delete. */
export const findShare = async (
  { portfolioId, target }: ShareLookupInput,
  dependencies: { serviceCatalog: ServiceCatalogClient },
): Promise<{ shared: boolean }> => {
  return { shared: await isShared(dependencies.serviceCatalog, portfolioId, target) };
};

/** The account that owns the portfolio (it always sees it, so it is never reported): the fifth field of its ARN. */
const portfolioOwner = async (serviceCatalog: ServiceCatalogClient, portfolioId: string): Promise<string> => {
  const { PortfolioDetail } = await serviceCatalog.send(new DescribePortfolioCommand({ Id: portfolioId }));
  const owner = PortfolioDetail?.ARN?.split(':')[4];
  if (!owner) throw new PortfolioOwnerUnknownError(`DescribePortfolio returned no ARN for ${portfolioId}`);
  return owner;
};

const isMissingNode = (error: unknown): boolean =>
  error instanceof Error && ['ParentNotFoundException', 'ChildNotFoundException', 'AccountNotFoundException'].includes(error.name);

/** Every account at or below an organization parent, with its path from the root (nested OUs, all pages). */
const accountsBelow = async (
  organizations: OrganizationsClient,
  organizationId: string,
  parentId: string,
  pathToParent: string[],
): Promise<AccountPlacement[]> => {
  const placements: AccountPlacement[] = [];
  for await (const page of paginateListAccountsForParent({ client: organizations }, { ParentId: parentId })) {
    for (const account of page.Accounts ?? []) {
      if (account.Id) placements.push({ accountId: account.Id, organizationId, parentPath: pathToParent });
    }
  }
  for await (const page of paginateListOrganizationalUnitsForParent({ client: organizations }, { ParentId: parentId })) {
    for (const unit of page.OrganizationalUnits ?? []) {
      if (unit.Id) placements.push(...(await accountsBelow(organizations, organizationId, unit.Id, [...pathToParent, unit.Id])));
    }
  }
  return placements;
};

/** The accounts a share with the target reached, placed in the organization as they are now. */
const accountsReachedBy = async (organizations: OrganizationsClient, target: ShareTarget): Promise<AccountPlacement[]> => {
  const organizationId = await findOrganizationId(organizations);
  try {
    switch (target.type) {
      case 'ORGANIZATION': {
        const roots: string[] = [];
        for await (const page of paginateListRoots({ client: organizations }, {}))
          roots.push(...(page.Roots ?? []).flatMap((root) => root.Id ?? []));
        const reached = await Promise.all(roots.map((rootId) => accountsBelow(organizations, organizationId, rootId, [rootId])));
        return reached.flat();
      }
      case 'ORGANIZATIONAL_UNIT': {
        const path = await findParentPath(organizations, target.id);
        return await accountsBelow(organizations, organizationId, target.id, [...path, target.id]);
      }
      case 'ACCOUNT':
      case 'EXTERNAL_ACCOUNT':
        return [{ accountId: target.id, organizationId, parentPath: await findParentPath(organizations, target.id) }];
    }
  } catch (error) {
    if (!isMissingNode(error)) throw error;
    // The node is gone from the organization: only a share with the account itself can still reach it.
    return target.type === 'ACCOUNT' || target.type === 'EXTERNAL_ACCOUNT' ? [outsideOrganization(target.id)] : [];
  }
};

/**
 * After a share is deleted (or found absent): which accounts it reached still see the portfolio,
 * and through which remaining share — e.g. an OU unshared while the organization stays shared.
 */
export const findStillVisible = async (
  { portfolioId, target }: ShareLookupInput,
  dependencies: { organizations: OrganizationsClient; serviceCatalog: ServiceCatalogClient },
): Promise<StillVisible> => {
  const remaining = (await describeShares(dependencies.serviceCatalog, portfolioId))
    .filter((share) => givesAccess(share) && !sameTarget(share.target, target))
    .map((share) => share.target);
  if (remaining.length === 0) return { stillVisibleTo: [], stillVisibleCount: 0 };

  const owner = await portfolioOwner(dependencies.serviceCatalog, portfolioId);
  const stillVisible = (await accountsReachedBy(dependencies.organizations, target))
    .filter((placement) => placement.accountId !== owner)
    .flatMap((placement) => {
      const through = mostSpecificTarget(remaining, placement);
      return through ? [{ accountId: placement.accountId, through }] : [];
    })
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
  return { stillVisibleTo: stillVisible.slice(0, MAX_STILL_VISIBLE_LISTED), stillVisibleCount: stillVisible.length };
};
