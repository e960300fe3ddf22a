import {
  DescribePortfolioSharesCommand,
  ListOrganizationPortfolioAccessCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { DESCRIBED_SHARE_TYPE, ORGANIZATION_NODE_TYPES, type ShareTarget } from '../contracts/identifiers.js';

/** A share of a portfolio as Service Catalog reports it, named as a policy target. */
export interface ExistingShare {
  target: ShareTarget;
  /** Whether the recipient imported it: account shares until accepted are false; organization shares always true. */
  accepted: boolean;
  /** The share's options; null for a node that only ListOrganizationPortfolioAccess listed. */
  sharePrincipals: boolean | null;
  shareTagOptions: boolean | null;
}

const TARGET_TYPE_OF_SHARE = Object.fromEntries(
  Object.entries(DESCRIBED_SHARE_TYPE).map(([targetType, shareType]) => [shareType, targetType]),
) as Record<string, ShareTarget['type']>;

export const targetKey = (target: ShareTarget): string => `${target.type}:${target.id}`;

/** Every page of a paginated call, items in order. */
const allPages = async <T>(fetchPage: (pageToken: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> => {
  const items: T[] = [];
  let pageToken: string | undefined;
  do {
    const page = await fetchPage(pageToken);
    items.push(...page.items);
    pageToken = page.next;
  } while (pageToken);
  return items;
};

/**
 * Every share of a portfolio: DescribePortfolioShares for each share type, and — when Organizations
 * access lets the hub list them — ListOrganizationPortfolioAccess for each organization node type,
 * which also names nodes DescribePortfolioShares may not (their options are then unknown).
 */
export const readExistingShares = async (
  serviceCatalog: ServiceCatalogClient,
  portfolioId: string,
  options: { listOrganizationNodes: boolean },
): Promise<ExistingShare[]> => {
  const shares = new Map<string, ExistingShare>();
  for (const shareType of Object.values(DESCRIBED_SHARE_TYPE)) {
    const details = await allPages(async (PageToken) => {
      const page = await serviceCatalog.send(new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: shareType, PageToken, PageSize: 100 }));
      return { items: page.PortfolioShareDetails ?? [], next: page.NextPageToken };
    });
    for (const detail of details) {
      const type = TARGET_TYPE_OF_SHARE[detail.Type ?? shareType];
      if (!detail.PrincipalId || !type) continue;
      const target = { type, id: detail.PrincipalId } as ShareTarget;
      shares.set(targetKey(target), {
        target,
        accepted: detail.Accepted ?? type !== 'EXTERNAL_ACCOUNT',
        sharePrincipals: detail.SharePrincipals ?? null,
        shareTagOptions: detail.ShareTagOptions ?? null,
      });
    }
  }
  if (options.listOrganizationNodes) {
    for (const nodeType of ORGANIZATION_NODE_TYPES) {
      const nodes = await allPages(async (PageToken) => {
        const page = await serviceCatalog.send(new ListOrganizationPortfolioAccessCommand({ PortfolioId: portfolioId, OrganizationNodeType: nodeType, PageToken }));
        return { items: page.OrganizationNodes ?? [], next: page.NextPageToken };
      });
      for (const node of nodes) {
        if (!node.Value) continue;
        const target = { type: node.Type ?? nodeType, id: node.Value } as ShareTarget;
        const key = targetKey(target);
        if (!shares.has(key)) shares.set(key, { target, accepted: true, sharePrincipals: null, shareTagOptions: null });
      }
    }
  }
  return [...shares.values()];
};
