// Portfolios and products of an account, and the fixture that seeds them.
import type {
  AssociateProductWithPortfolioInput,
  CreatePortfolioInput,
  CreateProductInput,
  DeletePortfolioInput,
  DescribePortfolioInput,
  ListPortfoliosInput,
} from '@aws-sdk/client-service-catalog';
import type { OrganizationView } from '../contract.js';
import type { FixturePortfolio } from './config.js';
import { limitExceeded, resourceInUse, resourceNotFound, ServiceCatalogConfigError } from './errors.js';
import type { IdGenerator } from './ids.js';
import { paginate } from './paging.js';
import { checkPrincipalArn, MAX_PATTERN_PRINCIPALS, patternCount } from './principals.js';
import { loadProvisionedProduct } from './provisioning.js';
import {
  type OperationTable,
  operation,
  type Portfolio,
  type Product,
  type ProvisioningArtifact,
  type Scope,
  type ServiceCatalogState,
  type Tag,
  toEpochSeconds,
} from './state.js';
import { accessOf, findPortfolio, hasUse, ownedPortfolio, portfolioDetail, portfolioNotFound, usablePortfolio } from './visibility.js';

function newPortfolio(
  fields: Pick<Portfolio, 'id' | 'ownerAccountId' | 'displayName' | 'description' | 'providerName' | 'createdAt' | 'tags'>,
): Portfolio {
  return {
    ...fields,
    tagOptions: [],
    productIds: new Set(),
    principals: new Map(),
    accountShares: new Map(),
    orgShares: new Map(),
    orgRejections: new Set(),
    busyUntil: 0,
  };
}

/** Replays the first result of a call made again with the same idempotency token. */
function idempotent(scope: Scope, operationName: string, token: string, create: () => string): string {
  const key = `${operationName}:${scope.caller.accountId}:${token}`;
  const existing = scope.state.idempotency.get(key);
  if (existing) return existing;
  const id = create();
  scope.state.idempotency.set(key, id);
  return id;
}

const createPortfolio = operation<CreatePortfolioInput>((input, scope) => {
  const accountId = scope.caller.accountId;
  const id = idempotent(scope, 'CreatePortfolio', input.IdempotencyToken ?? '', () => {
    const owned = [...scope.state.portfolios.values()].filter((portfolio) => portfolio.ownerAccountId === accountId).length;
    if (owned >= scope.knobs.quotas.portfoliosPerAccount) {
      throw limitExceeded(`Account ${accountId} has reached its limit of ${scope.knobs.quotas.portfoliosPerAccount} portfolios.`);
    }
    const portfolio = newPortfolio({
      id: scope.ids.next('port'),
      ownerAccountId: accountId,
      displayName: input.DisplayName ?? '',
      description: input.Description,
      providerName: input.ProviderName ?? '',
      createdAt: scope.now,
      tags: (input.Tags ?? []).map((tag): Tag => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' })),
    });
    scope.state.portfolios.set(portfolio.id, portfolio);
    return portfolio.id;
  });
  const portfolio = findPortfolio(scope, id);
  return { PortfolioDetail: portfolioDetail(scope, portfolio), Tags: portfolio.tags };
});

const describePortfolio = operation<DescribePortfolioInput>((input, scope) => {
  const portfolio = findPortfolio(scope, input.Id ?? '');
  const access = accessOf(scope, portfolio, scope.caller.accountId);
  // A recipient may look at a portfolio offered to it before deciding to accept.
  if (!hasUse(access) && !access.accountShare) throw portfolioNotFound(portfolio.id);
  const seesTagOptions =
    access.owner ||
    (access.accountShare?.accepted === true && access.accountShare.shareTagOptions) ||
    access.orgShares.some((share) => share.shareTagOptions);
  return {
    PortfolioDetail: portfolioDetail(scope, portfolio),
    Tags: access.owner ? portfolio.tags : [],
    TagOptions: seesTagOptions
      ? portfolio.tagOptions.map((option) => ({
          Key: option.key,
          Value: option.value,
          Active: option.active,
          Id: option.id,
          Owner: portfolio.ownerAccountId,
        }))
      : [],
    Budgets: [],
  };
});

const listPortfolios = operation<ListPortfoliosInput>((input, scope) => {
  const accountId = scope.caller.accountId;
  const owned = [...scope.state.portfolios.values()].filter((portfolio) => portfolio.ownerAccountId === accountId);
  const page = paginate(owned, `ListPortfolios:${accountId}`, input.PageToken, input.PageSize);
  return { PortfolioDetails: page.items.map((portfolio) => portfolioDetail(scope, portfolio)), NextPageToken: page.nextPageToken };
});

const deletePortfolio = operation<DeletePortfolioInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.Id ?? '');
  const inUse: string[] = [];
  if (portfolio.productIds.size > 0) inUse.push('products');
  if ((portfolio.principals.get(portfolio.ownerAccountId)?.size ?? 0) > 0) inUse.push('principals');
  if (portfolio.accountShares.size > 0 || portfolio.orgShares.size > 0) inUse.push('shares');
  if (inUse.length > 0) {
    throw resourceInUse(`Portfolio ${portfolio.id} has associated ${inUse.join(', ')}; remove them before deleting it.`);
  }
  scope.state.portfolios.delete(portfolio.id);
  return {};
});

export function productArn(region: string, product: Product): string {
  return `arn:aws:catalog:${region}:${product.ownerAccountId}:product/${product.id}`;
}

function artifactDetail(artifact: ProvisioningArtifact): Record<string, unknown> {
  return {
    Id: artifact.id,
    Name: artifact.name,
    Description: artifact.description,
    Type: artifact.type,
    CreatedTime: toEpochSeconds(artifact.createdAt),
    Active: true,
    Guidance: 'DEFAULT',
  };
}

const createProduct = operation<CreateProductInput>((input, scope) => {
  const id = idempotent(scope, 'CreateProduct', input.IdempotencyToken ?? '', () => {
    const parameters = input.ProvisioningArtifactParameters;
    const product: Product = {
      id: scope.ids.next('prod'),
      viewId: scope.ids.next('prodview'),
      ownerAccountId: scope.caller.accountId,
      name: input.Name ?? '',
      owner: input.Owner ?? '',
      description: input.Description,
      distributor: input.Distributor,
      supportDescription: input.SupportDescription,
      supportEmail: input.SupportEmail,
      supportUrl: input.SupportUrl,
      type: input.ProductType ?? 'CLOUD_FORMATION_TEMPLATE',
      createdAt: scope.now,
      tags: (input.Tags ?? []).map((tag): Tag => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' })),
      artifacts: parameters
        ? [
            {
              id: scope.ids.next('pa'),
              name: parameters.Name,
              description: parameters.Description,
              type: parameters.Type ?? 'CLOUD_FORMATION_TEMPLATE',
              createdAt: scope.now,
            },
          ]
        : [],
    };
    scope.state.products.set(product.id, product);
    return product.id;
  });
  const product = scope.state.products.get(id);
  if (!product) throw resourceNotFound(`Product not found: ${id}`);
  const artifact = product.artifacts[0];
  return {
    ProductViewDetail: {
      ProductViewSummary: {
        Id: product.viewId,
        ProductId: product.id,
        Name: product.name,
        Owner: product.owner,
        ShortDescription: product.description,
        Type: product.type,
        Distributor: product.distributor,
        HasDefaultPath: false,
        SupportEmail: product.supportEmail,
        SupportDescription: product.supportDescription,
        SupportUrl: product.supportUrl,
      },
      Status: 'AVAILABLE',
      ProductARN: productArn(scope.region, product),
      CreatedTime: toEpochSeconds(product.createdAt),
    },
    ProvisioningArtifactDetail: artifact ? artifactDetail(artifact) : undefined,
    Tags: product.tags,
  };
});

const associateProduct = operation<AssociateProductWithPortfolioInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  const productId = input.ProductId ?? '';
  const product = scope.state.products.get(productId);
  const notFound = resourceNotFound(`Product not found: ${productId}`);
  if (!product) throw notFound;
  if (product.ownerAccountId !== scope.caller.accountId) {
    // Another account's product can only be added from a portfolio that shared it with this account.
    if (input.SourcePortfolioId === undefined) throw notFound;
    const { portfolio: source } = usablePortfolio(scope, input.SourcePortfolioId);
    if (!source.productIds.has(product.id)) throw notFound;
  }
  portfolio.productIds.add(product.id);
  return {};
});

export const portfolioOperations: OperationTable = {
  CreatePortfolio: createPortfolio,
  DescribePortfolio: describePortfolio,
  ListPortfolios: listPortfolios,
  DeletePortfolio: deletePortfolio,
  CreateProduct: createProduct,
  AssociateProductWithPortfolio: associateProduct,
};

/** Seeds portfolios, products, principal associations and TagOptions from the fixture section. */
export function loadFixture(
  state: ServiceCatalogState,
  ids: IdGenerator,
  org: OrganizationView,
  portfolios: FixturePortfolio[],
  now: number,
): void {
  for (const [index, entry] of portfolios.entries()) {
    const where = `serviceCatalog[${index}] (${entry.name})`;
    const ownerAccountId = entry.ownerAccountId ?? org.managementAccountId;
    if (entry.id !== undefined && state.portfolios.has(entry.id)) {
      throw new ServiceCatalogConfigError(`${where}: portfolio id ${entry.id} is used twice.`);
    }
    if (entry.id !== undefined) ids.reserve(entry.id);
    const portfolio = newPortfolio({
      id: entry.id ?? ids.next('port'),
      ownerAccountId,
      displayName: entry.name,
      description: entry.description,
      providerName: entry.providerName,
      createdAt: now,
      tags: [],
    });
    for (const fixtureProduct of entry.products) {
      const existing = fixtureProduct.id === undefined ? undefined : state.products.get(fixtureProduct.id);
      if (existing && existing.ownerAccountId !== ownerAccountId) {
        throw new ServiceCatalogConfigError(`${where}: product ${existing.id} belongs to account ${existing.ownerAccountId}.`);
      }
      if (fixtureProduct.id !== undefined) ids.reserve(fixtureProduct.id);
      const product: Product = existing ?? {
        id: fixtureProduct.id ?? ids.next('prod'),
        viewId: ids.next('prodview'),
        ownerAccountId,
        name: fixtureProduct.name,
        owner: fixtureProduct.owner,
        type: 'CLOUD_FORMATION_TEMPLATE',
        createdAt: now,
        tags: [],
        artifacts: [{ id: ids.next('pa'), name: 'v1', type: 'CLOUD_FORMATION_TEMPLATE', createdAt: now }],
      };
      state.products.set(product.id, product);
      portfolio.productIds.add(product.id);
      for (const provisioned of fixtureProduct.provisionedProducts)
        loadProvisionedProduct(state, ids, where, portfolio, product, provisioned, now);
    }
    const associations = new Map<string, 'IAM' | 'IAM_PATTERN'>();
    for (const principal of entry.principals) {
      try {
        checkPrincipalArn(principal.arn, principal.type, ownerAccountId);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ServiceCatalogConfigError(`${where}: ${reason}`, { cause: error });
      }
      associations.set(principal.arn, principal.type);
    }
    if (patternCount(associations) > MAX_PATTERN_PRINCIPALS) {
      throw new ServiceCatalogConfigError(`${where}: at most ${MAX_PATTERN_PRINCIPALS} principals of type IAM_PATTERN, as in AWS.`);
    }
    if (associations.size > 0) portfolio.principals.set(ownerAccountId, associations);
    portfolio.tagOptions = entry.tagOptions.map((option) => ({
      id: ids.next('tag'),
      key: option.key,
      value: option.value,
      active: option.active,
    }));
    state.portfolios.set(portfolio.id, portfolio);
  }
}
