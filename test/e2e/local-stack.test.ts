import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateAccountCommand, MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  ListAcceptedPortfolioSharesCommand,
  ListPrincipalsForPortfolioCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/aws/contract.js';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack.js';
import { expectValidEvent } from '../support/result-events.js';

// The whole system as `npm start` runs it: real endpoint, real definitions from serverless.yml,
// real functions. Simulated time runs fast so that waits and retries take milliseconds.
let stack: LocalStack;
let config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

const WORKLOADS = 'ou-ex12-workload';
const PIPELINES = 'port-cicdpipeline1';
const NETWORKING = 'port-networkvpc001';

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, httpPort: 0, timeScale: 500, stage: 'e2e', stateDir: join(tmpdir(), `pso-e2e-${process.pid}`) });
  config = stack.aws.clientConfig();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const results = (detailType: string, requestId?: string): BusEvent[] =>
  stack.aws.events.list({ eventBusName: stack.definitions.eventBusName, detailType }).filter((event) => !requestId || event.detail.requestId === requestId);

const resultOf = async (requestId: string): Promise<BusEvent> => {
  const event = await stack.aws.events.waitFor(
    (candidate) => candidate.eventBusName === stack.definitions.eventBusName && candidate.detail.requestId === requestId && candidate['detail-type'] !== 'Portfolio Share Requested',
    60_000,
  );
  await stack.settle();
  expectValidEvent(event);
  return event;
};

const memberServiceCatalog = async (accountId: string) => {
  const sts = new STSClient(config);
  const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/PortfolioShareMemberRole`, RoleSessionName: 'e2e' }));
  return new ServiceCatalogClient({
    ...config,
    credentials: { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: Credentials?.SecretAccessKey ?? '', sessionToken: Credentials?.SessionToken ?? '' },
  });
};

const visiblePortfolios = async (accountId: string) => {
  const client = await memberServiceCatalog(accountId);
  const { PortfolioDetails = [] } = await client.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'AWS_ORGANIZATIONS' }));
  return PortfolioDetails.map((portfolio) => portfolio.Id);
};

const http = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${stack.http.url}${path}`, {
    method,
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('local stack end to end', () => {
  it('onboards a created account moved into an entitled OU: it sees the portfolios, its principals are associated, one result per event', async () => {
    const organizations = new OrganizationsClient(config);
    const created = await organizations.send(new CreateAccountCommand({ AccountName: 'new-team', Email: 'new-team@example.com' }));
    const createdEvent = await stack.aws.events.waitFor({ eventName: 'CreateAccountResult' }, 60_000);
    const accountId = (createdEvent.detail as any).serviceEventDetails.createAccountStatus.accountId as string;
    expect(created.CreateAccountStatus?.State).toBe('IN_PROGRESS');
    const first = await resultOf(createdEvent.id);
    expect(first['detail-type']).toBe('Account Onboarding Succeeded');

    await organizations.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: stack.aws.organization.rootId, DestinationParentId: 'ou-ex12-prodwork' }));
    const moved = await stack.aws.events.waitFor({ eventName: 'MoveAccount' }, 10_000);
    const onboarding = await resultOf(moved.id);

    expect(onboarding['detail-type']).toBe('Account Onboarding Succeeded');
    expect(results('Account Onboarding Succeeded', moved.id)).toHaveLength(1);
    expect(onboarding.detail.organizationalUnitPath).toEqual([stack.aws.organization.rootId, WORKLOADS, 'ou-ex12-prodwork']);
    expect(await visiblePortfolios(accountId)).toEqual(expect.arrayContaining([NETWORKING, PIPELINES, 'port-databases0001']));
    const member = await memberServiceCatalog(accountId);
    const principals = await member.send(new ListPrincipalsForPortfolioCommand({ PortfolioId: 'port-databases0001' }));
    expect(principals.Principals?.map((principal) => principal.PrincipalARN)).toContain(`arn:aws:iam::${accountId}:role/DatabaseAdmin`);
  }, 120_000);

  it('onboards an account created through Control Tower, and an invited account', async () => {
    const managed = await stack.aws.controlTower.createManagedAccount({ accountName: 'ct-team', email: 'ct-team@example.com', organizationalUnitId: 'ou-ex12-devwork1' });
    const ctEvent = await stack.aws.events.waitFor({ eventName: 'CreateManagedAccount' }, 60_000);
    expect((await resultOf(ctEvent.id))['detail-type']).toBe('Account Onboarding Succeeded');
    expect(await visiblePortfolios(managed.accountId)).toEqual(expect.arrayContaining([NETWORKING, PIPELINES]));

    stack.aws.organization.joinByInvitation('888888888888', 'invited-team', 'invited@example.com', { roles: ['PortfolioShareMemberRole'] });
    const accepted = await stack.aws.events.waitFor({ eventName: 'AcceptHandshake' }, 10_000);
    const invited = await resultOf(accepted.id);
    expect(invited['detail-type']).toBe('Account Onboarding Succeeded');
    expect(invited.detail.portfolios).toEqual([expect.objectContaining({ portfolioId: NETWORKING, outcome: 'SUCCEEDED' })]);
  }, 120_000);

  it('shares a portfolio with an OU through POST /shares and reports SUCCEEDED through GET', async () => {
    const accepted = await http('POST', '/shares', { portfolioId: PIPELINES, target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS }, requestId: 'e2e-share-1' });
    expect(accepted).toMatchObject({ status: 202, body: { requestId: 'e2e-share-1', status: 'ACCEPTED' } });

    const result = await resultOf('e2e-share-1');
    const status = await http('GET', '/shares/e2e-share-1');

    expect(status.body).toMatchObject({ status: 'SUCCEEDED', outcome: 'SUCCEEDED' });
    expect(Date.parse(result.detail.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(result.detail.startedAt as string));
    expect(result['detail-type']).toBe('Portfolio Share Succeeded');
    const below = stack.aws.organization.accountsUnder(WORKLOADS);
    expect([...(result.detail.sharedAccounts as string[])].sort()).toEqual([...below].sort());
    for (const accountId of below) expect(await visiblePortfolios(accountId)).toContain(PIPELINES);
  }, 120_000);

  it('answers 400 naming the field, and 403 without IAM credentials', async () => {
    const bad = await http('POST', '/shares', { portfolioId: PIPELINES, target: { type: 'ORGANIZATIONAL_UNIT', id: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('target.id');
    const anonymous = await fetch(`${stack.http.url}/shares/e2e-share-1`);
    expect(anonymous.status).toBe(403);
  });

  it('reports an unknown portfolio in one Portfolio Share Failed event', async () => {
    await http('POST', '/shares', { portfolioId: 'port-doesnotexist1', target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS }, requestId: 'e2e-unknown' });
    const result = await resultOf('e2e-unknown');
    expect(result['detail-type']).toBe('Portfolio Share Failed');
    expect(result.detail.failure).toMatchObject({ error: expect.stringMatching(/^ServiceCatalog\./) });
    expect(results('Portfolio Share Failed', 'e2e-unknown')).toHaveLength(1);
  }, 60_000);

  it('names the account without the member role in a Partially Succeeded share', async () => {
    await http('POST', '/shares', { portfolioId: NETWORKING, target: { type: 'ORGANIZATION', id: stack.aws.organization.organizationId }, requestId: 'e2e-org-share' });
    const result = await resultOf('e2e-org-share');
    expect(result['detail-type']).toBe('Portfolio Share Partially Succeeded');
    expect(result.detail.failedAccounts).toEqual([expect.objectContaining({ accountId: '777777777777', error: 'MemberRoleUnavailableError' })]);
  }, 60_000);

  it('shares throttled accounts again and succeeds', async () => {
    stack.aws.serviceCatalog.injectShareErrors({ accounts: ['555555555555'], attempts: 1 });
    await http('POST', '/shares', { portfolioId: 'port-databases0001', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-devwork1' }, requestId: 'e2e-throttled' });
    const result = await resultOf('e2e-throttled');
    expect(result['detail-type']).toBe('Portfolio Share Succeeded');
    expect(result.detail.sharedAccounts).toContain('555555555555');
  }, 60_000);

  it('runs two requests for one portfolio at once without losing either', async () => {
    await Promise.all([
      http('POST', '/shares', { portfolioId: 'port-databases0001', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-security' }, requestId: 'e2e-concurrent-a' }),
      http('POST', '/shares', { portfolioId: 'port-databases0001', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' }, requestId: 'e2e-concurrent-b' }),
    ]);
    const [a, b] = await Promise.all([resultOf('e2e-concurrent-a'), resultOf('e2e-concurrent-b')]);
    expect(a['detail-type']).toBe('Portfolio Share Succeeded');
    expect(b.detail.failure).toBeNull();
    expect(b.detail.sharedAccounts).toEqual([]);
    expect(b.detail.failedAccounts).toEqual([expect.objectContaining({ accountId: '777777777777', error: 'MemberRoleUnavailableError' })]);
  }, 90_000);

  it('starts one execution for an event delivered twice', async () => {
    const eventBridge = new EventBridgeClient(config);
    const entry = { Source: 'portfolio-share-orchestrator', DetailType: 'Portfolio Share Requested', EventBusName: stack.definitions.eventBusName, Detail: JSON.stringify({ portfolioId: PIPELINES, target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS }, requestId: 'e2e-twice' }) };
    await eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
    await eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
    await resultOf('e2e-twice');
    const { executions = [] } = await new SFNClient(config).send(new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns.sharePortfolio }));
    expect(executions.filter((execution) => execution.name === 'e2e-twice')).toHaveLength(1);
    expect(results('Portfolio Share Succeeded', 'e2e-twice')).toHaveLength(1);
  }, 60_000);

  it('validates every event on the project bus against its schema and leaves nothing running', async () => {
    await stack.settle();
    const events = stack.aws.events.list({ eventBusName: stack.definitions.eventBusName });
    expect(events.length).toBeGreaterThan(10);
    for (const event of events) expectValidEvent(event);
    expect(stack.stepFunctions.running()).toBe(0);
    expect(stack.router.deadLetters).toEqual([]);
  });
});
