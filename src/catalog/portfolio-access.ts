import {
  type OrganizationNodeType,
  paginateListOrganizationPortfolioAccess,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { DESCRIBED_SHARE_TYPE, type ShareTarget } from '../contracts/identifiers.js';
import { isErrorNamed, OrganizationAccessUnavailableError, PortfolioNotFoundError } from '../errors.js';
import { describeShares } from './portfolio-shares.js';

const rethrowNotFound = (portfolioId: string, error: unknown): never => {
  if (isErrorNamed(error, 'ResourceNotFoundException')) throw new PortfolioNotFoundError(portfolioId, { cause: error });
  throw error;
};

export interface OrganizationPortfolioAccess {
  portfolioId: string;
  /** The node types asked about. */
  types: OrganizationNodeType[];
  /** The organization nodes that have access, as share targets. */
  organizationNodes: { type: OrganizationNodeType; id: string }[];
}

/** `ListOrganizationPortfolioAccess` for each node type, every page. */
export const listOrganizationPortfolioAccess = async (
  serviceCatalog: ServiceCatalogClient,
  portfolioId: string,
  types: readonly OrganizationNodeType[],
): Promise<OrganizationPortfolioAccess> => {
  const organizationNodes: OrganizationPortfolioAccess['organizationNodes'] = [];
  try {
    for (const type of types) {
      for await (const page of paginateListOrganizationPortfolioAccess(
        { client: serviceCatalog, pageSize: 20 },
        { PortfolioId: portfolioId, OrganizationNodeType: type },
      )) {
        for (const node of page.OrganizationNodes ?? []) {
          if (node.Value) organizationNodes.push({ type: node.Type ?? type, id: node.Value });
        }
      }
    }
  } catch (error) {
    if (isErrorNamed(error, 'OperationNotSupportedException')) {
      throw new OrganizationAccessUnavailableError(
        `Service Catalog will not list the organization access of ${portfolioId}: ${error.message} (GET /organizations-access says what is missing).`,
        { cause: error },
      );
    }
    rethrowNotFound(portfolioId, error);
  }
  return { portfolioId, types: [...types], organizationNodes };
};

const SHARE_TYPES = Object.values(DESCRIBED_SHARE_TYPE);

export interface PortfolioShare {
  /** As DescribePortfolioShares names it: ACCOUNT, ORGANIZATION, ORGANIZATIONAL_UNIT, ORGANIZATION_MEMBER_ACCOUNT. */
  type: (typeof SHARE_TYPES)[number];
  principalId: string;
  /** The share as a request target (for POST / DELETE /shares). */
  target: { type: ShareTarget['type']; id: string };
  /** Account shares: imported by the recipient; organization shares are always accepted. */
  accepted: boolean;
  sharePrincipals: boolean;
  shareTagOptions: boolean;
}

/** `DescribePortfolioShares` for every share type, every page. */
export const describePortfolioShares = async (
  serviceCatalog: ServiceCatalogClient,
  portfolioId: string,
): Promise<{ portfolioId: string; shares: PortfolioShare[] }> => {
  try {
    const shares = (await describeShares(serviceCatalog, portfolioId)).map(({ target, ...flags }) => ({
      type: DESCRIBED_SHARE_TYPE[target.type],
      principalId: target.id,
      target,
      ...flags,
    }));
    return { portfolioId, shares };
  } catch (error) {
    return rethrowNotFound(portfolioId, error);
  }
};
