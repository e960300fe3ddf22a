// The project's real share-portfolio definition on the local Step Functions service, end to end:
// its Task states bound to the real functions and to SDK integrations whose clients reach the local
// endpoint, so Service Catalog shares the portfolio to the OU, the member actions associate the
// principal in each account, and the result event lands on the project bus.

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetAWSOrganizationsAccessStatusCommand,
  ListPrincipalsForPortfolioCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import {
  DescribeExecutionCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  paginateGetExecutionHistory,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  type ApiCallRecord,
  createStepFunctionsModule,
  type LocalAws,
  type StepFunctionsModule,
  startLocalAws,
} from '@portfolio-share-orchestrator/local-aws';
import {
  botocoreUnavailableReason,
  expectConformsToOutput,
  MANAGEMENT,
  MEMBER_ROLE,
  PROD_A,
  PROD_B,
  PRODUCTION_OU,
  testFixture,
} from '@portfolio-share-orchestrator/local-aws/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinition, localSubstitutions } from '../../local/runtime/definitions.js';
import { bindTaskStates } from '../../local/runtime/task-bindings.js';
import type { ShareWorkflowInput } from '../../src/contracts/share.js';
import { outcomesTableDefinition } from '../support/outcomes-table.js';
import { usePolicy } from '../support/policy.js';
import { expectValidResultEvent } from '../support/result-events.js';
import { FUNCTIONS } from '../support/workflow-harness.js';

const REGION = 'us-east-1';
const EVENT_BUS = 'portfolio-share-orchestrator';
const PORTFOLIO = 'port-sfnnetwork001';
// A portfolio whose policy shares principal names (SharePrincipals), which AWS takes for OU and organization nodes only.
const PRINCIPALS_PORTFOLIO = 'port-sfnprincipal1';
const FILE = 'share-portfolio.asl.json';
// The child the share starts to wait for its token.
const CHILD_FILE = 'await-share-action.asl.json';
// The share polls wait 2 s and more of simulated time; a high scale keeps the test fast.
const TIME_SCALE = 500;

let aws: LocalAws;
let stepFunctions: StepFunctionsModule;
let sfn: SFNClient;
let stateMachineArn: string;
let childArn: string;
let serviceCatalog: ServiceCatalogClient;
const calls: ApiCallRecord[] = [];
const destroyables: Array<{ destroy(): void }> = [];
const track = <T extends { destroy(): void }>(client: T): T => {
  destroyables.push(client);
  return client;
};

beforeAll(async () => {
  // The functions read the deployed policy and the hub account as deployed ones do: from their environment.
  process.env.HUB_ACCOUNT_ID = MANAGEMENT;
  usePolicy({
    version: 1,
    settings: { memberRoleName: MEMBER_ROLE },
    portfolios: [
      { portfolioId: PORTFOLIO, associatePrincipals: ['role/Developer'], targets: [{ type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION_OU }] },
      {
        portfolioId: PRINCIPALS_PORTFOLIO,
        sharePrincipals: true,
        targets: [
          { type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION_OU },
          { type: 'ACCOUNT', id: PROD_A },
        ],
      },
    ],
  });
  const fixture = testFixture();
  aws = await startLocalAws({
    port: 0,
    timeScale: TIME_SCALE,
    fixture: {
      ...fixture,
      serviceCatalog: [
        {
          id: PORTFOLIO,
          name: 'Networking',
          providerName: 'Platform',
          products: [{ id: 'prod-sfnstdvpc0001', name: 'Standard VPC', owner: 'Platform' }],
        },
        { id: PRINCIPALS_PORTFOLIO, name: 'Sandboxes', providerName: 'Platform', products: [] },
      ],
    },
  });
  aws.onCall((call) => calls.push(call));
  // The share's member actions assume the ShareAcceptance duty role of the policy's member role name,
  // passing the requester as source identity, which its trust policy must allow the hub to set.
  for (const account of [PROD_A, PROD_B]) {
    const role = aws.identity.createRole(account, `${MEMBER_ROLE}-ShareAcceptance`);
    aws.identity.createRole(account, role.name, role.path, {
      ...role.documents,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
        ],
      },
    });
  }
  // The functions' own clients (member actions, the outcomes table) find the endpoint as the local runtime points them.
  process.env.AWS_ENDPOINT_URL = aws.url;
  const config = { ...aws.clientConfig(), maxAttempts: 1 };
  const dynamoDb = new DynamoDBClient(config);
  await dynamoDb.send(new CreateTableCommand(outcomesTableDefinition()));
  dynamoDb.destroy();
  const clients = {
    servicecatalog: track(new ServiceCatalogClient(config)),
    organizations: track(new OrganizationsClient(config)),
    sfn: track(new SFNClient(config)),
    eventbridge: track(new EventBridgeClient(config)),
    sts: track(new STSClient(config)),
  };
  stepFunctions = createStepFunctionsModule({
    region: REGION,
    accountId: MANAGEMENT,
    clock: aws.clock,
    bindTasks: (machine) => bindTaskStates(machine, { clients, functions: FUNCTIONS }),
  });
  aws.registerService(stepFunctions.registration);
  const resolvers = localSubstitutions({ region: REGION, accountId: MANAGEMENT, eventBusName: EVENT_BUS });
  stateMachineArn = stepFunctions.registerStateMachine({
    name: 'share-portfolio',
    definition: loadDefinition(FILE, resolvers),
  }).stateMachineArn;
  childArn = stepFunctions.registerStateMachine({
    name: 'await-share-action',
    definition: loadDefinition(CHILD_FILE, resolvers),
  }).stateMachineArn;
  sfn = clients.sfn;
  serviceCatalog = clients.servicecatalog;
});

afterAll(async () => {
  await stepFunctions?.stopAll();
  for (const client of destroyables) client.destroy();
  await aws?.close();
  delete process.env.AWS_ENDPOINT_URL;
  expect(aws?.internalErrors ?? []).toEqual([]);
});

const shareInput = (requestId: string, portfolioId: string, target: ShareWorkflowInput['target']): ShareWorkflowInput => ({
  requestId,
  portfolioId,
  target,
  requestedBy: { type: 'caller', principalArn: `arn:aws:iam::${MANAGEMENT}:root`, accountId: MANAGEMENT },
});

/** Starts a share, waits for it, and returns its history and the one result event it emitted. */
const runShare = async (input: ShareWorkflowInput) => {
  const { executionArn = '' } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name: input.requestId, input: JSON.stringify(input) }),
  );
  const done = await stepFunctions.waitForExecution(executionArn, 12_000);
  expect(done.status, done.cause).toBe('SUCCEEDED');
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn })) events.push(...(page.events ?? []));
  const results = aws.events
    .list({ source: 'portfolio-share-orchestrator', eventBusName: EVENT_BUS })
    .filter((event) => event.detail.requestId === input.requestId);
  expect(results).toHaveLength(1);
  return { events, result: results[0] };
};

/** The parameters of every CreatePortfolioShare the execution sent, in order. */
const sharesCreated = (events: HistoryEvent[]) =>
  events
    .filter(
      (event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resource === 'servicecatalog:createPortfolioShare',
    )
    .map((event) => JSON.parse(event.taskScheduledEventDetails?.parameters ?? '{}') as Record<string, unknown>);

describe('share-portfolio on the local Step Functions service', () => {
  it('shares a portfolio to an OU, associates the principal in each account and emits Succeeded', { timeout: 15_000 }, async () => {
    const input: ShareWorkflowInput = {
      requestId: 'sfn-share-1',
      portfolioId: PORTFOLIO,
      target: { type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION_OU },
      requestedBy: { type: 'caller', principalArn: `arn:aws:iam::${MANAGEMENT}:root`, accountId: MANAGEMENT },
    };
    const before = stepFunctions.stats();
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: input.requestId, input: JSON.stringify(input) }),
    );
    const done = await stepFunctions.waitForExecution(executionArn, 12_000);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (botocoreUnavailableReason() === undefined) expectConformsToOutput('stepfunctions', 'DescribeExecution', described);

    const [result, ...others] = aws.events.list({ source: 'portfolio-share-orchestrator', eventBusName: EVENT_BUS });
    expect(others).toEqual([]);
    expect(result?.['detail-type']).toBe('Portfolio Share Succeeded');
    const detail = expectValidResultEvent({
      Source: result?.source,
      DetailType: result?.['detail-type'],
      Detail: JSON.stringify(result?.detail),
    });
    expect(detail).toMatchObject({ requestId: 'sfn-share-1', outcome: 'SUCCEEDED', portfolioId: PORTFOLIO, failedAccounts: [] });
    expect([...(detail.sharedAccounts as string[])].sort()).toEqual([PROD_A, PROD_B]);
    // The share polls waited on the simulated clock: seconds of simulated time, milliseconds of real time.
    expect((done.stopDate?.getTime() ?? 0) - done.startDate.getTime()).toBeGreaterThanOrEqual(2_000);

    const sts = track(new STSClient({ ...aws.clientConfig(), maxAttempts: 1 }));
    for (const account of [PROD_A, PROD_B]) {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${MEMBER_ROLE}`, RoleSessionName: 'check' }),
      );
      const member = track(
        new ServiceCatalogClient({
          ...aws.clientConfig({
            accessKeyId: Credentials?.AccessKeyId ?? '',
            secretAccessKey: Credentials?.SecretAccessKey ?? '',
            sessionToken: Credentials?.SessionToken ?? '',
          }),
          maxAttempts: 1,
        }),
      );
      const { Principals = [] } = await member.send(new ListPrincipalsForPortfolioCommand({ PortfolioId: PORTFOLIO }));
      expect(Principals.map((principal) => principal.PrincipalARN)).toContain(`arn:aws:iam::${account}:role/Developer`);
    }

    const history = async (arn: string) => {
      const events: HistoryEvent[] = [];
      for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn: arn, maxResults: 25 })) {
        if (botocoreUnavailableReason() === undefined) expectConformsToOutput('stepfunctions', 'GetExecutionHistory', page);
        events.push(...(page.events ?? []));
      }
      return events;
    };
    const events = await history(executionArn);
    const types = events.map((event) => event.type);
    const { executions: [child, ...otherChildren] = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: childArn }));
    expect(otherChildren).toEqual([]);
    expect(child?.status).toBe('SUCCEEDED');
    const childTypes = (await history(child?.executionArn ?? '')).map((event) => event.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'aws-sdk',
      resource: 'servicecatalog:getAWSOrganizationsAccessStatus',
      region: REGION,
    });
    const created = events.find((event) => event.taskScheduledEventDetails?.resource === 'servicecatalog:createPortfolioShare');
    expect(JSON.parse(created?.taskScheduledEventDetails?.parameters ?? '{}')).toEqual({
      PortfolioId: PORTFOLIO,
      OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: PRODUCTION_OU },
      SharePrincipals: false,
      ShareTagOptions: false,
    });
    // The share waits for its token in the await-share-action child, through startExecution.sync:2.
    expect(
      events.find((event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType === 'states')
        ?.taskScheduledEventDetails,
    ).toMatchObject({
      resource: 'startExecution.sync:2',
    });
    expect(childTypes).toContain('WaitStateEntered');
    expect(types.filter((type) => type === 'MapIterationStarted')).toHaveLength(1);
    expect(events.find((event) => event.type === 'LambdaFunctionScheduled')?.lambdaFunctionScheduledEventDetails?.resource).toBe(
      `arn:aws:lambda:${REGION}:${MANAGEMENT}:function:authorizeShare`,
    );
    const entered = [...types, ...childTypes].filter((type) => type?.endsWith('StateEntered')).length;
    expect(stepFunctions.stats().stateTransitions - before.stateTransitions).toBe(entered);
    expect(calls.filter((call) => call.service === 'stepfunctions' && call.errorCode)).toEqual([]);
  });

  // Step Functions names an error that Service Catalog's API model does not define (its throttling, its
  // internal errors) ServiceCatalog.ServiceCatalogException: the share's Retry must match that name, or
  // one such answer fails the request. The clients make one attempt, so only the Retry can recover.
  const ACCESS_STATUS = 'servicecatalog:GetAWSOrganizationsAccessStatus';
  it.each([
    {
      kind: 'an internal error',
      code: 'InternalFailure',
      status: 500,
      inject: async () => aws.knobs.setFault(ACCESS_STATUS, { rate: 1 }),
      clear: () => aws.knobs.setFault(ACCESS_STATUS, null),
    },
    {
      kind: 'throttling',
      code: 'ThrottlingException',
      status: 400,
      inject: async () => {
        // A bucket of one call that never refills, its call spent here: the workflow's call is throttled.
        aws.knobs.setThrottling(ACCESS_STATUS, { ratePerSecond: 0, burst: 1 });
        await serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}));
      },
      clear: () => aws.knobs.setThrottling(ACCESS_STATUS, null),
    },
  ])(
    'retries $kind that the endpoint answers once, as ServiceCatalog.ServiceCatalogException',
    { timeout: 15_000 },
    async ({ kind, code, status, inject, clear }) => {
      await inject();
      const answered: ApiCallRecord[] = [];
      const unsubscribe = aws.onCall((call) => {
        if (`${call.service}:${call.operation}` !== ACCESS_STATUS) return;
        answered.push(call);
        if (call.errorCode === code) clear();
      });
      try {
        const { events, result } = await runShare(
          shareInput(`sfn-share-${code}`, PORTFOLIO, { type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION_OU }),
        );

        expect(
          answered.map((call) => call.errorCode ?? 'OK'),
          kind,
        ).toEqual([code, 'OK']);
        const [failed, ...otherFailures] = events.filter((event) => event.type === 'TaskFailed');
        expect(otherFailures).toEqual([]);
        expect(failed?.taskFailedEventDetails).toMatchObject({
          resource: 'servicecatalog:getAWSOrganizationsAccessStatus',
          error: 'ServiceCatalog.ServiceCatalogException',
          cause: expect.stringContaining(`(Service: ServiceCatalog, Status Code: ${status}, Request ID: ${answered[0]?.requestId}`),
        });
        expect(result?.['detail-type']).toBe('Portfolio Share Succeeded');
      } finally {
        unsubscribe();
        clear();
      }
    },
  );

  // The endpoint refuses SharePrincipals for a member account node, as AWS does.
  it('shares an account throttled out of an OU share with principal sharing again, without SharePrincipals', {
    timeout: 15_000,
  }, async () => {
    aws.serviceCatalog.injectShareErrors({ accounts: [PROD_B] });

    const { events, result } = await runShare(
      shareInput('sfn-share-principals', PRINCIPALS_PORTFOLIO, { type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION_OU }),
    );

    expect(sharesCreated(events)).toEqual([
      {
        PortfolioId: PRINCIPALS_PORTFOLIO,
        OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: PRODUCTION_OU },
        SharePrincipals: true,
        ShareTagOptions: false,
      },
      { PortfolioId: PRINCIPALS_PORTFOLIO, OrganizationNode: { Type: 'ACCOUNT', Value: PROD_B }, ShareTagOptions: false },
    ]);
    expect(result?.['detail-type']).toBe('Portfolio Share Succeeded');
    expect([...((result?.detail.sharedAccounts ?? []) as string[])].sort()).toEqual([PROD_A, PROD_B]);
    expect(result?.detail.options).toEqual({ sharePrincipals: true, shareTagOptions: false });
  });

  it('shares a member account of a portfolio with principal sharing, without SharePrincipals', { timeout: 15_000 }, async () => {
    const { events, result } = await runShare(shareInput('sfn-share-account', PRINCIPALS_PORTFOLIO, { type: 'ACCOUNT', id: PROD_A }));

    expect(sharesCreated(events)).toEqual([
      { PortfolioId: PRINCIPALS_PORTFOLIO, OrganizationNode: { Type: 'ACCOUNT', Value: PROD_A }, ShareTagOptions: false },
    ]);
    expect(result?.['detail-type']).toBe('Portfolio Share Succeeded');
    expect(result?.detail).toMatchObject({ sharedAccounts: [PROD_A], options: { sharePrincipals: false, shareTagOptions: false } });
  });
});
