import { type ServiceCatalogClient, paginateListOrganizationPortfolioAccess } from '@aws-sdk/client-service-catalog';
import { ORGANIZATION_NODE_TYPES, type ShareTarget } from '../contracts/identifiers.js';
import { type ExistingShare, describeShares } from '../share/portfolio-shares.js';

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
): Promise<ExistingShare[]> => {
  const shares = new Map((await describeShares(serviceCatalog, portfolioId)).map((share) => [targetKey(share.target), share]));
  if (options.listOrganizationNodes) {
    for (const nodeType of ORGANIZATION_NODE_TYPES) {
      for await (const page of paginateListOrganizationPortfolioAccess({ client: serviceCatalog }, { PortfolioId: portfolioId, OrganizationNodeType: nodeType })) {
        for (const node of page.OrganizationNodes ?? []) {
          if (!node.Value) continue;
          const target = { type: node.Type ?? nodeType, id: node.Value } as ShareTarget;
          if (!shares.has(targetKey(target))) shares.set(targetKey(target), { target, accepted: true, sharePrincipals: null, shareTagOptions: null });
        }
      }
    }
  }
  return [...shares.values()];
};
