import {
  type DescribePortfolioShareType,
  type ServiceCatalogClient,
  paginateDescribePortfolioShares,
} from '@aws-sdk/client-service-catalog';
import type { ShareTarget } from '../contracts/identifiers.js';

export const SHARE_TARGET_TYPES: readonly ShareTarget['type'][] = ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT', 'EXTERNAL_ACCOUNT'];

/** DescribePortfolioShares type per target type (ACCOUNT is an organization member account node). */
export const DESCRIBED_SHARE_TYPE: Record<ShareTarget['type'], DescribePortfolioShareType> = {
  ORGANIZATION: 'ORGANIZATION',
  ORGANIZATIONAL_UNIT: 'ORGANIZATIONAL_UNIT',
  ACCOUNT: 'ORGANIZATION_MEMBER_ACCOUNT',
  EXTERNAL_ACCOUNT: 'ACCOUNT',
};

export interface ExistingShare {
  target: ShareTarget;
  /** Always true for organization shares; an account share only once the recipient accepted it. */
  accepted: boolean;
  /** The share's options; null when the listing does not say (ListOrganizationPortfolioAccess names nodes only). */
  sharePrincipals: boolean | null;
  shareTagOptions: boolean | null;
}

/** The shares of a portfolio of the given target types, all pages. */
export const describeShares = async (
  serviceCatalog: ServiceCatalogClient,
  portfolioId: string,
  types: readonly ShareTarget['type'][] = SHARE_TARGET_TYPES,
): Promise<ExistingShare[]> => {
  const shares: ExistingShare[] = [];
  for (const type of types) {
    const pages = paginateDescribePortfolioShares(
      { client: serviceCatalog, pageSize: 100 },
      { PortfolioId: portfolioId, Type: DESCRIBED_SHARE_TYPE[type] },
    );
    for await (const page of pages) {
      for (const share of page.PortfolioShareDetails ?? []) {
        if (!share.PrincipalId) continue;
        shares.push({
          target: { type, id: share.PrincipalId } as ShareTarget,
          accepted: share.Accepted ?? false,
          sharePrincipals: share.SharePrincipals ?? null,
          shareTagOptions: share.ShareTagOptions ?? null,
        });
      }
    }
  }
  return shares;
};

/** Whether the recipient can use the share: an account share counts only once accepted. */
export const givesAccess = (share: ExistingShare): boolean => share.target.type !== 'EXTERNAL_ACCOUNT' || share.accepted;

export const sameTarget = (a: ShareTarget, b: ShareTarget): boolean => a.type === b.type && a.id === b.id;

/** Whether the portfolio is shared with the target now (an account share counts before it is accepted). */
export const isShared = async (serviceCatalog: ServiceCatalogClient, portfolioId: string, target: ShareTarget): Promise<boolean> =>
  (await describeShares(serviceCatalog, portfolioId, [target.type])).some((share) => sameTarget(share.target, target));
