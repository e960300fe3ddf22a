import {
  DescribePortfolioSharesCommand,
  type DescribePortfolioSharesCommandInput,
  ListOrganizationPortfolioAccessCommand,
  type ListOrganizationPortfolioAccessCommandInput,
  type PortfolioShareDetail,
  type ServiceCatalogClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-service-catalog';
import type { AwsStub } from 'aws-sdk-client-mock';

/** Node types of ListOrganizationPortfolioAccess per DescribePortfolioShares type. */
const NODE_TYPE: Record<string, string> = {
  ORGANIZATION: 'ORGANIZATION',
  ORGANIZATIONAL_UNIT: 'ORGANIZATIONAL_UNIT',
  ORGANIZATION_MEMBER_ACCOUNT: 'ACCOUNT',
};

const page = <T>(items: T[], pageToken: string | undefined, pageSize: number) => {
  const start = Number(pageToken ?? 0);
  const next = start + pageSize < items.length ? String(start + pageSize) : undefined;
  return { items: items.slice(start, start + pageSize), next };
};

/**
 * Answers DescribePortfolioShares and ListOrganizationPortfolioAccess from a list of shares per
 * portfolio, `pageSize` items a page, as Service Catalog pages them. Returns a copy of each request
 * (the SDK paginators reuse one input object, so the mock's own call log shows only its last state).
 */
export const fakeShareListing = (
  serviceCatalog: AwsStub<ServiceInputTypes, ServiceOutputTypes, ServiceCatalogClientResolvedConfig>,
  shares: Record<string, PortfolioShareDetail[]>,
  pageSize = 2,
): { describe: DescribePortfolioSharesCommandInput[]; listNodes: ListOrganizationPortfolioAccessCommandInput[] } => {
  const requests = {
    describe: [] as DescribePortfolioSharesCommandInput[],
    listNodes: [] as ListOrganizationPortfolioAccessCommandInput[],
  };
  serviceCatalog.on(DescribePortfolioSharesCommand).callsFake((input: DescribePortfolioSharesCommandInput) => {
    requests.describe.push({ ...input });
    const matching = (shares[input.PortfolioId ?? ''] ?? []).filter((share) => share.Type === input.Type);
    const { items, next } = page(matching, input.PageToken, pageSize);
    return { PortfolioShareDetails: items, NextPageToken: next };
  });
  serviceCatalog.on(ListOrganizationPortfolioAccessCommand).callsFake((input: ListOrganizationPortfolioAccessCommandInput) => {
    requests.listNodes.push({ ...input });
    const nodes = (shares[input.PortfolioId ?? ''] ?? [])
      .filter((share) => share.Type && NODE_TYPE[share.Type] === input.OrganizationNodeType)
      .map((share) => ({ Type: input.OrganizationNodeType, Value: share.PrincipalId }));
    const { items, next } = page(nodes, input.PageToken, pageSize);
    return { OrganizationNodes: items, NextPageToken: next };
  });
  return requests;
};

/** A share as DescribePortfolioShares reports it. */
export const share = (
  Type: PortfolioShareDetail['Type'],
  PrincipalId: string,
  options: Partial<PortfolioShareDetail> = {},
): PortfolioShareDetail => ({
  Type,
  PrincipalId,
  Accepted: true,
  ShareTagOptions: false,
  SharePrincipals: false,
  ...options,
});
