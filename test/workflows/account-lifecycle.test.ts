import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AssociatePrincipalWithPortfolioCommand,
  DeletePortfolioShareCommand,
  DescribePortfolioCommand,
  DescribePortfolioSharesCommand,
  ListAcceptedPortfolioSharesCommand,
  RejectPortfolioShareCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { OffboardingResultDetail, OnboardingResultDetail, OnboardingWorkflowInput } from '../../src/contracts/onboarding.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { expectValidResultEvent } from '../support/result-events.js';
import { ACCOUNT as HUB, runWorkflow } from '../support/workflow-harness.js';

// The onboard-account definition on account events that remove shares: moves, departures, rejection.
const organizations = mockClient(OrganizationsClient);
// The share and unshare steps keep their account outcomes in the outcomes table.
useOutcomesTable();
const serviceCatalog = mockClient(ServiceCatalogClient);
const eventBridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);

const FILE = 'onboard-account.asl.json';
const ACCOUNT = '210987654321';
const ORGANIZATION = 'o-a1b2c3d4e5';
const WORKLOADS = 'ou-ab12-workload';
const SANDBOX = 'ou-ab12-sandbox1';
const PIPELINES = 'port-pipelines0001';
const PARTNERS = 'port-partners00001';
const SANDBOXES = 'port-sandboxes0001';

const writePolicy = (settings: string) => {
  const path = join(tmpdir(), `lifecycle-policy-${process.pid}-${settings ? 'reject' : 'plain'}.yml`);
  writeFileSync(
    path,
    [
      'version: 1',
      settings,
      'portfolios:',
      `  - portfolioId: ${PIPELINES}`,
      `    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${WORKLOADS} }]`,
      `  - portfolioId: ${PARTNERS}`,
      `    targets: [{ type: EXTERNAL_ACCOUNT, id: '${ACCOUNT}' }]`,
      `  - portfolioId: ${SANDBOXES}`,
      '    associatePrincipals: [role/SandboxAdmin]',
      `    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${SANDBOX} }]`,
    ].join('\n'),
  );
  return path;
};
const PLAIN_POLICY = writePolicy('');
const REJECTING_POLICY = writePolicy('settings: { rejectUnentitledShares: true }');
const previousPolicy = process.env.SHARING_POLICY_PATH;
afterAll(() => {
  process.env.SHARING_POLICY_PATH = previousPolicy;
});

const input = (membership: 'MEMBER' | 'DEPARTED', eventName: OnboardingWorkflowInput['trigger']['eventName']): OnboardingWorkflowInput => ({
  requestId: 'event-7',
  accountId: ACCOUNT,
  trigger: { source: 'aws.organizations', eventName, eventId: 'event-7', time: '2026-11-21T10:00:00Z' },
  membership,
  requestedBy: { type: 'event', accountId: '123456789012', source: 'aws.organizations', eventId: 'event-7' },
});
const moved = input('MEMBER', 'MoveAccount');
const removed = input('DEPARTED', 'RemoveAccountFromOrganization');

const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};

const emitted = (prefix: string) =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .filter((entry) => entry.DetailType?.startsWith(prefix));

/** The run's one account result event, checked against its JSON Schema. */
const onlyResult = <D extends OnboardingResultDetail | OffboardingResultDetail>(prefix: 'Account Onboarding' | 'Account Offboarding') => {
  const entries = emitted('Account ');
  expect(entries).toHaveLength(1);
  expect(entries[0]?.DetailType?.startsWith(prefix)).toBe(true);
  return { detailType: entries[0]?.DetailType, detail: expectValidResultEvent(entries[0]) as unknown as D };
};

const shares = (portfolioId: string, type: string, details: { PrincipalId: string; Accepted?: boolean }[]) =>
  serviceCatalog
    .on(DescribePortfolioSharesCommand, { PortfolioId: portfolioId, Type: type as never })
    .resolves({ PortfolioShareDetails: details.map((detail) => ({ Accepted: true, ...detail, Type: type as never })) });

/** The unshare child execution, replaced: records its input and answers with the given outcome. */
const unshareChild = (
  runs: unknown[],
  answer: (input: { portfolioId: string }) => object = () => ({ outcome: 'SUCCEEDED', alreadyAbsent: false, failure: null }),
) => ({
  'Unshare portfolio from the account': async (task: unknown) => {
    const { Input } = task as { Input: { portfolioId: string } };
    runs.push(Input);
    return { Status: 'SUCCEEDED', Output: answer(Input) };
  },
});

beforeEach(() => {
  process.env.SHARING_POLICY_PATH = PLAIN_POLICY;
  for (const mock of [organizations, serviceCatalog, eventBridge, sts]) mock.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORGANIZATION } });
  // The account was moved from the workloads OU into the sandbox OU.
  organizations.on(ListParentsCommand, { ChildId: ACCOUNT }).resolves({ Parents: [{ Id: SANDBOX, Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: SANDBOX }).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
  serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
  shares(SANDBOXES, 'ORGANIZATIONAL_UNIT', [{ PrincipalId: SANDBOX }]);
  shares(PIPELINES, 'ORGANIZATIONAL_UNIT', [{ PrincipalId: WORKLOADS }]);
  shares(PIPELINES, 'ORGANIZATION_MEMBER_ACCOUNT', [{ PrincipalId: ACCOUNT }]);
  shares(PARTNERS, 'ACCOUNT', [{ PrincipalId: ACCOUNT }]);
  serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).resolves({});
  sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
});

describe('account moved out of an entitled OU', () => {
  it('removes its account-level share through an unshare child execution and reports it with the onboarding', async () => {
    const unshares: unknown[] = [];

    const run = await runWorkflow(FILE, moved, { overrides: unshareChild(unshares) });

    expect(run.error).toBeUndefined();
    expect(unshares).toEqual([
      {
        requestId: `event-7-${PIPELINES}-unshare-account`,
        portfolioId: PIPELINES,
        target: { type: 'ACCOUNT', id: ACCOUNT },
        requestedBy: { type: 'workflow', workflow: 'onboard-account', requestId: 'event-7' },
      },
    ]);
    const { detailType, detail } = onlyResult<OnboardingResultDetail>('Account Onboarding');
    expect(detailType).toBe('Account Onboarding Succeeded');
    expect(detail.removedShares).toEqual([
      {
        portfolioId: PIPELINES,
        target: { type: 'ACCOUNT', id: ACCOUNT },
        outcome: 'SUCCEEDED',
        alreadyAbsent: false,
        unshareRequestId: `event-7-${PIPELINES}-unshare-account`,
        failure: null,
      },
    ]);
    // The new OU's portfolio is still onboarded, and nothing is rejected when the policy does not ask for it.
    expect(detail.portfolios.map((portfolio) => [portfolio.portfolioId, portfolio.action, portfolio.outcome])).toEqual([
      [PARTNERS, 'MEMBER_ACTIONS', 'SUCCEEDED'],
      [SANDBOXES, 'MEMBER_ACTIONS', 'SUCCEEDED'],
    ]);
    expect(detail.rejectedShares).toEqual([]);
    expect(serviceCatalog.commandCalls(ListAcceptedPortfolioSharesCommand)).toHaveLength(0);
  });

  it('reports a removal whose unshare failed, or whose child execution failed, and fails the onboarding', async () => {
    shares(SANDBOXES, 'ORGANIZATION_MEMBER_ACCOUNT', [{ PrincipalId: ACCOUNT }]);
    shares(PIPELINES, 'ACCOUNT', [{ PrincipalId: ACCOUNT, Accepted: false }]);
    const run = await runWorkflow(FILE, moved, {
      overrides: {
        'Unshare portfolio from the account': async (task) => {
          const { Input } = task as { Input: { target: { type: string } } };
          if (Input.target.type === 'EXTERNAL_ACCOUNT')
            throw Object.assign(new Error('child execution failed'), { name: 'States.TaskFailed' });
          return {
            Status: 'SUCCEEDED',
            Output: {
              outcome: 'FAILED',
              alreadyAbsent: false,
              failure: { error: 'ServiceCatalog.InvalidStateException', message: 'busy' },
            },
          };
        },
      },
    });

    expect(run.error).toBeUndefined();
    const { detailType, detail } = onlyResult<OnboardingResultDetail>('Account Onboarding');
    expect(detailType).toBe('Account Onboarding Failed');
    expect(detail.removedShares.map((share) => [share.portfolioId, share.target.type, share.outcome, share.failure?.error])).toEqual([
      [PIPELINES, 'ACCOUNT', 'FAILED', 'ServiceCatalog.InvalidStateException'],
      [PIPELINES, 'EXTERNAL_ACCOUNT', 'FAILED', 'States.TaskFailed'],
    ]);
    // Still entitled in its new OU: the organization-member-account share of the sandbox portfolio stays.
    expect(detail.removedShares.some((share) => share.portfolioId === SANDBOXES)).toBe(false);
    expect(detail.portfolios.every((portfolio) => portfolio.outcome === 'SUCCEEDED')).toBe(true);
  });

  it('rejects in the account the imported shares and offers the policy does not entitle it to, when the policy says so', async () => {
    process.env.SHARING_POLICY_PATH = REJECTING_POLICY;
    shares(PIPELINES, 'ACCOUNT', [{ PrincipalId: ACCOUNT, Accepted: false }]);
    serviceCatalog.on(ListAcceptedPortfolioSharesCommand).resolves({ PortfolioDetails: [{ Id: PARTNERS }, { Id: 'port-vendor000001' }] });
    serviceCatalog.on(RejectPortfolioShareCommand).resolves({});
    const unshares: { target: { type: string } }[] = [];

    const run = await runWorkflow(FILE, moved, { overrides: unshareChild(unshares) });

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(RejectPortfolioShareCommand).map((call) => call.args[0].input)).toEqual([
      { PortfolioId: 'port-vendor000001', PortfolioShareType: 'IMPORTED' },
      { PortfolioId: PIPELINES, PortfolioShareType: 'IMPORTED' },
    ]);
    // The hub removes only what the account cannot reject: the organization-member-account share.
    expect(unshares.map((unshare) => unshare.target.type)).toEqual(['ACCOUNT']);
    const { detail } = onlyResult<OnboardingResultDetail>('Account Onboarding');
    expect(detail.rejectedShares).toEqual([
      { portfolioId: 'port-vendor000001', outcome: 'SUCCEEDED', failure: null },
      { portfolioId: PIPELINES, outcome: 'SUCCEEDED', failure: null },
    ]);
    expect(detail.outcome).toBe('SUCCEEDED');
  });
});

describe('account that left the organization', () => {
  beforeEach(() => {
    organizations.on(ListParentsCommand, { ChildId: ACCOUNT }).rejects(
      Object.assign(new Error("We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."), {
        name: 'ChildNotFoundException',
      }),
    );
  });

  it('ends in one Account Offboarding Succeeded naming what was removed and what an EXTERNAL_ACCOUNT target keeps', async () => {
    const unshares: unknown[] = [];

    const run = await runWorkflow(FILE, removed, { overrides: unshareChild(unshares) });

    expect(run.error).toBeUndefined();
    expect(unshares).toHaveLength(1);
    const { detailType, detail } = onlyResult<OffboardingResultDetail>('Account Offboarding');
    expect(detailType).toBe('Account Offboarding Succeeded');
    expect(detail).toMatchObject({
      requestId: 'event-7',
      accountId: ACCOUNT,
      eventName: 'RemoveAccountFromOrganization',
      removedShares: [{ portfolioId: PIPELINES, target: { type: 'ACCOUNT', id: ACCOUNT }, outcome: 'SUCCEEDED' }],
      keptShares: [
        { portfolioId: PARTNERS, target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT }, entitledBy: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT } },
      ],
      failure: null,
    });
    // Nothing is shared with, or done in, an account that has left.
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(run.entered).not.toContain('Share portfolio with entitled target');
  });

  it('runs the real unshare workflow as its child and reports the share it deleted', async () => {
    shares(PIPELINES, 'ORGANIZATION_MEMBER_ACCOUNT', []);
    shares(PARTNERS, 'ACCOUNT', []);
    shares(PIPELINES, 'ACCOUNT', [{ PrincipalId: ACCOUNT }]);
    serviceCatalog.on(DeletePortfolioShareCommand).resolves({});
    serviceCatalog
      .on(DescribePortfolioCommand)
      .resolves({ PortfolioDetail: { Id: PIPELINES, ARN: `arn:aws:catalog:us-east-1:${HUB}:portfolio/${PIPELINES}` } });

    const run = await runWorkflow(FILE, removed);

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(DeletePortfolioShareCommand).map((call) => call.args[0].input)).toEqual([
      { PortfolioId: PIPELINES, AccountId: ACCOUNT },
    ]);
    expect(emitted('Portfolio Unshare').map((entry) => entry.DetailType)).toEqual(['Portfolio Unshare Succeeded']);
    const { detail } = onlyResult<OffboardingResultDetail>('Account Offboarding');
    expect(detail.removedShares).toEqual([
      {
        portfolioId: PIPELINES,
        target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT },
        outcome: 'SUCCEEDED',
        alreadyAbsent: false,
        unshareRequestId: `event-7-${PIPELINES}-unshare-external-account`,
        failure: null,
      },
    ]);
  });

  it('still emits one Account Offboarding Failed when the summary itself fails', async () => {
    const run = await runWorkflow(FILE, removed, {
      overrides: {
        ...unshareChild([]),
        'Summarise onboarding': async () => {
          throw Object.assign(new Error('summary broke'), { name: 'Lambda.ServiceException' });
        },
      },
    });

    expect(run.error?.message).toMatch(/could not be summarised/);
    const { detailType, detail } = onlyResult<OffboardingResultDetail>('Account Offboarding');
    expect(detailType).toBe('Account Offboarding Failed');
    expect(detail).toMatchObject({
      accountId: ACCOUNT,
      eventName: 'RemoveAccountFromOrganization',
      failure: { error: 'Lambda.ServiceException' },
    });
  });

  it('falls back to Account Onboarding Failed when the request does not even say whether the account left', async () => {
    const { membership: _membership, ...malformed } = removed;

    const run = await runWorkflow(FILE, malformed);

    expect(run.error?.message).toMatch(/could not be summarised/);
    expect(onlyResult<OnboardingResultDetail>('Account Onboarding').detailType).toBe('Account Onboarding Failed');
  });
});
