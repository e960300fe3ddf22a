import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  AcceptPortfolioShareCommand,
  AssociatePrincipalWithPortfolioCommand,
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  InvalidStateException,
  ListPrincipalsForPortfolioCommand,
  ResourceNotFoundException,
  ServiceCatalogClient,
  ServiceCatalogServiceException,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useClock } from '../../src/clock.js';
import type { ShareWorkflowInput } from '../../src/contracts/share.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { API_CALLER, usePolicy } from '../support/policy.js';
import { expectValidResultEvent } from '../support/result-events.js';
import { retryBudget } from '../support/retry-budgets.js';
import { runWorkflow, totalTransitions } from '../support/workflow-harness.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
const outcomesTable = useOutcomesTable();
const eventBridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);

const PORTFOLIO = 'port-abcd1234efgh5';
const OU = 'ou-ab12-cdef3456';
const accounts = (count: number) => Array.from({ length: count }, (_, i) => String(210_000_000_000 + i));

const request = (overrides: Partial<ShareWorkflowInput> = {}): ShareWorkflowInput => ({
  requestId: 'req-1',
  portfolioId: PORTFOLIO,
  target: { type: 'ORGANIZATIONAL_UNIT', id: OU },
  requestedBy: API_CALLER,
  ...overrides,
});

/** The deployed policy the workflow's steps read: the portfolio shared with OU, and what a test adds. */
const policy = (options: { associatePrincipals?: string[]; allowEnableOrganizationsAccess?: boolean; external?: string } = {}) =>
  usePolicy({
    version: 1,
    settings: { allowEnableOrganizationsAccess: options.allowEnableOrganizationsAccess ?? false },
    portfolios: [
      {
        portfolioId: PORTFOLIO,
        associatePrincipals: options.associatePrincipals ?? [],
        targets: [{ type: 'ORGANIZATIONAL_UNIT', id: OU }],
        requests: { targets: options.external ? [{ type: 'EXTERNAL_ACCOUNT', id: options.external }] : [] },
      },
    ],
  });

const emitted = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};

beforeEach(() => {
  policy();
  serviceCatalog.reset();
  eventBridge.reset();
  sts.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
  serviceCatalog.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-1' });
  sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
});

describe('share-portfolio state machine', () => {
  it('polls an organization share through an unknown token and IN_PROGRESS to COMPLETED, then emits Succeeded', async () => {
    const shared = accounts(3);
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'token not found', $metadata: {} }))
      .resolvesOnce({ Status: 'NOT_STARTED' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: shared, ShareErrors: [] } });

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(4);
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)[0]?.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU },
      SharePrincipals: false,
      ShareTagOptions: false,
    });
    const [event] = emitted();
    expect(emitted()).toHaveLength(1);
    expect(event?.DetailType).toBe('Portfolio Share Succeeded');
    const detail = expectValidResultEvent(event);
    expect(detail).toMatchObject({
      requestId: 'req-1',
      outcome: 'SUCCEEDED',
      shareToken: 'share-token-1',
      sharedAccounts: shared,
      failedAccounts: [],
    });
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED' });
    // The await-share-action child polls, its wait doubling from the first check to the fourth.
    expect(run.children.flatMap((child) => child.entered).filter((name) => name === 'Lengthen poll wait')).toHaveLength(3);
  });

  it('retries InvalidStateException while another share action runs on the portfolio', async () => {
    serviceCatalog
      .on(CreatePortfolioShareCommand)
      .rejectsOnce(
        new InvalidStateException({ message: 'Cannot process more than one portfolio share action at the same time.', $metadata: {} }),
      )
      .rejectsOnce(
        new InvalidStateException({ message: 'Cannot process more than one portfolio share action at the same time.', $metadata: {} }),
      )
      .resolves({ PortfolioShareToken: 'share-token-2' });
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: accounts(1) } });

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(3);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', shareToken: 'share-token-2' });
  });

  it('counts Duplicate share errors as shared, shares throttled accounts again, and reports the rest as failed', async () => {
    const [ok, duplicate, throttled, denied] = accounts(4) as [string, string, string, string];
    serviceCatalog
      .on(CreatePortfolioShareCommand, { OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU } })
      .resolves({ PortfolioShareToken: 'share-ou' });
    serviceCatalog
      .on(CreatePortfolioShareCommand, { OrganizationNode: { Type: 'ACCOUNT', Value: throttled } })
      .resolves({ PortfolioShareToken: 'share-retry' });
    serviceCatalog.on(DescribePortfolioShareStatusCommand, { PortfolioShareToken: 'share-ou' }).resolves({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: {
        SuccessfulShares: [ok],
        ShareErrors: [
          { Accounts: [duplicate], Error: 'DuplicateResourceException', Message: 'already shared' },
          { Accounts: [throttled], Error: 'ThrottlingException', Message: 'Rate exceeded' },
          { Accounts: [denied], Error: 'AccessDeniedException', Message: 'account is suspended' },
        ],
      },
    });
    serviceCatalog.on(DescribePortfolioShareStatusCommand, { PortfolioShareToken: 'share-retry' }).resolves({
      Status: 'COMPLETED',
      ShareDetails: { SuccessfulShares: [throttled] },
    });

    const run = await runWorkflow('share-portfolio.asl.json', request());

    const detail = expectValidResultEvent(emitted()[0]);
    expect(emitted()[0]?.DetailType).toBe('Portfolio Share Partially Succeeded');
    expect(detail.sharedAccounts).toEqual(expect.arrayContaining([ok, duplicate, throttled]));
    expect(detail.failedAccounts).toEqual([{ accountId: denied, error: 'AccessDeniedException', message: 'account is suspended' }]);
    expect(run.entered).toContain('Share account again');
  });

  it('reports accounts still throttled after the bounded re-shares as failed', async () => {
    const [throttled] = accounts(1) as [string];
    const stillThrottled = {
      Status: 'COMPLETED_WITH_ERRORS' as const,
      ShareDetails: { ShareErrors: [{ Accounts: [throttled], Error: 'ThrottlingException', Message: 'Rate exceeded' }] },
    };
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves(stillThrottled);

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(run.entered.filter((name) => name === 'Share account again')).toHaveLength(3);
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail).toMatchObject({ outcome: 'FAILED', sharedAccounts: [] });
    expect(detail.failedAccounts[0]).toMatchObject({ accountId: throttled, error: 'ThrottlingException' });
  });

  it('associates IAM principals in member accounts and names the account whose member role is missing', async () => {
    const [good, noRole] = accounts(2) as [string, string];
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [good, noRole] } });
    sts
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${noRole}:role/PortfolioShareMemberRole-ShareAcceptance` })
      .rejects(Object.assign(new Error(`not authorized to perform: sts:AssumeRole`), { name: 'AccessDenied' }));

    policy({ associatePrincipals: ['role/Developer'] });
    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(AssociatePrincipalWithPortfolioCommand).map((call) => call.args[0].input)).toEqual([
      { PortfolioId: PORTFOLIO, PrincipalARN: `arn:aws:iam::${good}:role/Developer`, PrincipalType: 'IAM' },
    ]);
    expect(serviceCatalog.commandCalls(AcceptPortfolioShareCommand)).toHaveLength(0);
    // The member sessions name who asked, for the member account's CloudTrail, and use the acceptance duty's role.
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toContainEqual(
      expect.objectContaining({
        RoleArn: `arn:aws:iam::${good}:role/PortfolioShareMemberRole-ShareAcceptance`,
        SourceIdentity: 'PlatformTeam',
      }),
    );
    expect(emitted()[0]?.DetailType).toBe('Portfolio Share Partially Succeeded');
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail.sharedAccounts).toEqual([good]);
    expect(detail.failedAccounts).toEqual([expect.objectContaining({ accountId: noRole, error: 'MemberRoleUnavailableError' })]);
  });

  describe('with member calls that wait in simulated time', () => {
    beforeEach(() => useClock({ sleep: async () => {} }));
    afterEach(() => useClock(undefined));

    it('waits out a member account throttled within its budget and reports one throttled beyond it with its tries', async () => {
      const [recovers, throttled] = accounts(2) as [string, string];
      serviceCatalog
        .on(DescribePortfolioShareStatusCommand)
        .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [recovers, throttled] } });
      const rateExceeded = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      serviceCatalog
        .on(AssociatePrincipalWithPortfolioCommand, { PrincipalARN: `arn:aws:iam::${recovers}:role/Developer` })
        .rejectsOnce(rateExceeded())
        .rejectsOnce(rateExceeded())
        .resolves({});
      serviceCatalog
        .on(AssociatePrincipalWithPortfolioCommand, { PrincipalARN: `arn:aws:iam::${throttled}:role/Developer` })
        .rejects(rateExceeded());

      policy({ associatePrincipals: ['role/Developer'] });
      const run = await runWorkflow('share-portfolio.asl.json', request());

      expect(run.error).toBeUndefined();
      const tries = serviceCatalog
        .commandCalls(AssociatePrincipalWithPortfolioCommand)
        .filter((call) => call.args[0].input.PrincipalARN?.includes(throttled)).length;
      expect(emitted()[0]?.DetailType).toBe('Portfolio Share Partially Succeeded');
      const detail = expectValidResultEvent(emitted()[0]);
      expect(detail.sharedAccounts).toEqual([recovers]);
      expect(detail.failedAccounts).toEqual([
        { accountId: throttled, error: 'ThrottlingException', message: 'Rate exceeded', attempts: tries },
      ]);
    });
  });

  it('shares with an external account and accepts the IMPORTED share in it, without polling', async () => {
    const [external] = accounts(1) as [string];
    serviceCatalog.on(CreatePortfolioShareCommand).resolves({});

    policy({ external });
    const run = await runWorkflow('share-portfolio.asl.json', request({ target: { type: 'EXTERNAL_ACCOUNT', id: external } }));

    expect(serviceCatalog.commandCalls(GetAWSOrganizationsAccessStatusCommand)).toHaveLength(0);
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(0);
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)[0]?.args[0].input).toMatchObject({ AccountId: external });
    expect(serviceCatalog.commandCalls(AcceptPortfolioShareCommand)[0]?.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      PortfolioShareType: 'IMPORTED',
    });
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', sharedAccounts: [external], shareToken: null });
  });

  it('fails clearly when Organizations access is disabled and the policy does not allow enabling it', async () => {
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'DISABLED' });

    await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
    expect(serviceCatalog.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(0);
    expect(emitted()).toHaveLength(1);
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail.outcome).toBe('FAILED');
    expect(detail.failure).toMatchObject({ error: 'OrganizationsAccessDisabled' });
    expect(detail.failure?.message).toContain('DISABLED');
  });

  it('enables Organizations access when allowed and waits through UNDER_CHANGE', async () => {
    serviceCatalog
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolves({ AccessStatus: 'ENABLED' });
    serviceCatalog.on(EnableAWSOrganizationsAccessCommand).resolves({});
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: accounts(1) } });

    policy({ allowEnableOrganizationsAccess: true });
    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(1);
    expect(serviceCatalog.commandCalls(GetAWSOrganizationsAccessStatusCommand)).toHaveLength(4);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED' });
  });

  it('catches an unexpected error (unknown portfolio) and reports it in one Failed event', async () => {
    serviceCatalog
      .on(CreatePortfolioShareCommand)
      .rejects(new ResourceNotFoundException({ message: 'Portfolio port-abcd1234efgh5 not found', $metadata: {} }));

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(run.error).toBeUndefined();
    expect(emitted()).toHaveLength(1);
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail).toMatchObject({
      outcome: 'FAILED',
      failure: { error: 'ServiceCatalog.ResourceNotFoundException', message: 'Portfolio port-abcd1234efgh5 not found' },
    });
  });

  it('reports a share that ended in ERROR without account details as Failed', async () => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'ERROR' });

    await runWorkflow('share-portfolio.asl.json', request());

    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail).toMatchObject({ outcome: 'FAILED', failure: { error: 'PortfolioShareError' } });
  });
});

describe('share-portfolio under transient faults (docs/operations.md#retry-budgets)', () => {
  // Service Catalog's model defines no throttling error: the SDK raises its base exception, named by the code.
  const throttled = () =>
    new ServiceCatalogServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} });
  const underChange = () =>
    new InvalidStateException({ message: 'AWS Organizations access for Service Catalog is UNDER_CHANGE. Try again later.', $metadata: {} });
  /** A command's behaviour that fails its next `times` calls with `error`; what it answers after is set on the result. */
  const failing = <B extends { rejectsOnce: (error: Error) => unknown }>(behavior: B, times: number, error: () => Error): B => {
    for (let call = 0; call < times; call++) behavior.rejectsOnce(error());
    return behavior;
  };
  const shared = () =>
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: accounts(1) } });

  it('shares through throttling of CreatePortfolioShare that ends within its budget', async () => {
    const { tries } = retryBudget('ServiceCatalogThrottled');
    failing(serviceCatalog.on(CreatePortfolioShareCommand), tries - 1, throttled).resolves({ PortfolioShareToken: 'share-token-1' });
    shared();

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(tries);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', failure: null, sharedAccounts: accounts(1) });
  });

  it('fails once throttling outlasts the budget, counting the tries in the one result', async () => {
    const { tries } = retryBudget('ServiceCatalogThrottled');
    serviceCatalog.on(CreatePortfolioShareCommand).callsFake(() => Promise.reject(throttled()));

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(tries);
    expect(emitted()).toHaveLength(1);
    expect(emitted()[0]?.DetailType).toBe('Portfolio Share Failed');
    expect(expectValidResultEvent(emitted()[0]).failure).toEqual({
      error: 'ServiceCatalog.ServiceCatalogException',
      message: expect.stringContaining('Rate exceeded'),
      attempts: tries,
    });
  });

  it('waits out another share action on the portfolio for as long as its budget, then reports the tries', async () => {
    const { tries } = retryBudget('ServiceCatalogBusy');
    const busy = () =>
      new InvalidStateException({ message: 'Cannot process more than one portfolio share action at the same time.', $metadata: {} });
    serviceCatalog.on(CreatePortfolioShareCommand).callsFake(() => Promise.reject(busy()));

    await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(tries);
    expect(expectValidResultEvent(emitted()[0]).failure).toMatchObject({ error: 'ServiceCatalog.InvalidStateException', attempts: tries });
  });

  it('waits out Organizations access UNDER_CHANGE when another request enabled it first', async () => {
    const { tries } = retryBudget('ServiceCatalogBusy');
    serviceCatalog
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolves({ AccessStatus: 'ENABLED' });
    failing(serviceCatalog.on(EnableAWSOrganizationsAccessCommand), tries - 1, underChange).resolves({});
    shared();

    policy({ allowEnableOrganizationsAccess: true });
    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(tries);
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(1);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', failure: null });
  });

  it('follows a share whose status checks are throttled within the budget, and fails with the tries when they outlast it', async () => {
    const { tries } = retryBudget('ServiceCatalogThrottled');
    failing(serviceCatalog.on(DescribePortfolioShareStatusCommand), tries - 1, throttled).resolves({
      Status: 'COMPLETED',
      ShareDetails: { SuccessfulShares: accounts(1) },
    });
    expect((await runWorkflow('share-portfolio.asl.json', request())).output).toMatchObject({ outcome: 'SUCCEEDED' });

    serviceCatalog.reset();
    eventBridge.resetHistory();
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    serviceCatalog.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-1' });
    serviceCatalog.on(DescribePortfolioShareStatusCommand).callsFake(() => Promise.reject(throttled()));
    const run = await runWorkflow('share-portfolio.asl.json', request({ requestId: 'req-2' }));

    // The await-share-action child reports the check it could not make; the share fails with it.
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(tries);
    expect(run.output).toMatchObject({
      outcome: 'FAILED',
      shareToken: 'share-token-1',
      failure: { error: 'ServiceCatalog.ServiceCatalogException', attempts: tries },
    });
  });

  it('runs its authorize step again while the reads it makes are throttled, within the budget and beyond it', async () => {
    const { tries } = retryBudget('StepCallsFailed');
    usePolicy({
      version: 1,
      portfolios: [{ portfolioId: PORTFOLIO, sharePrincipals: true, targets: [{ type: 'ORGANIZATIONAL_UNIT', id: OU }] }],
    });
    // The function's own client: the SDK's tries are spent, so the step fails with the error's code as its name.
    const stepThrottled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    failing(serviceCatalog.on(ListPrincipalsForPortfolioCommand), tries - 1, stepThrottled).resolves({ Principals: [] });
    shared();

    const run = await runWorkflow('share-portfolio.asl.json', request());

    expect(run.entered.filter((name) => name === 'Authorize share')).toHaveLength(1);
    expect(serviceCatalog.commandCalls(ListPrincipalsForPortfolioCommand)).toHaveLength(tries);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', options: { sharePrincipals: true, shareTagOptions: false } });

    serviceCatalog.on(ListPrincipalsForPortfolioCommand).callsFake(() => Promise.reject(stepThrottled()));
    serviceCatalog.resetHistory();
    eventBridge.resetHistory();
    await runWorkflow('share-portfolio.asl.json', request({ requestId: 'req-2' }));

    expect(serviceCatalog.commandCalls(ListPrincipalsForPortfolioCommand)).toHaveLength(tries);
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
    expect(expectValidResultEvent(emitted()[0])).toMatchObject({
      outcome: 'FAILED',
      options: null,
      failure: { error: 'ThrottlingException', message: 'Rate exceeded', attempts: tries },
    });
  });
});

describe('share-portfolio authorization (the deployed policy decides)', () => {
  const expectRefused = (rule: string, requestedBy: unknown = API_CALLER) => {
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
    expect(serviceCatalog.commandCalls(AssociatePrincipalWithPortfolioCommand)).toHaveLength(0);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(emitted()).toHaveLength(1);
    expect(emitted()[0]?.DetailType).toBe('Portfolio Share Failed');
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail).toMatchObject({ outcome: 'FAILED', failure: { error: 'NotAuthorized' }, requestedBy, options: null });
    expect(detail.failure?.message).toContain(rule);
    return detail;
  };

  it('refuses a portfolio the policy does not list, sharing nothing', async () => {
    await runWorkflow('share-portfolio.asl.json', request({ portfolioId: 'port-databases0001' }));
    expectRefused('is not in the sharing policy');
  });

  it('refuses a target the policy does not list, and an option it does not let a request set', async () => {
    await runWorkflow('share-portfolio.asl.json', request({ target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' } }));
    expectRefused('portfolios[0].requests.targets');

    eventBridge.resetHistory();
    await runWorkflow('share-portfolio.asl.json', request({ requestId: 'req-2', sharePrincipals: true }));
    expectRefused('portfolios[0].requests.options does not include sharePrincipals');
  });

  it('refuses an account outside the organization unless the policy lists it', async () => {
    await runWorkflow('share-portfolio.asl.json', request({ target: { type: 'EXTERNAL_ACCOUNT', id: '999988887777' } }));
    expectRefused('must be listed by id');
  });

  it('refuses a direct StartExecution whose input sets the member actions, naming them', async () => {
    policy({ associatePrincipals: ['role/DatabaseAdmin'] });
    const forged = { ...request(), memberActions: { accept: false, iamPrincipals: ['role/OrganizationAccountAccessRole'] } };

    await runWorkflow('share-portfolio.asl.json', forged as ShareWorkflowInput);

    expectRefused('may not set memberActions');
  });

  it('refuses a requester of another account when no rule names it, and one no pattern matches', async () => {
    const outsider = {
      type: 'api' as const,
      principalArn: 'arn:aws:iam::210987654321:role/Developer',
      userArn: 'arn:aws:sts::210987654321:assumed-role/Developer/sam',
      accountId: '210987654321',
    };
    await runWorkflow('share-portfolio.asl.json', request({ requestedBy: outsider }));
    expectRefused('authorization.requesters.share is not set', outsider);

    usePolicy({
      version: 1,
      authorization: { requesters: { share: ['arn:aws:iam::123456789012:role/Platform*'] } },
      portfolios: [{ portfolioId: PORTFOLIO, targets: [{ type: 'ORGANIZATIONAL_UNIT', id: OU }] }],
    });
    eventBridge.resetHistory();
    const developer = { ...API_CALLER, principalArn: 'arn:aws:iam::123456789012:role/Developer' };
    await runWorkflow('share-portfolio.asl.json', request({ requestId: 'req-2', requestedBy: developer }));
    expectRefused('matches no pattern of authorization.requesters.share', developer);
  });

  it('records the options used, and warns when principal sharing exposes IAM_PATTERN principals', async () => {
    usePolicy({
      version: 1,
      portfolios: [{ portfolioId: PORTFOLIO, sharePrincipals: true, targets: [{ type: 'ORGANIZATIONAL_UNIT', id: OU }] }],
    });
    serviceCatalog.on(ListPrincipalsForPortfolioCommand).resolves({
      Principals: [
        { PrincipalARN: 'arn:aws:iam:::role/Developer*', PrincipalType: 'IAM_PATTERN' },
        { PrincipalARN: 'arn:aws:iam::123456789012:role/Admin', PrincipalType: 'IAM' },
      ],
    });
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: accounts(1) } });

    await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)[0]?.args[0].input).toMatchObject({ SharePrincipals: true });
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail.options).toEqual({ sharePrincipals: true, shareTagOptions: false });
    expect(detail.warnings).toEqual([expect.stringContaining('arn:aws:iam:::role/Developer*')]);
    expect(detail.requestedBy).toEqual(API_CALLER);
  });
});

describe('share-portfolio with principal sharing (SharePrincipals: organization and OU nodes only)', () => {
  const ACCOUNT = '210000000042';
  beforeEach(() => {
    usePolicy({
      version: 1,
      portfolios: [
        {
          portfolioId: PORTFOLIO,
          sharePrincipals: true,
          targets: [
            { type: 'ORGANIZATIONAL_UNIT', id: OU },
            { type: 'ACCOUNT', id: ACCOUNT },
          ],
        },
      ],
    });
    serviceCatalog.on(ListPrincipalsForPortfolioCommand).resolves({ Principals: [] });
  });

  it.each([
    ['leaves it to the policy', {}],
    ['says false', { sharePrincipals: false }],
  ])('shares a member account, without SharePrincipals, when the request %s', async (_name, options) => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [ACCOUNT] } });

    await runWorkflow('share-portfolio.asl.json', request({ target: { type: 'ACCOUNT', id: ACCOUNT }, ...options }));

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand).map((call) => call.args[0].input)).toEqual([
      { PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ACCOUNT', Value: ACCOUNT }, ShareTagOptions: false },
    ]);
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail).toMatchObject({ outcome: 'SUCCEEDED', sharedAccounts: [ACCOUNT], options: { sharePrincipals: false } });
  });

  it('shares an account throttled out of the OU share again as a member account node, without SharePrincipals', async () => {
    serviceCatalog
      .on(CreatePortfolioShareCommand, { OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU } })
      .resolves({ PortfolioShareToken: 'share-ou' })
      .on(CreatePortfolioShareCommand, { OrganizationNode: { Type: 'ACCOUNT', Value: ACCOUNT } })
      .resolves({ PortfolioShareToken: 'share-retry' });
    serviceCatalog.on(DescribePortfolioShareStatusCommand, { PortfolioShareToken: 'share-ou' }).resolves({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: { ShareErrors: [{ Accounts: [ACCOUNT], Error: 'ThrottlingException', Message: 'Rate exceeded' }] },
    });
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand, { PortfolioShareToken: 'share-retry' })
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [ACCOUNT] } });

    await runWorkflow('share-portfolio.asl.json', request());

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand).map((call) => call.args[0].input)).toEqual([
      {
        PortfolioId: PORTFOLIO,
        OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU },
        SharePrincipals: true,
        ShareTagOptions: false,
      },
      { PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ACCOUNT', Value: ACCOUNT }, ShareTagOptions: false },
    ]);
    expect(expectValidResultEvent(emitted()[0])).toMatchObject({ outcome: 'SUCCEEDED', sharedAccounts: [ACCOUNT] });
  });

  it('refuses a direct StartExecution asking principal sharing for a member account', async () => {
    await runWorkflow('share-portfolio.asl.json', request({ target: { type: 'ACCOUNT', id: ACCOUNT }, sharePrincipals: true }));

    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
    const detail = expectValidResultEvent(emitted()[0]);
    expect(detail).toMatchObject({ outcome: 'FAILED', failure: { error: 'ValidationError' } });
    expect(detail.failure?.message).toContain('sharePrincipals: applies only to ORGANIZATION and ORGANIZATIONAL_UNIT targets');
  });
});

describe('share-portfolio cost per account', () => {
  // Member actions run in batches, so a large OU costs a few transitions per batch, not per account.
  it.each([1, 100, 5_000])(
    'shares with an OU of %i accounts, with member actions, far below the history limit',
    async (count) => {
      const shared = accounts(count);
      serviceCatalog
        .on(DescribePortfolioShareStatusCommand)
        .resolvesOnce({ Status: 'IN_PROGRESS' })
        .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: shared } });
      serviceCatalog.on(AssociatePrincipalWithPortfolioCommand).resolves({});

      policy({ associatePrincipals: ['role/Developer'] });
      const run = await runWorkflow('share-portfolio.asl.json', request());

      const detail = expectValidResultEvent(emitted()[0]);
      expect(detail).toMatchObject({ sharedAccountCount: count, failedAccountCount: 0, truncated: count > 1_000 });
      expect(detail.sharedAccounts).toHaveLength(Math.min(count, 1_000));
      expect(await outcomesTable.shareOutcomes('req-1')).toHaveLength(count);
      expect(serviceCatalog.commandCalls(AssociatePrincipalWithPortfolioCommand)).toHaveLength(count);
      const batches = Math.ceil(count / 100);
      // A fixed 17 (prepare, the refusal check, authorize, access check, create, wait for the share, evaluate, Map, summarise, emit,
      // finish) plus one a batch; the share's two status checks run in one await-share-action child of 9 (before the child, they were
      // 20 + one a batch in one execution, before the refusal check).
      expect(run.transitions).toBe(17 + batches);
      expect(run.children.map((child) => child.transitions)).toEqual([9]);
      expect(totalTransitions(run)).toBe(26 + batches);
      expect(run.historyEvents).toBeLessThan(25_000 / 20);
      console.info(
        `share to ${count} accounts: ${totalTransitions(run)} state transitions (${(totalTransitions(run) / count).toFixed(3)} per account) in ${1 + run.children.length} executions, ~${run.historyEvents} history events in the share`,
      );
    },
    120_000,
  );
});
