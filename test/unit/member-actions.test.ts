import { AcceptPortfolioShareCommand, AssociatePrincipalWithPortfolioCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { memberServiceCatalog } from '../../src/aws/member-session.js';
import { sleep } from '../../src/clock.js';
import { MemberRoleUnavailableError } from '../../src/errors.js';
import { runMemberActions } from '../../src/share/member-actions.js';

const sts = mockClient(STSClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};
const denied = () => Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });

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
});
