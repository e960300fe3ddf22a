import { ListAcceptedPortfolioSharesCommand } from '@aws-sdk/client-service-catalog';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// A stack of its own, in a file of its own.
let e2e: E2eStack;
let stack: E2eStack['stack'];

const PIPELINES = 'port-cicdpipeline1';
const NETWORKING = 'port-networkvpc001';
const DATABASES = 'port-databases0001';
const WORKLOADS = 'ou-ex12-workload';
const PRODUCTION = 'ou-ex12-prodwork';

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ stack } = e2e);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** Portfolios an account has through organization shares, as it lists them itself. */
const organizationPortfolios = async (accountId: string) => {
  const client = await e2e.memberServiceCatalog(accountId);
  const { PortfolioDetails = [] } = await client.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'AWS_ORGANIZATIONS' }));
  return PortfolioDetails.map((portfolio) => portfolio.Id);
};

const share = async (portfolioId: string, target: { type: string; id: string }, requestId: string) => {
  expect((await e2e.http('POST', '/shares', { portfolioId, target, requestId })).status).toBe(202);
  expect((await e2e.resultOf(requestId))['detail-type']).toMatch(/^Portfolio Share (Partially )?Succeeded$/);
};

describe('unshare on the local stack', () => {
  it('unshares an OU through DELETE /shares: its accounts no longer see the portfolio, GET /unshares reports SUCCEEDED', async () => {
    await share(PIPELINES, { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS }, 'e2e-share-workloads');
    const below = stack.aws.organization.accountsUnder(WORKLOADS);
    for (const accountId of below) expect(await organizationPortfolios(accountId)).toContain(PIPELINES);

    const accepted = await e2e.http('DELETE', '/shares', {
      portfolioId: PIPELINES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS },
      requestId: 'e2e-unshare-1',
    });
    expect(accepted).toMatchObject({
      status: 202,
      body: {
        requestId: 'e2e-unshare-1',
        status: 'ACCEPTED',
        executionArn: expect.stringMatching(/:execution:[\w-]+-unshare-portfolio:e2e-unshare-1$/),
      },
    });
    const result = await e2e.resultOf('e2e-unshare-1');

    expect(result['detail-type']).toBe('Portfolio Unshare Succeeded');
    expect(result.detail).toMatchObject({
      outcome: 'SUCCEEDED',
      alreadyAbsent: false,
      shareToken: expect.any(String),
      failedAccounts: [],
      stillVisibleTo: [],
    });
    expect([...(result.detail.unsharedAccounts as string[])].sort()).toEqual([...below].sort());
    for (const accountId of below) expect(await organizationPortfolios(accountId)).not.toContain(PIPELINES);
    const status = await e2e.http('GET', '/unshares/e2e-unshare-1');
    expect(status).toMatchObject({
      status: 200,
      body: { requestId: 'e2e-unshare-1', status: 'SUCCEEDED', outcome: 'SUCCEEDED', result: result.detail },
    });
  }, 120_000);

  it('reports an unshare of what is not shared as Succeeded with alreadyAbsent, deleting nothing', async () => {
    await e2e.http('DELETE', '/shares', {
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-security' },
      requestId: 'e2e-unshare-absent',
    });
    const result = await e2e.resultOf('e2e-unshare-absent');

    expect(result['detail-type']).toBe('Portfolio Unshare Succeeded');
    expect(result.detail).toMatchObject({ alreadyAbsent: true, shareToken: null, unsharedAccounts: [], failedAccounts: [] });
  }, 60_000);

  it('unshares an OU on a Portfolio Unshare Requested event while the organization stays shared, and names the accounts that still see it', async () => {
    await share(NETWORKING, { type: 'ORGANIZATION', id: stack.aws.organization.organizationId }, 'e2e-share-org');
    await share(NETWORKING, { type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION }, 'e2e-share-production');

    const request = { portfolioId: NETWORKING, target: { type: 'ORGANIZATIONAL_UNIT', id: PRODUCTION }, requestId: 'e2e-unshare-event' };
    await e2e.putEvent('Portfolio Unshare Requested', request);
    await e2e.putEvent('Portfolio Unshare Requested', request);
    const result = await e2e.resultOf('e2e-unshare-event');

    expect(result['detail-type']).toBe('Portfolio Unshare Succeeded');
    const production = [...stack.aws.organization.accountsUnder(PRODUCTION)].sort();
    const organization = { type: 'ORGANIZATION', id: stack.aws.organization.organizationId };
    expect(result.detail.stillVisibleTo).toEqual(production.map((accountId) => ({ accountId, through: organization })));
    expect(result.detail.stillVisibleCount).toBe(production.length);
    for (const accountId of production) expect(await organizationPortfolios(accountId)).toContain(NETWORKING);
    const { executions = [] } = await new SFNClient(e2e.config).send(
      new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns.unsharePortfolio }),
    );
    expect(executions.filter((execution) => execution.name === 'e2e-unshare-event')).toHaveLength(1);
    expect(e2e.results('Portfolio Unshare Succeeded', 'e2e-unshare-event')).toHaveLength(1);
  }, 120_000);

  it('answers 400 naming the missing field of a DELETE /shares body', async () => {
    const bad = await e2e.http('DELETE', '/shares', { portfolioId: NETWORKING });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringContaining('target') } });
  });

  it('validates every event on the project bus against its schema and leaves nothing running', async () => {
    await e2e.expectCleanEnd();
  });
});
