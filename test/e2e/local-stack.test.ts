import { CreateAccountCommand, MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListAcceptedPortfolioSharesCommand, ListPrincipalsForPortfolioCommand } from '@aws-sdk/client-service-catalog';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

let e2e: E2eStack;
let stack: E2eStack['stack'];
let config: E2eStack['config'];

const WORKLOADS = 'ou-ex12-workload';
const PIPELINES = 'port-cicdpipeline1';
const NETWORKING = 'port-networkvpc001';

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ stack, config } = e2e);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const results = (detailType: string, requestId?: string) => e2e.results(detailType, requestId);
const resultOf = (requestId: string) => e2e.resultOf(requestId);
const http = (method: string, path: string, body?: unknown) => e2e.http(method, path, body);
const memberServiceCatalog = (accountId: string) => e2e.memberServiceCatalog(accountId);

const visiblePortfolios = async (accountId: string) => {
  const client = await memberServiceCatalog(accountId);
  const { PortfolioDetails = [] } = await client.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'AWS_ORGANIZATIONS' }));
  return PortfolioDetails.map((portfolio) => portfolio.Id);
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

    await organizations.send(
      new MoveAccountCommand({
        AccountId: accountId,
        SourceParentId: stack.aws.organization.rootId,
        DestinationParentId: 'ou-ex12-prodwork',
      }),
    );
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
    const managed = await stack.aws.controlTower.createManagedAccount({
      accountName: 'ct-team',
      email: 'ct-team@example.com',
      organizationalUnitId: 'ou-ex12-devwork1',
    });
    const ctEvent = await stack.aws.events.waitFor({ eventName: 'CreateManagedAccount' }, 60_000);
    expect((await resultOf(ctEvent.id))['detail-type']).toBe('Account Onboarding Succeeded');
    expect(await visiblePortfolios(managed.accountId)).toEqual(expect.arrayContaining([NETWORKING, PIPELINES]));

    stack.aws.organization.joinByInvitation('888888888888', 'invited-team', 'invited@example.com', {
      roles: [
        'PortfolioShareMemberRole-ShareAcceptance',
        'PortfolioShareMemberRole-ShareRejection',
        'PortfolioShareMemberRole-OwnershipTransfer',
        'PortfolioShareMemberRole-ReadOnly',
        'OrganizationAccountAccessRole',
      ],
    });
    const accepted = await stack.aws.events.waitFor({ eventName: 'AcceptHandshake' }, 10_000);
    const invited = await resultOf(accepted.id);
    expect(invited['detail-type']).toBe('Account Onboarding Succeeded');
    expect(invited.detail.portfolios).toEqual([expect.objectContaining({ portfolioId: NETWORKING, outcome: 'SUCCEEDED' })]);
  }, 120_000);

  it('shares a portfolio with an OU through POST /shares and reports SUCCEEDED through GET', async () => {
    const accepted = await http('POST', '/shares', {
      portfolioId: PIPELINES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS },
      requestId: 'e2e-share-1',
    });
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
    const anonymous = await e2e.http('GET', '/shares/e2e-share-1', undefined, { signed: false });
    expect(anonymous.status).toBe(403);
  });

  it('answers a signed request whose path does not decode 404, as API Gateway does, and goes on', async () => {
    for (const path of ['/shares/x%E0%A4%A', '/portfolios/port-%C0%AF/access', '/accounts/%/portfolios', '/unshares/%ZZ']) {
      expect(await http('GET', path), path).toEqual({ status: 404, body: { message: 'Not Found' } });
    }
    expect(await http('GET', '/shares/e2e-share-1')).toMatchObject({ status: 200, body: { requestId: 'e2e-share-1' } });
  });

  it('refuses a portfolio the policy does not list with a 403 naming the rule, and starts nothing', async () => {
    const refused = await http('POST', '/shares', {
      portfolioId: 'port-doesnotexist1',
      target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS },
      requestId: 'e2e-unknown',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'NotAuthorized', rule: 'portfolios' });
    const { executions = [] } = await new SFNClient(config).send(
      new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns.sharePortfolio }),
    );
    expect(executions.filter((execution) => execution.name === 'e2e-unknown')).toEqual([]);
  });

  it('names the account without the member role in a Partially Succeeded share', async () => {
    await http('POST', '/shares', {
      portfolioId: NETWORKING,
      target: { type: 'ORGANIZATION', id: stack.aws.organization.organizationId },
      requestId: 'e2e-org-share',
    });
    const result = await resultOf('e2e-org-share');
    expect(result['detail-type']).toBe('Portfolio Share Partially Succeeded');
    expect(result.detail.failedAccounts).toEqual([
      expect.objectContaining({ accountId: '777777777777', error: 'MemberRoleUnavailableError' }),
    ]);
  }, 60_000);

  it('shares throttled accounts again and succeeds', async () => {
    stack.aws.serviceCatalog.injectShareErrors({ accounts: ['555555555555'], attempts: 1 });
    await http('POST', '/shares', {
      portfolioId: 'port-databases0001',
      target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-devwork1' },
      requestId: 'e2e-throttled',
    });
    const result = await resultOf('e2e-throttled');
    expect(result['detail-type']).toBe('Portfolio Share Succeeded');
    expect(result.detail.sharedAccounts).toContain('555555555555');
  }, 60_000);

  it('runs two requests for one portfolio at once without losing either', async () => {
    await Promise.all([
      http('POST', '/shares', {
        portfolioId: 'port-databases0001',
        target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-security' },
        requestId: 'e2e-concurrent-a',
      }),
      http('POST', '/shares', {
        portfolioId: 'port-databases0001',
        target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' },
        requestId: 'e2e-concurrent-b',
      }),
    ]);
    const [a, b] = await Promise.all([resultOf('e2e-concurrent-a'), resultOf('e2e-concurrent-b')]);
    expect(a['detail-type']).toBe('Portfolio Share Succeeded');
    expect(b.detail.failure).toBeNull();
    expect(b.detail.sharedAccounts).toEqual([]);
    expect(b.detail.failedAccounts).toEqual([expect.objectContaining({ accountId: '777777777777', error: 'MemberRoleUnavailableError' })]);
  }, 90_000);

  it('starts one execution for an event delivered twice', async () => {
    const request = { portfolioId: PIPELINES, target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS }, requestId: 'e2e-twice' };
    await e2e.putEvent('Portfolio Share Requested', request);
    await e2e.putEvent('Portfolio Share Requested', request);
    await resultOf('e2e-twice');
    const { executions = [] } = await new SFNClient(config).send(
      new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns.sharePortfolio }),
    );
    expect(executions.filter((execution) => execution.name === 'e2e-twice')).toHaveLength(1);
    expect(results('Portfolio Share Succeeded', 'e2e-twice')).toHaveLength(1);
  }, 60_000);

  it('validates every event on the project bus against its schema and leaves nothing running', async () => {
    await e2e.expectCleanEnd();
    expect(stack.aws.events.list({ eventBusName: stack.definitions.eventBusName }).length).toBeGreaterThan(10);
  });
});
