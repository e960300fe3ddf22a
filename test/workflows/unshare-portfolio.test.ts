import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DeletePortfolioShareCommand,
  DescribePortfolioCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  InvalidStateException,
  OperationNotSupportedException,
  ResourceNotFoundException,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { UnshareResultDetail, UnshareWorkflowInput } from '../../src/contracts/unshare.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { API_CALLER, usePolicy } from '../support/policy.js';
import { expectValidResultEvent } from '../support/result-events.js';
import { retryBudget } from '../support/retry-budgets.js';
import { ACCOUNT, runWorkflow } from '../support/workflow-harness.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
// The unshare summary keeps its account outcomes in the outcomes table.
useOutcomesTable();
const organizations = mockClient(OrganizationsClient);
const eventBridge = mockClient(EventBridgeClient);

const FILE = 'unshare-portfolio.asl.json';
const PORTFOLIO = 'port-abcd1234efgh5';
const ORG = 'o-abcdefghij';
const ROOT = 'r-ab12';
const OU = 'ou-ab12-cdef3456';
const NESTED = 'ou-ab12-nested12';
const [DIRECT, DEEP, EXTERNAL] = ['210000000001', '210000000002', '999988887777'] as const;

const request = (overrides: Partial<UnshareWorkflowInput> = {}): UnshareWorkflowInput => ({
  requestId: 'unshare-1',
  portfolioId: PORTFOLIO,
  target: { type: 'ORGANIZATIONAL_UNIT', id: OU },
  requestedBy: API_CALLER,
  ...overrides,
});

// The deployed policy manages the portfolio; any of its shares may be removed by a hub principal.
beforeEach(() => {
  usePolicy({ version: 1, portfolios: [{ portfolioId: PORTFOLIO, targets: [{ type: 'ORGANIZATIONAL_UNIT', id: OU }] }] });
});

const emitted = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

/** The one result event of the run, checked against its JSON Schema. */
const onlyResult = (): { detailType: string | undefined; detail: UnshareResultDetail } => {
  expect(emitted()).toHaveLength(1);
  const [entry] = emitted();
  return { detailType: entry?.DetailType, detail: expectValidResultEvent(entry) as unknown as UnshareResultDetail };
};

const shares = (type: string, principalIds: string[], accepted = true) =>
  serviceCatalog.on(DescribePortfolioSharesCommand, { Type: type as never }).resolves({
    PortfolioShareDetails: principalIds.map((PrincipalId) => ({ PrincipalId, Type: type as never, Accepted: accepted })),
  });

beforeEach(() => {
  serviceCatalog.reset();
  organizations.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
  serviceCatalog
    .on(DescribePortfolioCommand)
    .resolves({ PortfolioDetail: { Id: PORTFOLIO, ARN: `arn:aws:catalog:us-east-1:${ACCOUNT}:portfolio/${PORTFOLIO}` } });
  serviceCatalog.on(DeletePortfolioShareCommand).resolves({ PortfolioShareToken: 'delete-token-1' });
  // The target OU holds the portfolio's owner and one account, and a nested OU with another account.
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
  organizations.on(ListParentsCommand, { ChildId: OU }).resolves({ Parents: [{ Id: ROOT, Type: 'ROOT' }] });
  organizations.on(ListAccountsForParentCommand, { ParentId: OU }).resolves({ Accounts: [{ Id: ACCOUNT }, { Id: DIRECT }] });
  organizations.on(ListAccountsForParentCommand, { ParentId: NESTED }).resolves({ Accounts: [{ Id: DEEP }] });
  organizations.on(ListOrganizationalUnitsForParentCommand, { ParentId: OU }).resolves({ OrganizationalUnits: [{ Id: NESTED }] });
  organizations.on(ListOrganizationalUnitsForParentCommand, { ParentId: NESTED }).resolves({ OrganizationalUnits: [] });
});

describe('unshare-portfolio state machine', () => {
  it('succeeds without deleting anything when the target is not shared, and says so', async () => {
    shares('ORGANIZATIONAL_UNIT', ['ou-ab12-otherou12']);

    const run = await runWorkflow(FILE, request());

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(DeletePortfolioShareCommand)).toHaveLength(0);
    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Succeeded');
    expect(detail).toMatchObject({
      outcome: 'SUCCEEDED',
      alreadyAbsent: true,
      unsharedAccounts: [],
      failedAccounts: [],
      shareToken: null,
      stillVisibleTo: [],
    });
    expect(run.output).toEqual(detail);
  });

  it('deletes an OU share and polls its token through unknown and IN_PROGRESS to COMPLETED', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'token not found', $metadata: {} }))
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [DIRECT, DEEP], ShareErrors: [] } });

    const run = await runWorkflow(FILE, request());

    expect(serviceCatalog.commandCalls(DeletePortfolioShareCommand).map((call) => call.args[0].input)).toEqual([
      { PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU } },
    ]);
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(3);
    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Succeeded');
    expect(detail).toMatchObject({
      requestId: 'unshare-1',
      outcome: 'SUCCEEDED',
      alreadyAbsent: false,
      shareToken: 'delete-token-1',
      unsharedAccounts: [DIRECT, DEEP],
      failedAccounts: [],
      stillVisibleTo: [],
      stillVisibleCount: 0,
      failure: null,
    });
    expect(run.output).toEqual(detail);
  });

  it('reports the accounts of a delete that completed with errors as failed', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: {
        SuccessfulShares: [DIRECT],
        ShareErrors: [{ Accounts: [DEEP], Error: 'AccessDeniedException', Message: 'account is suspended' }],
      },
    });

    await runWorkflow(FILE, request());

    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Failed');
    expect(detail).toMatchObject({
      outcome: 'FAILED',
      unsharedAccounts: [DIRECT],
      failedAccounts: [{ accountId: DEEP, error: 'AccessDeniedException', message: 'account is suspended' }],
    });
  });

  it('retries InvalidStateException while another share action runs on the portfolio', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    const busy = () =>
      new InvalidStateException({ message: 'Cannot process more than one portfolio share action at the same time.', $metadata: {} });
    serviceCatalog
      .on(DeletePortfolioShareCommand)
      .rejectsOnce(busy())
      .rejectsOnce(busy())
      .resolves({ PortfolioShareToken: 'delete-token-2' });
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [DIRECT] } });

    const run = await runWorkflow(FILE, request());

    expect(serviceCatalog.commandCalls(DeletePortfolioShareCommand)).toHaveLength(3);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', shareToken: 'delete-token-2', unsharedAccounts: [DIRECT] });
    expect(onlyResult().detailType).toBe('Portfolio Unshare Succeeded');
  });

  it('deletes an account share by AccountId, without polling', async () => {
    shares('ACCOUNT', [EXTERNAL], false);
    serviceCatalog.on(DeletePortfolioShareCommand).resolves({});
    organizations
      .on(ListParentsCommand, { ChildId: EXTERNAL })
      .rejects(Object.assign(new Error('not in the organization'), { name: 'ChildNotFoundException' }));

    const run = await runWorkflow(FILE, request({ target: { type: 'EXTERNAL_ACCOUNT', id: EXTERNAL } }));

    expect(serviceCatalog.commandCalls(DescribePortfolioSharesCommand)[0]?.args[0].input).toMatchObject({
      PortfolioId: PORTFOLIO,
      Type: 'ACCOUNT',
    });
    expect(serviceCatalog.commandCalls(DeletePortfolioShareCommand)[0]?.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      AccountId: EXTERNAL,
    });
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(0);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', unsharedAccounts: [EXTERNAL], shareToken: null, alreadyAbsent: false });
    expect(onlyResult().detailType).toBe('Portfolio Unshare Succeeded');
  });

  it('reports the accounts of an unshared OU that still see the portfolio through the organization share and a member account share', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    shares('ORGANIZATION', [ORG]);
    shares('ORGANIZATION_MEMBER_ACCOUNT', [DEEP]);
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [DIRECT, DEEP] } });

    await runWorkflow(FILE, request());

    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Succeeded');
    // The portfolio's owner sits in the OU too, and is never reported.
    expect(detail.stillVisibleTo).toEqual([
      { accountId: DIRECT, through: { type: 'ORGANIZATION', id: ORG } },
      { accountId: DEEP, through: { type: 'ACCOUNT', id: DEEP } },
    ]);
    expect(detail.stillVisibleCount).toBe(2);
  });

  it('treats a share gone between the check and the delete as already absent', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    serviceCatalog.on(DeletePortfolioShareCommand).rejects(new ResourceNotFoundException({ message: 'not shared', $metadata: {} }));

    const run = await runWorkflow(FILE, request());

    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', alreadyAbsent: true, unsharedAccounts: [] });
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(0);
  });

  it('ends a caught error in exactly one Failed event that names it', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    serviceCatalog
      .on(DeletePortfolioShareCommand)
      .rejects(new OperationNotSupportedException({ message: 'AWS Organizations access must be enabled', $metadata: {} }));

    const run = await runWorkflow(FILE, request());

    expect(run.error).toBeUndefined();
    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Failed');
    expect(detail).toMatchObject({
      outcome: 'FAILED',
      unsharedAccounts: [],
      failure: { error: 'ServiceCatalog.OperationNotSupportedException', message: 'AWS Organizations access must be enabled' },
    });
  });

  it('fails the request, naming the check, when the still-visible check fails after the delete', async () => {
    shares('ORGANIZATIONAL_UNIT', [OU]);
    shares('ORGANIZATION', [ORG]);
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [DIRECT] } });
    organizations
      .on(ListAccountsForParentCommand, { ParentId: OU })
      .rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));

    await runWorkflow(FILE, request());

    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Failed');
    expect(detail.unsharedAccounts).toEqual([DIRECT]);
    expect(detail.failure).toMatchObject({ error: 'AccessDeniedException' });
    expect(detail.failure?.message).toContain('could not be determined');
  });

  it('runs the still-visible check again while Organizations throttles it, and reports the tries once that outlasts its budget', async () => {
    const { tries } = retryBudget('StepCallsFailed');
    // The function's Organizations client has spent the SDK's own tries: the step fails with the error's code.
    const throttled = () =>
      Object.assign(new Error("AWS Organizations can't complete your request because another request is already in progress"), {
        name: 'TooManyRequestsException',
      });
    shares('ORGANIZATIONAL_UNIT', [OU]);
    shares('ORGANIZATION', [ORG]);
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [DIRECT] } });
    const listing = organizations.on(ListAccountsForParentCommand, { ParentId: OU });
    for (let call = 1; call < tries; call++) listing.rejectsOnce(throttled());
    listing.resolves({ Accounts: [{ Id: ACCOUNT }, { Id: DIRECT }] });

    const run = await runWorkflow(FILE, request());

    expect(organizations.commandCalls(ListAccountsForParentCommand, { ParentId: OU })).toHaveLength(tries);
    expect(run.output).toMatchObject({ outcome: 'SUCCEEDED', failure: null, stillVisibleCount: 2 });

    organizations.on(ListAccountsForParentCommand, { ParentId: OU }).callsFake(() => Promise.reject(throttled()));
    eventBridge.resetHistory();
    await runWorkflow(FILE, request({ requestId: 'unshare-2' }));

    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Failed');
    expect(detail.unsharedAccounts).toEqual([DIRECT]);
    expect(detail.failure).toMatchObject({ error: 'TooManyRequestsException', attempts: tries });
    expect(detail.failure?.message).toContain('could not be determined');
  });

  it('emits the fallback Failed event when the summary itself fails', async () => {
    const run = await runWorkflow(FILE, request(), {
      overrides: {
        'Summarise unshare': async () => {
          throw Object.assign(new Error('summary crashed'), { name: 'Error' });
        },
      },
    });

    expect(run.error?.message).toContain('could not be summarised');
    expect(run.entered.at(-1)).toBe('Unshare not summarised');
    const { detailType, detail } = onlyResult();
    expect(detailType).toBe('Portfolio Unshare Failed');
    expect(detail).toMatchObject({ requestId: 'unshare-1', outcome: 'FAILED', portfolioId: PORTFOLIO, failure: { error: 'Error' } });
  });
});
