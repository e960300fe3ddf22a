import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoveAccountCommand, OrganizationsClient, RemoveAccountFromOrganizationCommand } from '@aws-sdk/client-organizations';
import {
  AcceptPortfolioShareCommand,
  CreatePortfolioShareCommand,
  DescribePortfolioSharesCommand,
  type DescribePortfolioShareType,
  ListAcceptedPortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffboardingResultDetail, OnboardingResultDetail } from '../../src/contracts/onboarding.js';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// Account moves, departures and member-side rejection on the local stack, with a policy of its own:
// pipelines go to the development OU, databases to production and to one named account (also once
// it has left), networking is not managed by the policy, and members reject what they are not entitled to.
const PIPELINES = 'port-cicdpipeline1';
const DATABASES = 'port-databases0001';
const NETWORKING = 'port-networkvpc001';
const DEVELOPMENT = 'ou-ex12-devwork1';
const SECURITY = 'ou-ex12-security';
const SANDBOX = 'ou-ex12-sandbox1';
const [AUDIT, DEV_PAYMENTS, DEV_WEB] = ['222222222222', '555555555555', '666666666666'] as const;

let e2e: E2eStack;
let serviceCatalog: ServiceCatalogClient;
let organizations: OrganizationsClient;

beforeAll(async () => {
  const policy = join(tmpdir(), `pso-lifecycle-policy-${process.pid}.yml`);
  writeFileSync(
    policy,
    [
      'version: 1',
      'settings: { allowEnableOrganizationsAccess: true, rejectUnentitledShares: true }',
      'portfolios:',
      `  - portfolioId: ${PIPELINES}`,
      `    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${DEVELOPMENT} }]`,
      `  - portfolioId: ${DATABASES}`,
      '    targets:',
      '      - { type: ORGANIZATIONAL_UNIT, id: ou-ex12-prodwork }',
      `      - { type: EXTERNAL_ACCOUNT, id: '${DEV_WEB}' }`,
    ].join('\n'),
  );
  e2e = await startE2eStack({ environment: { SHARING_POLICY_PATH: policy } });
  serviceCatalog = new ServiceCatalogClient(e2e.config);
  organizations = new OrganizationsClient(e2e.config);
}, 120_000);

afterAll(async () => {
  await e2e?.stack.close();
});

/** The recipients of a portfolio's shares of one DescribePortfolioShares type. */
const recipients = async (portfolioId: string, type: DescribePortfolioShareType) =>
  (
    (await serviceCatalog.send(new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: type }))).PortfolioShareDetails ?? []
  ).map((share) => share.PrincipalId);

const move = async (accountId: string, from: string, to: string) => {
  await organizations.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: from, DestinationParentId: to }));
  return e2e.stack.aws.events.waitFor(
    (event) =>
      event.detail.eventName === 'MoveAccount' &&
      (event.detail.requestParameters as { accountId?: string } | null)?.accountId === accountId,
    10_000,
  );
};

describe('account lifecycle on the local stack', () => {
  it('removes the account-level share of an account moved out of the entitled OU and lists it in the onboarding result', async () => {
    await serviceCatalog.send(
      new CreatePortfolioShareCommand({ PortfolioId: PIPELINES, OrganizationNode: { Type: 'ACCOUNT', Value: DEV_PAYMENTS } }),
    );
    expect(await recipients(PIPELINES, 'ORGANIZATION_MEMBER_ACCOUNT')).toEqual([DEV_PAYMENTS]);

    const moved = await move(DEV_PAYMENTS, DEVELOPMENT, SECURITY);
    const result = await e2e.resultOf(moved.id, 90_000);

    expect(result['detail-type']).toBe('Account Onboarding Succeeded');
    const detail = result.detail as unknown as OnboardingResultDetail;
    expect(detail.removedShares).toEqual([
      expect.objectContaining({
        portfolioId: PIPELINES,
        target: { type: 'ACCOUNT', id: DEV_PAYMENTS },
        outcome: 'SUCCEEDED',
        alreadyAbsent: false,
      }),
    ]);
    expect(await recipients(PIPELINES, 'ORGANIZATION_MEMBER_ACCOUNT')).toEqual([]);
    // The unshare workflow reported the removal too, under the id the onboarding result names.
    expect(e2e.results('Portfolio Unshare Succeeded', detail.removedShares[0]?.unshareRequestId)).toHaveLength(1);
  }, 120_000);

  it('rejects in a moved account the account shares it is offered or holds but is not entitled to', async () => {
    // Offered (not accepted) a policy portfolio it is not entitled to, and holding a portfolio the policy does not manage.
    await serviceCatalog.send(new CreatePortfolioShareCommand({ PortfolioId: PIPELINES, AccountId: AUDIT }));
    await serviceCatalog.send(new CreatePortfolioShareCommand({ PortfolioId: NETWORKING, AccountId: AUDIT }));
    const audit = await e2e.memberServiceCatalog(AUDIT);
    await audit.send(new AcceptPortfolioShareCommand({ PortfolioId: NETWORKING, PortfolioShareType: 'IMPORTED' }));

    const moved = await move(AUDIT, SECURITY, SANDBOX);
    const result = await e2e.resultOf(moved.id, 90_000);

    expect(result['detail-type']).toBe('Account Onboarding Succeeded');
    const detail = result.detail as unknown as OnboardingResultDetail;
    expect(detail.rejectedShares).toEqual(
      expect.arrayContaining([
        { portfolioId: NETWORKING, outcome: 'SUCCEEDED', failure: null },
        { portfolioId: PIPELINES, outcome: 'SUCCEEDED', failure: null },
      ]),
    );
    expect(detail.rejectedShares).toHaveLength(2);
    // The account rejected them itself: the hub unshared nothing.
    expect(detail.removedShares).toEqual([]);
    expect(await recipients(PIPELINES, 'ACCOUNT')).not.toContain(AUDIT);
    expect(await recipients(NETWORKING, 'ACCOUNT')).not.toContain(AUDIT);
    const { PortfolioDetails = [] } = await audit.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'IMPORTED' }));
    expect(PortfolioDetails).toEqual([]);
  }, 120_000);

  it('offboards an account removed from the organization: one Account Offboarding Succeeded naming what was removed and kept', async () => {
    await serviceCatalog.send(new CreatePortfolioShareCommand({ PortfolioId: PIPELINES, AccountId: DEV_WEB }));
    await serviceCatalog.send(new CreatePortfolioShareCommand({ PortfolioId: DATABASES, AccountId: DEV_WEB }));

    await organizations.send(new RemoveAccountFromOrganizationCommand({ AccountId: DEV_WEB }));
    const removed = await e2e.stack.aws.events.waitFor({ eventName: 'RemoveAccountFromOrganization' }, 10_000);
    // EventBridge delivers at least once: the same event again starts nothing new.
    e2e.stack.aws.events.publish(removed);
    const result = await e2e.resultOf(removed.id, 90_000);

    expect(result['detail-type']).toBe('Account Offboarding Succeeded');
    const detail = result.detail as unknown as OffboardingResultDetail;
    expect(detail).toMatchObject({
      accountId: DEV_WEB,
      eventName: 'RemoveAccountFromOrganization',
      removedShares: [{ portfolioId: PIPELINES, target: { type: 'EXTERNAL_ACCOUNT', id: DEV_WEB }, outcome: 'SUCCEEDED' }],
      keptShares: [
        {
          portfolioId: DATABASES,
          target: { type: 'EXTERNAL_ACCOUNT', id: DEV_WEB },
          entitledBy: { type: 'EXTERNAL_ACCOUNT', id: DEV_WEB },
        },
      ],
      failure: null,
    });
    expect(await recipients(PIPELINES, 'ACCOUNT')).not.toContain(DEV_WEB);
    expect(await recipients(DATABASES, 'ACCOUNT')).toContain(DEV_WEB);
    await e2e.stack.settle();
    expect(e2e.results('Account Offboarding Succeeded', removed.id)).toHaveLength(1);
    const { executions = [] } = await new SFNClient(e2e.config).send(
      new ListExecutionsCommand({ stateMachineArn: e2e.stack.stateMachineArns.onboardAccount }),
    );
    expect(executions.filter((execution) => execution.name === removed.id)).toHaveLength(1);
  }, 120_000);

  it('validates every event on the project bus against its schema and leaves nothing running', async () => {
    await e2e.expectCleanEnd();
  });
});
