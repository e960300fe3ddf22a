import { ListPrincipalsForPortfolioCommand } from '@aws-sdk/client-service-catalog';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// The reproductions of a security review (issue 11), each refused by the demo sharing policy
// (config/sharing-policy.yml): nothing shared, one result per refused event, who asked recorded.

let e2e: E2eStack;
let stack: E2eStack['stack'];

const DATABASES = 'port-databases0001';
const NETWORKING = 'port-networkvpc001';
const OUTSIDE = '210000000099';
const PROD_PAYMENTS = '333333333333';

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ stack } = e2e);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const executionsNamed = async (name: string, machine: keyof E2eStack['stack']['stateMachineArns']) => {
  const { executions = [] } = await new SFNClient(e2e.config).send(
    new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns[machine] }),
  );
  return executions.filter((execution) => execution.name === name);
};

describe('authorization from the sharing policy, end to end', () => {
  it('refuses Databases for the whole organization with principal sharing: 403 naming the rule, nothing started', async () => {
    const organizationId = stack.aws.organization.organizationId;
    const refused = await e2e.http('POST', '/shares', {
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATION', id: organizationId },
      sharePrincipals: true,
      requestId: 'authz-db-org',
    });
    expect(refused).toMatchObject({ status: 403, body: { error: 'NotAuthorized', rule: 'portfolios[2].requests.targets' } });
    expect(await executionsNamed('authz-db-org', 'sharePortfolio')).toEqual([]);
  });

  it('refuses Networking for an account outside the organization', async () => {
    const refused = await e2e.http('POST', '/shares', { portfolioId: NETWORKING, target: { type: 'EXTERNAL_ACCOUNT', id: OUTSIDE } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('must be listed by id');
  });

  it('answers an event request the policy refuses with one Portfolio Share Failed NotAuthorized, however often it is delivered', async () => {
    const request = {
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATION', id: stack.aws.organization.organizationId },
      requestId: 'authz-event',
    };
    await e2e.putEvent('Portfolio Share Requested', request);
    await e2e.putEvent('Portfolio Share Requested', request);
    const result = await e2e.resultOf('authz-event');

    expect(result['detail-type']).toBe('Portfolio Share Failed');
    expect(result.detail).toMatchObject({
      failure: { error: 'NotAuthorized' },
      sharedAccounts: [],
      options: null,
      requestedBy: { type: 'event', source: 'portfolio-share-orchestrator', accountId: stack.aws.organization.managementAccountId },
    });
    expect(e2e.results('Portfolio Share Failed', 'authz-event')).toHaveLength(1);
    expect(await executionsNamed('authz-event', 'sharePortfolio')).toHaveLength(1);
  }, 60_000);

  it('refuses a direct StartExecution that names its own principals, associating nothing', async () => {
    await new SFNClient(e2e.config).send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArns.sharePortfolio,
        name: 'authz-direct',
        input: JSON.stringify({
          requestId: 'authz-direct',
          portfolioId: DATABASES,
          target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' },
          requestedBy: {
            type: 'caller',
            principalArn: `arn:aws:iam::${stack.aws.organization.managementAccountId}:root`,
            accountId: stack.aws.organization.managementAccountId,
          },
          memberActions: { accept: false, iamPrincipals: ['role/OrganizationAccountAccessRole'] },
        }),
      }),
    );
    const result = await e2e.resultOf('authz-direct');

    expect(result.detail.failure).toMatchObject({ error: 'NotAuthorized' });
    expect((result.detail.failure as { message: string }).message).toContain('may not set memberActions');
    const member = await e2e.memberServiceCatalog(PROD_PAYMENTS);
    const { Principals = [] } = await member
      .send(new ListPrincipalsForPortfolioCommand({ PortfolioId: DATABASES }))
      .catch(() => ({ Principals: [] }));
    expect(Principals.map((principal) => principal.PrincipalARN)).not.toContain(
      `arn:aws:iam::${PROD_PAYMENTS}:role/OrganizationAccountAccessRole`,
    );
  }, 60_000);

  it('records who asked through the API on the result, and shares below an OU the policy opens to requests', async () => {
    const accepted = await e2e.http('POST', '/shares', {
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-devwork1' },
      shareTagOptions: true,
      requestId: 'authz-dev',
    });
    expect(accepted.status).toBe(202);
    const result = await e2e.resultOf('authz-dev');
    expect(result['detail-type']).toBe('Portfolio Share Succeeded');
    expect(result.detail).toMatchObject({
      options: { sharePrincipals: false, shareTagOptions: true },
      requestedBy: {
        type: 'api',
        principalArn: `arn:aws:iam::${stack.aws.organization.managementAccountId}:root`,
        accountId: stack.aws.organization.managementAccountId,
      },
    });
  }, 60_000);

  it('refuses an unshare of a portfolio the policy does not manage, and a transfer asked for from another account', async () => {
    const unshare = await e2e.http('DELETE', '/shares', {
      portfolioId: 'port-notmanaged001',
      target: { type: 'ORGANIZATION', id: stack.aws.organization.organizationId },
    });
    expect(unshare).toMatchObject({ status: 403, body: { rule: 'portfolios' } });

    const transfer = await e2e.http(
      'PUT',
      '/provisioned-products/pp-paymentsvpc01/owner',
      { accountId: PROD_PAYMENTS, ownerArn: `arn:aws:iam::${PROD_PAYMENTS}:user/sam` },
      { accessKeyId: 'AKIASHAREDSERVICES01' },
    );
    expect(transfer).toMatchObject({ status: 403, body: { rule: 'authorization.requesters.ownershipTransfer' } });
    await e2e.expectCleanEnd();
  }, 60_000);
});
