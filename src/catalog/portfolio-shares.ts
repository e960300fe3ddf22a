import { paginateDescribePortfolioShares, type ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { DESCRIBED_SHARE_TYPE, type ShareTarget } from '../contracts/identifiers.js';

export const SHARE_TARGET_TYPES: readonly ShareTarget['type'][] = ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT', 'EXTERNAL_ACCOUNT'];

export interface ExistingShare {
  target: ShareTarget;
  /** Always true for organization shares; an account share only once the recipient accepted it. */
  accepted: boolean;
  sharePrincipals: boolean;
  shareTagOptions: boolean;
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
          sharePrincipals: share.SharePrincipals ?? false,
          shareTagOptions: share.ShareTagOptions ?? false,
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
