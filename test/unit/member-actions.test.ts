import { AcceptPortfolioShareCommand, AssociatePrincipalWithPortfolioCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { memberServiceCatalog } from '../../src/aws/member-session.js';
import { sleep } from '../../src/clock.js';
import { MemberRoleUnavailableError } from '../../src/errors.js';
import { MEMBER_CALL_RETRIES, runMemberActions } from '../../src/share/member-actions.js';

const sts = mockClient(STSClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};
const denied = () => Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });

const fault = (name: string, message = 'Rate exceeded') => Object.assign(new Error(message), { name });

/** A fake clock: `sleep` records each wait and moves simulated time on by it. */
const simulatedTime = () => {
  const waits: number[] = [];
  let nowMs = 0;
  return {
    waits,
    now: () => nowMs,
    sleep: async (ms: number) => {
      waits.push(ms);
      nowMs += ms;
    },
  };
};
/** The longest wait full jitter can draw, every time. */
const longestDraw = () => 1 - Number.EPSILON;

const session = () => memberServiceCatalog({ sts: new STSClient({}), roleName: 'PortfolioShareMemberRole' });
const batch = {
  portfolioId: 'port-abcd1234efgh5',
  accounts: ['111111111111'],
  actions: { accept: true, iamPrincipals: ['role/Developer', 'user/alice'] },
  failWhenRoleUnavailable: false,
};

beforeEach(() => {
  sts.reset();
  serviceCatalog.reset();
  serviceCatalog.on(AcceptPortfolioShareCommand).resolves({});
  serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).resolves({});
});

describe('member actions', () => {
  it('assumes the member role, accepts the IMPORTED share and associates each principal by its ARN in that account', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });

    const result = await runMemberActions(batch, { memberServiceCatalog: session(), sleep });

    expect(result).toEqual({ succeeded: ['111111111111'], failed: [] });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::111111111111:role/PortfolioShareMemberRole' });
    expect(serviceCatalog).toHaveReceivedCommandWith(AcceptPortfolioShareCommand, {
      PortfolioId: 'port-abcd1234efgh5',
      PortfolioShareType: 'IMPORTED',
    });
    expect(serviceCatalog.commandCalls(AssociatePrincipalWithPortfolioCommand).map((call) => call.args[0].input.PrincipalARN)).toEqual([
      'arn:aws:iam::111111111111:role/Developer',
      'arn:aws:iam::111111111111:user/alice',
    ]);
  });

  it('retries AssumeRole access-denied a bounded number of times, then succeeds when the role appears', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(denied()).rejectsOnce(denied()).resolves({ Credentials: credentials });

    const result = await runMemberActions(batch, { memberServiceCatalog: session(), sleep, roleAttempts: 3, roleRetryDelayMs: 1 });

    expect(result.succeeded).toEqual(['111111111111']);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
  });

  it('reports an account whose role never appears, or throws for the state machine to retry when asked to', async () => {
    sts.on(AssumeRoleCommand).rejects(denied());

    const result = await runMemberActions(
      { ...batch, accounts: ['111111111111', '222222222222'] },
      { memberServiceCatalog: session(), sleep, roleAttempts: 2, roleRetryDelayMs: 1 },
    );
    expect(result.succeeded).toEqual([]);
    expect(result.failed.map((failure) => [failure.accountId, failure.error])).toEqual([
      ['111111111111', 'MemberRoleUnavailableError'],
      ['222222222222', 'MemberRoleUnavailableError'],
    ]);

    await expect(
      runMemberActions({ ...batch, failWhenRoleUnavailable: true }, { memberServiceCatalog: session(), sleep, roleAttempts: 1 }),
    ).rejects.toBeInstanceOf(MemberRoleUnavailableError);
  });

  it('reports a Service Catalog error per account and carries on with the others', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    serviceCatalog
      .on(AcceptPortfolioShareCommand)
      .rejectsOnce(Object.assign(new Error('portfolio not shared'), { name: 'ResourceNotFoundException' }));

    const result = await runMemberActions(
      { ...batch, accounts: ['111111111111', '222222222222'] },
      { memberServiceCatalog: session(), sleep, concurrency: 1 },
    );

    expect(result.failed).toEqual([{ accountId: '111111111111', error: 'ResourceNotFoundException', message: 'portfolio not shared' }]);
    expect(result.succeeded).toEqual(['222222222222']);
  });

  it('reuses one session per account', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    const sessions = session();
    await sessions('111111111111');
    await sessions('111111111111');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  describe('throttling and internal errors', () => {
    beforeEach(() => {
      sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    });

    it('waits out a throttle shorter than the budget, in simulated time, and the account succeeds', async () => {
      const time = simulatedTime();
      const throttledUntilMs = 5_000;
      serviceCatalog
        .on(AcceptPortfolioShareCommand)
        .callsFake(async () => (time.now() < throttledUntilMs ? Promise.reject(fault('ThrottlingException')) : {}));

      const result = await runMemberActions(batch, { memberServiceCatalog: session(), sleep: time.sleep, random: longestDraw });

      expect(result).toEqual({ succeeded: ['111111111111'], failed: [] });
      expect(time.now()).toBeGreaterThanOrEqual(throttledUntilMs);
      expect(time.now()).toBeLessThanOrEqual(MEMBER_CALL_RETRIES.budgetMs);
      expect(serviceCatalog).toHaveReceivedCommandTimes(AcceptPortfolioShareCommand, time.waits.length + 1);
      expect(serviceCatalog).toHaveReceivedCommandTimes(AssociatePrincipalWithPortfolioCommand, 2);
    });

    it.each([
      ['AcceptPortfolioShare', 'InternalFailure'],
      ['AcceptPortfolioShare', 'ServiceUnavailable'],
      ['AssociatePrincipalWithPortfolio', 'ThrottlingException'],
    ])('tries %s again after %s', async (call, name) => {
      const time = simulatedTime();
      const once = fault(name, 'We encountered an internal error');
      if (call === 'AcceptPortfolioShare') serviceCatalog.on(AcceptPortfolioShareCommand).rejectsOnce(once).resolves({});
      else serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).rejectsOnce(once).resolves({});

      const result = await runMemberActions(batch, { memberServiceCatalog: session(), sleep: time.sleep });

      expect(result.succeeded).toEqual(['111111111111']);
      expect(time.waits).toHaveLength(1);
    });

    it("tries STS's throttled AssumeRole of the member session again", async () => {
      const time = simulatedTime();
      sts.reset();
      sts.on(AssumeRoleCommand).rejectsOnce(fault('Throttling')).rejectsOnce(fault('Throttling')).resolves({ Credentials: credentials });

      const result = await runMemberActions(batch, { memberServiceCatalog: session(), sleep: time.sleep });

      expect(result.succeeded).toEqual(['111111111111']);
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
    });

    it('fails an account whose throttle outlasts the budget, counting the tries, and carries on with the others', async () => {
      const time = simulatedTime();
      serviceCatalog.on(AcceptPortfolioShareCommand, { PortfolioId: batch.portfolioId }).resolves({});
      serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).callsFake(async (input: { PrincipalARN: string }) => {
        if (input.PrincipalARN.includes('111111111111')) throw fault('ThrottlingException');
        return {};
      });

      const result = await runMemberActions(
        { ...batch, accounts: ['111111111111', '222222222222'] },
        { memberServiceCatalog: session(), sleep: time.sleep, concurrency: 1 },
      );

      const tries = serviceCatalog
        .commandCalls(AssociatePrincipalWithPortfolioCommand)
        .filter((call) => call.args[0].input.PrincipalARN?.includes('111111111111')).length;
      expect(result.succeeded).toEqual(['222222222222']);
      expect(result.failed).toEqual([
        { accountId: '111111111111', error: 'ThrottlingException', message: 'Rate exceeded', attempts: tries },
      ]);
      expect(tries).toBeGreaterThan(1);
      // The budget is spent to the millisecond, and never more.
      expect(time.now()).toBe(MEMBER_CALL_RETRIES.budgetMs);
    });

    it('shares one budget among all the calls of an account, and gives the next account its own', async () => {
      const time = simulatedTime();
      const throttled = fault('ThrottlingException');
      serviceCatalog.on(AcceptPortfolioShareCommand).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).resolves({});
      serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).rejects(fault('InternalFailure', 'internal error'));

      const result = await runMemberActions(
        { ...batch, accounts: ['111111111111', '222222222222'] },
        { memberServiceCatalog: session(), sleep: time.sleep, random: longestDraw, concurrency: 1 },
      );

      // The first account's accept waited 1 s, 2 s and 4 s, so its association had only what was left of the budget.
      expect(time.waits.slice(0, 6)).toEqual([999, 1_999, 3_999, 999, 1_999, 2_005]);
      expect(result.failed).toEqual([
        { accountId: '111111111111', error: 'InternalFailure', message: 'internal error', attempts: 4 },
        { accountId: '222222222222', error: 'InternalFailure', message: 'internal error', attempts: 5 },
      ]);
      expect(time.now()).toBe(2 * MEMBER_CALL_RETRIES.budgetMs);
    });

    it.each([
      ['AccessDeniedException', 'not authorized'],
      ['ResourceNotFoundException', 'portfolio not shared'],
      ['InvalidParametersException', 'bad principal'],
    ])('fails the account at once on %s, without a wait or an attempt count', async (name, message) => {
      const time = simulatedTime();
      serviceCatalog.on(AcceptPortfolioShareCommand).rejects(fault(name, message));

      const result = await runMemberActions(batch, { memberServiceCatalog: session(), sleep: time.sleep });

      expect(result.failed).toEqual([{ accountId: '111111111111', error: name, message }]);
      expect(serviceCatalog).toHaveReceivedCommandTimes(AcceptPortfolioShareCommand, 1);
      expect(time.waits).toEqual([]);
    });

    it('draws each wait with full jitter below a ceiling that doubles up to the cap', async () => {
      const time = simulatedTime();
      const longest = simulatedTime();
      serviceCatalog.on(AcceptPortfolioShareCommand).rejects(fault('ThrottlingException'));

      await runMemberActions(batch, { memberServiceCatalog: session(), sleep: time.sleep });
      await runMemberActions(batch, { memberServiceCatalog: session(), sleep: longest.sleep, random: longestDraw });

      const ceiling = (retry: number) => Math.min(MEMBER_CALL_RETRIES.maxWaitMs, MEMBER_CALL_RETRIES.firstWaitMs * 2 ** retry);
      time.waits.forEach((wait, retry) => {
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(ceiling(retry));
      });
      // At the longest draws the waits grow, reach the cap and stop at the budget: 1 s, 2 s, 4 s, then what is left of 12 s.
      expect(longest.waits).toEqual([999, 1_999, 3_999, 5_003]);
      expect(Math.max(...longest.waits)).toBeLessThanOrEqual(MEMBER_CALL_RETRIES.maxWaitMs);
      expect(longest.waits.reduce((sum, wait) => sum + wait, 0)).toBe(MEMBER_CALL_RETRIES.budgetMs);
    });
  });
});
