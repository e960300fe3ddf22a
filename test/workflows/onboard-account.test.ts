import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AssociatePrincipalWithPortfolioCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OnboardingResultDetail } from '../../src/contracts/onboarding.js';
import { expectValidEvent } from '../support/result-events.js';
import { runWorkflow } from '../support/workflow-harness.js';

const organizations = mockClient(OrganizationsClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const eventBridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);

const ACCOUNT = '210987654321';
const PARENT_OU = 'ou-ab12-parent01';
const CHILD_OU = 'ou-ab12-child001';
const NETWORKING = 'port-networking0001';
const DATA = 'port-dataplatform01';

beforeAll(() => {
  const policyPath = join(tmpdir(), `onboarding-policy-${process.pid}.yml`);
  writeFileSync(
    policyPath,
    [
      'version: 1',
      'portfolios:',
      `  - portfolioId: ${NETWORKING}`,
      '    associatePrincipals: [role/NetworkAdmin]',
      `    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${PARENT_OU} }]`,
      `  - portfolioId: ${DATA}`,
      `    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${CHILD_OU} }]`,
      '  - portfolioId: port-elsewhere00001',
      '    targets: [{ type: ORGANIZATIONAL_UNIT, id: ou-zz99-otherou1 }]',
    ].join('\n'),
  );
  process.env.SHARING_POLICY_PATH = policyPath;
});

const onboardingInput = {
  requestId: 'event-1',
  accountId: ACCOUNT,
  trigger: {
    source: 'aws.organizations',
    eventName: 'MoveAccount',
    eventId: 'event-1',
    time: '2026-11-21T10:00:00Z',
    destinationParentId: CHILD_OU,
  },
  membership: 'MEMBER',
  requestedBy: { type: 'event', accountId: '123456789012', source: 'aws.organizations', eventId: 'event-1' },
};

const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};

const onboardingEvents = () =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .filter((entry) => entry.DetailType?.startsWith('Account Onboarding'));

const onlyResult = (): OnboardingResultDetail => {
  const events = onboardingEvents();
  expect(events).toHaveLength(1);
  const detail = JSON.parse(events[0]?.Detail ?? '{}') as OnboardingResultDetail;
  expectValidEvent({ source: events[0]?.Source ?? '', 'detail-type': events[0]?.DetailType ?? '', detail });
  return detail;
};

beforeEach(() => {
  for (const mock of [organizations, serviceCatalog, eventBridge, sts]) mock.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-a1b2c3d4e5' } });
  organizations.on(ListParentsCommand, { ChildId: ACCOUNT }).resolves({ Parents: [{ Id: CHILD_OU, Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: CHILD_OU }).resolves({ Parents: [{ Id: PARENT_OU, Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: PARENT_OU }).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
  serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
  serviceCatalog
    .on(DescribePortfolioSharesCommand, { PortfolioId: NETWORKING, Type: 'ORGANIZATIONAL_UNIT' })
    .resolves({ PortfolioShareDetails: [{ PrincipalId: PARENT_OU, Type: 'ORGANIZATIONAL_UNIT' }] });
  serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).resolves({});
  sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
});

describe('onboard-account state machine', () => {
  it('uses an existing parent-OU share (member actions only) and shares the portfolio no share covers yet', async () => {
    const childRuns: unknown[] = [];
    const run = await runWorkflow('onboard-account.asl.json', onboardingInput, {
      overrides: {
        'Share portfolio with entitled target': async (input) => {
          const { Input } = input as { Input: { requestId: string; target: unknown } };
          childRuns.push(Input);
          return { Output: { outcome: 'SUCCEEDED', failure: null, failedAccounts: [], sharedAccounts: [ACCOUNT] }, Status: 'SUCCEEDED' };
        },
      },
    });

    expect(run.error).toBeUndefined();
    expect(childRuns).toEqual([
      expect.objectContaining({
        requestId: `event-1-${DATA}`,
        target: { type: 'ORGANIZATIONAL_UNIT', id: CHILD_OU },
        requestedBy: { type: 'workflow', workflow: 'onboard-account', requestId: 'event-1' },
      }),
    ]);
    expect(serviceCatalog.commandCalls(AssociatePrincipalWithPortfolioCommand).map((call) => call.args[0].input.PrincipalARN)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/NetworkAdmin`,
    ]);
    const detail = onlyResult();
    expect(detail.outcome).toBe('SUCCEEDED');
    expect(detail.organizationalUnitPath).toEqual(['r-ab12', PARENT_OU, CHILD_OU]);
    expect(detail.portfolios).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          portfolioId: NETWORKING,
          action: 'MEMBER_ACTIONS',
          coveredBy: { type: 'ORGANIZATIONAL_UNIT', id: PARENT_OU },
          outcome: 'SUCCEEDED',
        }),
        expect.objectContaining({ portfolioId: DATA, action: 'SHARED', shareRequestId: `event-1-${DATA}`, outcome: 'SUCCEEDED' }),
      ]),
    );
    expect(detail.portfolios).toHaveLength(2);
  });

  it('retries AssumeRole access-denied until the new account has its member role', async () => {
    serviceCatalog
      .on(DescribePortfolioSharesCommand, { PortfolioId: DATA, Type: 'ORGANIZATIONAL_UNIT' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: CHILD_OU, Type: 'ORGANIZATIONAL_UNIT' }] });
    // A fresh account: the function caches member sessions per account for the life of its container.
    const newAccount = '210987654399';
    organizations.on(ListParentsCommand, { ChildId: newAccount }).resolves({ Parents: [{ Id: CHILD_OU, Type: 'ORGANIZATIONAL_UNIT' }] });
    const denied = Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(denied)
      .rejectsOnce(denied)
      .rejectsOnce(denied)
      .rejectsOnce(denied)
      .resolves({ Credentials: credentials });

    const run = await runWorkflow('onboard-account.asl.json', { ...onboardingInput, accountId: newAccount });

    // Three tries inside the first invocation, then the state machine's Retry invokes it again.
    expect(run.error).toBeUndefined();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(5);
    expect(serviceCatalog.commandCalls(AssociatePrincipalWithPortfolioCommand)).toHaveLength(1);
    expect(onlyResult().outcome).toBe('SUCCEEDED');
  });

  it('ends in one Account Onboarding Failed event naming the cause when the account cannot be placed', async () => {
    organizations
      .on(ListParentsCommand, { ChildId: ACCOUNT })
      .rejects(Object.assign(new Error('account 210987654321 not found'), { name: 'ChildNotFoundException' }));

    const run = await runWorkflow('onboard-account.asl.json', onboardingInput);

    expect(run.error).toBeUndefined();
    const detail = onlyResult();
    expect(detail.outcome).toBe('FAILED');
    expect(detail.failure).toMatchObject({ error: 'ChildNotFoundException', message: 'account 210987654321 not found' });
  });

  it('reports a portfolio whose share workflow failed, and fails the onboarding', async () => {
    const run = await runWorkflow('onboard-account.asl.json', onboardingInput, {
      overrides: {
        'Share portfolio with entitled target': async () => ({
          Output: {
            outcome: 'FAILED',
            failure: { error: 'OrganizationsAccessDisabled', message: 'access is DISABLED' },
            failedAccounts: [],
            sharedAccounts: [],
          },
        }),
      },
    });

    expect(run.error).toBeUndefined();
    const detail = onlyResult();
    expect(detail.outcome).toBe('FAILED');
    expect(detail.portfolios.find((p) => p.portfolioId === DATA)).toMatchObject({
      outcome: 'FAILED',
      failure: { error: 'OrganizationsAccessDisabled' },
    });
    expect(detail.portfolios.find((p) => p.portfolioId === NETWORKING)).toMatchObject({ outcome: 'SUCCEEDED' });
  });
});
