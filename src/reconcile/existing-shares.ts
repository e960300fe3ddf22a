import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { describePortfolioShares, listOrganizationPortfolioAccess } from '../catalog/portfolio-access.js';
import type { ExistingShare } from '../catalog/portfolio-shares.js';
import { ORGANIZATION_NODE_TYPES, type ShareTarget } from '../contracts/identifiers.js';

/** A share as the plan compares it: the catalog's share, its options null for a node only ListOrganizationPortfolioAccess names. */
export type PlannedShare = Omit<ExistingShare, 'sharePrincipals' | 'shareTagOptions'> & {
  sharePrincipals: boolean | null;
  shareTagOptions: boolean | null;
};

export const targetKey = (target: ShareTarget): string => `${target.type}:${target.id}`;

/**
 * Every share of a portfolio: DescribePortfolioShares for each share type, and — when Organizations
 * access lets the hub list them — ListOrganizationPortfolioAccess for each organization node type,
 * which may name nodes DescribePortfolioShares does not (their options are then unknown).
 */
export const readExistingShares = async (
  serviceCatalog: ServiceCatalogClient,
  portfolioId: string,
  options: { listOrganizationNodes: boolean },
): Promise<PlannedShare[]> => {
  const { shares } = await describePortfolioShares(serviceCatalog, portfolioId);
  const existing = new Map(
    shares.map(({ target, accepted, sharePrincipals, shareTagOptions }): [string, PlannedShare] => [
      targetKey(target as ShareTarget),
      { target: target as ShareTarget, accepted, sharePrincipals, shareTagOptions },
    ]),
  );
  if (options.listOrganizationNodes) {
    const { organizationNodes } = await listOrganizationPortfolioAccess(serviceCatalog, portfolioId, ORGANIZATION_NODE_TYPES);
    for (const node of organizationNodes) {
      const target = node as ShareTarget;
      if (!existing.has(targetKey(target)))
        existing.set(targetKey(target), { target, accepted: true, sharePrincipals: null, shareTagOptions: null });
    }
  }
  return [...existing.values()];
};
