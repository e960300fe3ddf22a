// Provisioned products and their records, with AWS's ownership rules: the owner (an IAM user or role
// of the account) sees and changes a provisioned product; after an OWNER change the new owner sees all
// of its records while the previous owner keeps only the records from its own time in ListRecordHistory.
// Account-level callers act as the account's administrators and see everything in the account: the
// account root, and sessions of the roles the `accountLevelRoles` knob names (an IAM policy without a
// servicecatalog:userLevel / roleLevel condition is account level in AWS).
import type {
  AccessLevelFilter,
  DescribeProvisionedProductInput,
  DescribeRecordInput,
  ListRecordHistoryInput,
  ProvisionProductInput,
  SearchProvisionedProductsInput,
  UpdateProvisionedProductPropertiesInput,
} from '@aws-sdk/client-service-catalog';
import type { Caller } from '../contract.js';
import type { FixtureProvisionedProduct } from './config.js';
import { duplicateResource, invalidParameters, invalidState, resourceNotFound, ServiceCatalogConfigError } from './errors.js';
import type { IdGenerator } from './ids.js';
import { paginate } from './paging.js';
import { effectivePrincipals } from './principals.js';
import {
  type OperationTable,
  operation,
  type Portfolio,
  type Product,
  type ProvisionedProduct,
  type RecordEntry,
  type RecordType,
  type Scope,
  type ServiceCatalogState,
  toEpochSeconds,
} from './state.js';
import { accessOf, hasUse } from './visibility.js';

interface Identity {
  accountId: string;
  kind: 'root' | 'user' | 'role' | 'group';
  /** Last path segment: STS session ARNs carry no path, so paths cannot take part in comparisons. */
  name: string;
}

const IAM_IDENTITY = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):(user|role|group)\/(?:.*\/)?([^/]+)$/;
const IAM_ROOT = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):root$/;
const ASSUMED_ROLE = /^arn:aws(?:-cn|-us-gov)?:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role\/.+$/;

function identityOf(arn: string): Identity | undefined {
  const iam = IAM_IDENTITY.exec(arn);
  if (iam?.[1] && iam[2] && iam[3]) return { accountId: iam[1], kind: iam[2] as Identity['kind'], name: iam[3] };
  const root = IAM_ROOT.exec(arn);
  if (root?.[1]) return { accountId: root[1], kind: 'root', name: 'root' };
  const session = ASSUMED_ROLE.exec(arn);
  if (session?.[1] && session[2]) return { accountId: session[1], kind: 'role', name: session[2] };
  return undefined;
}

function sameIdentity(a: string, b: string): boolean {
  const left = identityOf(a);
  const right = identityOf(b);
  if (!left || !right) return a === b;
  return left.accountId === right.accountId && left.kind === right.kind && left.name === right.name;
}

function isAccountRoot(caller: Caller): boolean {
  return identityOf(caller.arn)?.kind === 'root';
}

/** The IAM ARN Service Catalog records as UserArn: a session's role, or the user itself. */
function userArnOf(caller: Caller): string {
  const identity = identityOf(caller.arn);
  if (identity?.kind === 'role' && ASSUMED_ROLE.test(caller.arn)) return `arn:aws:iam::${identity.accountId}:role/${identity.name}`;
  return caller.arn;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Whether an associated principal (exact IAM ARN or account-less IAM_PATTERN) grants the caller access. */
function principalMatches(principalArn: string, type: string, caller: Caller): boolean {
  const identity = identityOf(caller.arn);
  if (!identity || identity.kind === 'root') return false;
  if (type === 'IAM') return sameIdentity(principalArn, caller.arn);
  const pattern = /^arn:aws(?:-cn|-us-gov)?:iam:::(user|role|group)\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  return pattern?.[1] === identity.kind && pattern[2] !== undefined && globToRegExp(pattern[2]).test(identity.name);
}

function findProduct(scope: Scope, input: ProvisionProductInput): Product {
  if (input.ProductId !== undefined) {
    const product = scope.state.products.get(input.ProductId);
    if (!product) throw resourceNotFound(`Product not found: ${input.ProductId}`);
    return product;
  }
  if (input.ProductName === undefined) throw invalidParameters('Either ProductId or ProductName must be provided.');
  const named = [...scope.state.products.values()].filter((product) => product.name === input.ProductName);
  const usable = named.filter((product) => launchPortfolios(scope, product).length > 0);
  if (usable.length > 1) throw invalidParameters(`More than one product is named ${input.ProductName}; use ProductId.`);
  const product = usable[0] ?? named[0];
  if (!product) throw resourceNotFound(`Product not found: ${input.ProductName}`);
  return product;
}

/** Portfolios through which the caller may launch the product (AWS calls them launch paths). */
function launchPortfolios(scope: Scope, product: Product): Portfolio[] {
  const accountId = scope.caller.accountId;
  const portfolios: Portfolio[] = [];
  for (const portfolio of scope.state.portfolios.values()) {
    if (!portfolio.productIds.has(product.id)) continue;
    const access = accessOf(scope, portfolio, accountId);
    if (!hasUse(access)) continue;
    const principals = effectivePrincipals(portfolio, accountId, access);
    const allowed = isAccountRoot(scope.caller) || [...principals].some(([arn, type]) => principalMatches(arn, type, scope.caller));
    if (allowed) portfolios.push(portfolio);
  }
  return portfolios;
}

function recordStatus(record: RecordEntry, now: number): string {
  if (now >= record.completesAt) return 'SUCCEEDED';
  return now > record.createdAt ? 'IN_PROGRESS' : 'CREATED';
}

function recordDetail(record: RecordEntry, now: number): Record<string, unknown> {
  return {
    RecordId: record.id,
    ProvisionedProductName: record.provisionedProductName,
    Status: recordStatus(record, now),
    CreatedTime: toEpochSeconds(record.createdAt),
    UpdatedTime: toEpochSeconds(Math.min(now, record.completesAt)),
    ProvisionedProductType: 'CFN_STACK',
    RecordType: record.type,
    ProvisionedProductId: record.provisionedProductId,
    ProductId: record.productId,
    ProvisioningArtifactId: record.artifactId,
    PathId: record.pathId,
    RecordErrors: [],
    RecordTags: record.tags,
    LaunchRoleArn: record.launchRoleArn,
  };
}

function provisionedArn(scope: Scope, provisioned: ProvisionedProduct): string {
  return `arn:aws:servicecatalog:${scope.region}:${provisioned.accountId}:stack/${provisioned.name}/${provisioned.id}`;
}

function provisionedStatus(provisioned: ProvisionedProduct, now: number): string {
  return now < provisioned.availableAt ? 'UNDER_CHANGE' : 'AVAILABLE';
}

function provisionedDetail(scope: Scope, provisioned: ProvisionedProduct): Record<string, unknown> {
  const provisioning = scope.state.records.get(provisioned.provisioningRecordId);
  const succeeded = provisioning !== undefined && scope.now >= provisioning.completesAt;
  return {
    Name: provisioned.name,
    Arn: provisionedArn(scope, provisioned),
    Type: 'CFN_STACK',
    Id: provisioned.id,
    Status: provisionedStatus(provisioned, scope.now),
    CreatedTime: toEpochSeconds(provisioned.createdAt),
    IdempotencyToken: provisioned.idempotencyToken,
    LastRecordId: provisioned.lastRecordId,
    LastProvisioningRecordId: provisioned.provisioningRecordId,
    LastSuccessfulProvisioningRecordId: succeeded ? provisioned.provisioningRecordId : undefined,
    ProductId: provisioned.productId,
    ProvisioningArtifactId: provisioned.artifactId,
    LaunchRoleArn: provisioned.launchRoleArn,
  };
}

/** servicecatalog:accountLevel: the account root, or a session of a role whose IAM policy grants account-level access. */
function hasAccountLevelAccess(scope: Scope): boolean {
  if (isAccountRoot(scope.caller)) return true;
  const roleName = ASSUMED_ROLE.exec(scope.caller.arn)?.[2];
  return roleName !== undefined && scope.knobs.accountLevelRoles.includes(roleName);
}

/** The owner of a provisioned product, and account-level callers of its account, may see and change it. */
function canManage(scope: Scope, provisioned: ProvisionedProduct): boolean {
  if (provisioned.accountId !== scope.caller.accountId) return false;
  return hasAccountLevelAccess(scope) || sameIdentity(provisioned.ownerArn, scope.caller.arn);
}

function managedProvisionedProduct(scope: Scope, id: string): ProvisionedProduct {
  const provisioned = scope.state.provisionedProducts.get(id);
  if (!provisioned || !canManage(scope, provisioned)) throw resourceNotFound(`Provisioned product not found: ${id}`);
  return provisioned;
}

function newRecord(scope: Scope, type: RecordType, provisioned: ProvisionedProduct, durationMs: number, ownerArns: string[]): RecordEntry {
  const record: RecordEntry = {
    id: scope.ids.next('rec'),
    type,
    accountId: provisioned.accountId,
    provisionedProductId: provisioned.id,
    provisionedProductName: provisioned.name,
    productId: provisioned.productId,
    artifactId: provisioned.artifactId,
    pathId: provisioned.pathId,
    createdAt: scope.now,
    completesAt: scope.now + durationMs,
    userArn: userArnOf(scope.caller),
    ownerArns,
    launchRoleArn: provisioned.launchRoleArn,
    tags: provisioned.tags,
  };
  scope.state.records.set(record.id, record);
  provisioned.lastRecordId = record.id;
  provisioned.availableAt = Math.max(provisioned.availableAt, record.completesAt);
  return record;
}

const provisionProduct = operation<ProvisionProductInput>((input, scope) => {
  const accountId = scope.caller.accountId;
  const tokenKey = `ProvisionProduct:${accountId}:${input.ProvisionToken ?? ''}`;
  const replayed = scope.state.idempotency.get(tokenKey);
  const replayedRecord = replayed ? scope.state.records.get(replayed) : undefined;
  if (replayedRecord) return { RecordDetail: recordDetail(replayedRecord, scope.now) };

  const product = findProduct(scope, input);
  const artifact =
    input.ProvisioningArtifactId !== undefined
      ? product.artifacts.find((candidate) => candidate.id === input.ProvisioningArtifactId)
      : input.ProvisioningArtifactName !== undefined
        ? product.artifacts.find((candidate) => candidate.name === input.ProvisioningArtifactName)
        : undefined;
  if (input.ProvisioningArtifactId === undefined && input.ProvisioningArtifactName === undefined) {
    throw invalidParameters('Either ProvisioningArtifactId or ProvisioningArtifactName must be provided.');
  }
  if (!artifact) {
    throw resourceNotFound(`Provisioning artifact not found: ${input.ProvisioningArtifactId ?? input.ProvisioningArtifactName}`);
  }
  const paths = launchPortfolios(scope, product).filter(
    (portfolio) =>
      (input.PathId === undefined || portfolio.id === input.PathId) &&
      (input.PathName === undefined || portfolio.displayName === input.PathName),
  );
  const path = paths[0];
  if (!path) throw resourceNotFound(`No launch paths found for resource: ${product.id}`);
  const name = input.ProvisionedProductName ?? '';
  for (const existing of scope.state.provisionedProducts.values()) {
    if (existing.accountId === accountId && existing.name === name) {
      throw duplicateResource(`A provisioned product named ${name} already exists.`);
    }
  }
  const provisioned: ProvisionedProduct = {
    id: scope.ids.next('pp'),
    name,
    accountId,
    ownerArn: userArnOf(scope.caller),
    ownerSessionArn: scope.caller.arn,
    createdAt: scope.now,
    availableAt: scope.now,
    productId: product.id,
    artifactId: artifact.id,
    pathId: path.id,
    provisioningRecordId: '',
    lastRecordId: '',
    idempotencyToken: input.ProvisionToken ?? '',
    tags: (input.Tags ?? []).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' })),
  };
  scope.state.provisionedProducts.set(provisioned.id, provisioned);
  const record = newRecord(scope, 'PROVISION_PRODUCT', provisioned, scope.knobs.provisioningMs, [provisioned.ownerArn]);
  provisioned.provisioningRecordId = record.id;
  scope.state.idempotency.set(tokenKey, record.id);
  return { RecordDetail: recordDetail(record, scope.now) };
});

const describeProvisionedProduct = operation<DescribeProvisionedProductInput>((input, scope) => {
  if ((input.Id === undefined) === (input.Name === undefined)) {
    throw invalidParameters('Provide either Id or Name of the provisioned product, not both.');
  }
  let provisioned: ProvisionedProduct | undefined;
  if (input.Id !== undefined) {
    provisioned = scope.state.provisionedProducts.get(input.Id);
  } else {
    provisioned = [...scope.state.provisionedProducts.values()].find(
      (candidate) => candidate.accountId === scope.caller.accountId && candidate.name === input.Name,
    );
  }
  if (!provisioned || !canManage(scope, provisioned)) {
    throw resourceNotFound(`Provisioned product not found: ${input.Id ?? input.Name}`);
  }
  return { ProvisionedProductDetail: provisionedDetail(scope, provisioned), CloudWatchDashboards: [] };
});

type AccessLevel = 'account' | 'user';

function accessLevelOf(scope: Scope, filter: AccessLevelFilter | undefined): AccessLevel {
  if (filter === undefined) return 'user';
  if (filter.Key === 'Account') {
    if (filter.Value === 'self' || filter.Value === scope.caller.accountId) return 'account';
    throw invalidParameters(`AccessLevelFilter value ${filter.Value ?? ''} is not valid for key Account.`);
  }
  if ((filter.Key === 'User' || filter.Key === 'Role') && filter.Value === 'self') return 'user';
  throw invalidParameters('AccessLevelFilter must be {Key: Account|Role|User, Value: self}.');
}

const SEARCH_FIELDS: Record<string, (scope: Scope, provisioned: ProvisionedProduct) => string | undefined> = {
  name: (_scope, provisioned) => provisioned.name,
  id: (_scope, provisioned) => provisioned.id,
  arn: (scope, provisioned) => provisionedArn(scope, provisioned),
  type: () => 'CFN_STACK',
  status: (scope, provisioned) => provisionedStatus(provisioned, scope.now),
  productid: (_scope, provisioned) => provisioned.productId,
  provisioningartifactid: (_scope, provisioned) => provisioned.artifactId,
  lastrecordid: (_scope, provisioned) => provisioned.lastRecordId,
  userarn: (_scope, provisioned) => provisioned.ownerArn,
  userarnsession: (_scope, provisioned) => provisioned.ownerSessionArn,
};

function matchesQuery(scope: Scope, provisioned: ProvisionedProduct, query: string): boolean {
  return query
    .split(/\s+/)
    .filter((term) => term.length > 0)
    .every((term) => {
      const separator = term.indexOf(':');
      const field = separator > 0 ? SEARCH_FIELDS[term.slice(0, separator).toLowerCase()] : undefined;
      if (field) return field(scope, provisioned)?.toLowerCase() === term.slice(separator + 1).toLowerCase();
      const text = term.toLowerCase();
      return [provisioned.name, provisioned.id, provisionedArn(scope, provisioned)].some((value) => value.toLowerCase().includes(text));
    });
}

const SORT_KEYS: Record<string, (scope: Scope, provisioned: ProvisionedProduct) => string> = {
  arn: (scope, provisioned) => provisionedArn(scope, provisioned),
  id: (_scope, provisioned) => provisioned.id,
  name: (_scope, provisioned) => provisioned.name,
  lastRecordId: (_scope, provisioned) => provisioned.lastRecordId,
};

const searchProvisionedProducts = operation<SearchProvisionedProductsInput>((input, scope) => {
  const level = accessLevelOf(scope, input.AccessLevelFilter);
  const sortKey = input.SortBy === undefined ? undefined : SORT_KEYS[input.SortBy];
  if (input.SortBy !== undefined && !sortKey) {
    throw invalidParameters(`SortBy ${input.SortBy} is not valid; use arn, id, name or lastRecordId.`);
  }
  const queries = input.Filters?.SearchQuery ?? [];
  const found = [...scope.state.provisionedProducts.values()].filter(
    (provisioned) =>
      provisioned.accountId === scope.caller.accountId &&
      (level === 'account' || sameIdentity(provisioned.ownerArn, scope.caller.arn)) &&
      queries.every((query) => matchesQuery(scope, provisioned, query)),
  );
  if (sortKey) {
    const direction = input.SortOrder === 'DESCENDING' ? -1 : 1;
    found.sort((a, b) => direction * sortKey(scope, a).localeCompare(sortKey(scope, b)));
  }
  const listing = `SearchProvisionedProducts:${scope.caller.accountId}:${level}:${JSON.stringify(queries)}:${input.SortBy ?? ''}:${input.SortOrder ?? ''}`;
  const page = paginate(found, listing, input.PageToken, input.PageSize);
  return {
    ProvisionedProducts: page.items.map((provisioned) => {
      const detail = provisionedDetail(scope, provisioned);
      const product = scope.state.products.get(provisioned.productId);
      return {
        ...detail,
        Tags: provisioned.tags,
        PhysicalId: `arn:aws:cloudformation:${scope.region}:${provisioned.accountId}:stack/SC-${provisioned.accountId}-${provisioned.id}`,
        ProductName: product?.name,
        ProvisioningArtifactName: product?.artifacts.find((artifact) => artifact.id === provisioned.artifactId)?.name,
        UserArn: provisioned.ownerArn,
        UserArnSession: provisioned.ownerSessionArn,
      };
    }),
    TotalResultsCount: found.length,
    NextPageToken: page.nextPageToken,
  };
});

/** IAM user and role names (1-64 of letters, digits, + = , . @ _ -) and STS session names (2-64 of the same). */
const OWNER_NAME = /^[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** OWNER takes an IAM user, IAM role or STS assumed-role ARN of the product's own account. */
function checkOwnerArn(arn: string, accountId: string): void {
  const identity = identityOf(arn);
  const session = ASSUMED_ROLE.exec(arn);
  const wellFormed =
    identity !== undefined &&
    (identity.kind === 'user' || identity.kind === 'role') &&
    OWNER_NAME.test(identity.name) &&
    (!session || SESSION_NAME.test(arn.slice(arn.lastIndexOf('/') + 1)));
  if (!wellFormed || identity.accountId !== accountId) {
    throw invalidParameters(`OWNER must be an IAM user, IAM role or STS assumed-role ARN of account ${accountId}: ${arn}`);
  }
}

const updateProvisionedProductProperties = operation<UpdateProvisionedProductPropertiesInput>((input, scope) => {
  const properties = input.ProvisionedProductProperties ?? {};
  const tokenKey = `UpdateProvisionedProductProperties:${scope.caller.accountId}:${input.IdempotencyToken ?? ''}`;
  const replayed = scope.state.records.get(scope.state.idempotency.get(tokenKey) ?? '');
  // A retried request answers as the first did, even though the caller may no longer own the product.
  if (replayed && replayed.provisionedProductId === input.ProvisionedProductId) {
    return {
      ProvisionedProductId: replayed.provisionedProductId,
      ProvisionedProductProperties: properties,
      RecordId: replayed.id,
      Status: recordStatus(replayed, scope.now),
    };
  }
  const provisioned = managedProvisionedProduct(scope, input.ProvisionedProductId ?? '');
  if (scope.now < provisioned.availableAt) {
    throw invalidState(`Provisioned product ${provisioned.id} is UNDER_CHANGE; wait until it is AVAILABLE.`);
  }
  const owner = properties.OWNER;
  if (owner !== undefined) checkOwnerArn(owner, provisioned.accountId);
  const launchRole = properties.LAUNCH_ROLE;
  if (
    launchRole !== undefined &&
    launchRole !== '' &&
    !(ROLE_ARN.test(launchRole) && identityOf(launchRole)?.accountId === provisioned.accountId)
  ) {
    throw invalidParameters(`LAUNCH_ROLE must be an IAM role ARN of account ${provisioned.accountId}: ${launchRole}`);
  }
  const previousOwner = provisioned.ownerArn;
  if (owner !== undefined) {
    provisioned.ownerArn = owner;
    provisioned.ownerSessionArn = owner;
  }
  if (launchRole !== undefined) provisioned.launchRoleArn = launchRole === '' ? undefined : launchRole;
  const record = newRecord(scope, 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES', provisioned, scope.knobs.recordCompletionMs, [
    ...new Set([previousOwner, provisioned.ownerArn]),
  ]);
  scope.state.idempotency.set(tokenKey, record.id);
  return {
    ProvisionedProductId: provisioned.id,
    ProvisionedProductProperties: properties,
    RecordId: record.id,
    Status: recordStatus(record, scope.now),
  };
});

const describeRecord = operation<DescribeRecordInput>((input, scope) => {
  const id = input.Id ?? '';
  const record = scope.state.records.get(id);
  const provisioned = record ? scope.state.provisionedProducts.get(record.provisionedProductId) : undefined;
  // Only the current owner (or the account root) may describe records: a previous owner no longer can.
  if (!record || !provisioned || !canManage(scope, provisioned)) throw resourceNotFound(`Record not found: ${id}`);
  // Provisioning here runs no template, so a record has no outputs to page through.
  return { RecordDetail: recordDetail(record, scope.now), RecordOutputs: [] };
});

const RECORD_FILTERS: Record<string, (record: RecordEntry) => string> = {
  product: (record) => record.productId,
  provisionedproduct: (record) => record.provisionedProductId,
};

const listRecordHistory = operation<ListRecordHistoryInput>((input, scope) => {
  const level = accessLevelOf(scope, input.AccessLevelFilter);
  const filter = input.SearchFilter;
  const filterField = filter?.Key === undefined ? undefined : RECORD_FILTERS[filter.Key];
  if (filter?.Key !== undefined && !filterField) {
    throw invalidParameters(`SearchFilter key ${filter.Key} is not valid; use product or provisionedproduct.`);
  }
  const records = [...scope.state.records.values()]
    .filter((record) => {
      if (record.accountId !== scope.caller.accountId) return false;
      if (filterField && filterField(record) !== filter?.Value) return false;
      if (level === 'account') return true;
      const provisioned = scope.state.provisionedProducts.get(record.provisionedProductId);
      return (
        record.ownerArns.some((ownerArn) => sameIdentity(ownerArn, scope.caller.arn)) ||
        (provisioned !== undefined && sameIdentity(provisioned.ownerArn, scope.caller.arn))
      );
    })
    .reverse();
  const listing = `ListRecordHistory:${scope.caller.accountId}:${level}:${filter?.Key ?? ''}:${filter?.Value ?? ''}`;
  const page = paginate(records, listing, input.PageToken, input.PageSize);
  return { RecordDetails: page.items.map((record) => recordDetail(record, scope.now)), NextPageToken: page.nextPageToken };
});

/**
 * A provisioned product the fixture starts with, launched from `product` through `portfolio` by its
 * owner before the simulation began: AVAILABLE, its PROVISION_PRODUCT record SUCCEEDED.
 */
export function loadProvisionedProduct(
  state: ServiceCatalogState,
  ids: IdGenerator,
  where: string,
  portfolio: Portfolio,
  product: Product,
  entry: FixtureProvisionedProduct,
  now: number,
): void {
  const fail = (reason: string) => new ServiceCatalogConfigError(`${where}: provisioned product ${entry.name}: ${reason}`);
  try {
    checkOwnerArn(entry.ownerArn, entry.accountId);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (entry.id !== undefined && state.provisionedProducts.has(entry.id)) throw fail(`id ${entry.id} is used twice.`);
  for (const existing of state.provisionedProducts.values()) {
    if (existing.accountId === entry.accountId && existing.name === entry.name)
      throw fail(`account ${entry.accountId} already has a provisioned product named ${entry.name}.`);
  }
  if (entry.id !== undefined) ids.reserve(entry.id);
  const artifact = product.artifacts[0];
  if (!artifact) throw fail(`product ${product.id} has no provisioning artifact.`);
  const provisioned: ProvisionedProduct = {
    id: entry.id ?? ids.next('pp'),
    name: entry.name,
    accountId: entry.accountId,
    ownerArn: entry.ownerArn,
    ownerSessionArn: entry.ownerArn,
    createdAt: now,
    availableAt: now,
    productId: product.id,
    artifactId: artifact.id,
    pathId: portfolio.id,
    provisioningRecordId: '',
    lastRecordId: '',
    // As if launched through an SDK, which fills ProvisionToken with a UUID (the model's minimum length is 1).
    idempotencyToken: ids.uuid(),
    tags: [],
  };
  const record: RecordEntry = {
    id: ids.next('rec'),
    type: 'PROVISION_PRODUCT',
    accountId: provisioned.accountId,
    provisionedProductId: provisioned.id,
    provisionedProductName: provisioned.name,
    productId: product.id,
    artifactId: artifact.id,
    pathId: portfolio.id,
    createdAt: now,
    completesAt: now,
    userArn: entry.ownerArn,
    ownerArns: [entry.ownerArn],
    tags: [],
  };
  provisioned.provisioningRecordId = record.id;
  provisioned.lastRecordId = record.id;
  state.provisionedProducts.set(provisioned.id, provisioned);
  state.records.set(record.id, record);
}

export const provisioningOperations: OperationTable = {
  ProvisionProduct: provisionProduct,
  DescribeProvisionedProduct: describeProvisionedProduct,
  SearchProvisionedProducts: searchProvisionedProducts,
  UpdateProvisionedProductProperties: updateProvisionedProductProperties,
  DescribeRecord: describeRecord,
  ListRecordHistory: listRecordHistory,
};
