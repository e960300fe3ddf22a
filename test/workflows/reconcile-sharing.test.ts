import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  GetAWSOrganizationsAccessStatusCommand,
  OperationNotSupportedException,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../local/runtime/sdk-integration.js';
import type { DriftDetectedDetail, ReconciliationCompletedDetail } from '../../src/contracts/reconcile.js';
import { fakeShareListing, share } from '../support/fake-shares.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { expectValidEvent } from '../support/result-events.js';
import { runChildWorkflow, runWorkflow } from '../support/workflow-harness.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
// The share steps keep their account outcomes in the outcomes table.
useOutcomesTable();
const organizations = mockClient(OrganizationsClient);
const eventBridge = mockClient(EventBridgeClient);

const ORG = 'o-a1b2c3d4e5';
const NETWORKING = 'port-networking0001';
const DATA = 'port-dataplatform01';
const WORKLOADS = 'ou-ab12-workload';
const SANDBOX = 'ou-ab12-sandbox1';

let policyCount = 0;
/** A policy file of its own per test: the functions read SHARING_POLICY_PATH, once per path. */
const usePolicy = (options: { prune?: boolean; dataTargets?: string[] } = {}) => {
  const path = join(tmpdir(), `reconcile-policy-${process.pid}-${++policyCount}.yml`);
  writeFileSync(
    path,
    [
      'version: 1',
      'portfolios:',
      `  - portfolioId: ${NETWORKING}`,
      `    targets: [{ type: ORGANIZATION, id: ${ORG} }]`,
      `  - portfolioId: ${DATA}`,
      `    prune: ${options.prune ?? false}`,
      '    targets:',
      ...(options.dataTargets ?? [`{ type: ORGANIZATIONAL_UNIT, id: ${WORKLOADS} }`]).map((target) => `      - ${target}`),
    ].join('\n'),
  );
  process.env.SHARING_POLICY_PATH = path;
};

const entries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const eventsOf = <T>(detailType: string): T[] =>
  entries()
    .filter((entry) => entry.DetailType === detailType)
    .map((entry) => {
      const detail = JSON.parse(entry.Detail ?? '{}') as T;
      expectValidEvent({ source: entry.Source ?? '', 'detail-type': detailType, detail });
      return detail;
    });
const driftEvents = () => eventsOf<DriftDetectedDetail>('Portfolio Share Drift Detected');
const onlySummary = () => {
  const summaries = eventsOf<ReconciliationCompletedDetail>('Portfolio Share Reconciliation Completed');
  expect(summaries).toHaveLength(1);
  return summaries[0] as ReconciliationCompletedDetail;
};

type ChildStart = { Name: string; StateMachineArn: string; Input: Record<string, unknown> };

/** A child execution handler that records each start; by default the child workflow runs for real on the same mocks. */
const recordStarts = (handler: TaskHandler = runChildWorkflow) => {
  const started: ChildStart[] = [];
  return {
    started,
    handler: (async (input) => {
      started.push(input as ChildStart);
      return handler(input);
    }) satisfies TaskHandler,
  };
};

/** A child that succeeds at once with the given result. */
const succeededChild: TaskHandler = async (input) => ({ Status: 'SUCCEEDED', Output: succeeded((input as ChildStart).Input) });

const succeeded = (input: Record<string, unknown>) => ({ requestId: input.requestId, outcome: 'SUCCEEDED', failure: null });

beforeEach(() => {
  for (const mock of [serviceCatalog, organizations, eventBridge]) mock.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
  serviceCatalog.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-1' });
  serviceCatalog
    .on(DescribePortfolioShareStatusCommand)
    .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: ['210987654321'] } });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
  organizations.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
});

describe('reconcile-sharing state machine', () => {
  it('creates a missing share through the share workflow as a child named after the run, then emits its drift event and the summary', async () => {
    usePolicy();
    fakeShareListing(serviceCatalog, { [DATA]: [share('ORGANIZATIONAL_UNIT', WORKLOADS)] });
    const child = recordStarts();

    const run = await runWorkflow(
      'reconcile-sharing.asl.json',
      {},
      { executionName: 'run-1', overrides: { 'Share missing target': child.handler } },
    );

    expect(run.error).toBeUndefined();
    expect(child.started).toEqual([
      {
        Name: 'run-1-share-1',
        StateMachineArn: expect.stringContaining(':stateMachine:share-portfolio'),
        Input: expect.objectContaining({
          requestId: 'run-1-share-1',
          portfolioId: NETWORKING,
          target: { type: 'ORGANIZATION', id: ORG },
          requestedBy: { type: 'workflow', workflow: 'reconcile-sharing', requestId: 'run-1' },
        }),
      },
    ]);
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)[0]?.args[0].input).toMatchObject({
      PortfolioId: NETWORKING,
      OrganizationNode: { Type: 'ORGANIZATION', Value: ORG },
    });
    expect(eventsOf('Portfolio Share Succeeded')).toHaveLength(1);
    expect(driftEvents()).toEqual([
      expect.objectContaining({
        runId: 'run-1',
        mode: 'APPLY',
        portfolioId: NETWORKING,
        missing: [{ type: 'ORGANIZATION', id: ORG }],
        extra: [],
        pruned: false,
        actions: [
          { action: 'SHARE', target: { type: 'ORGANIZATION', id: ORG }, requestId: 'run-1-share-1', outcome: 'SUCCEEDED', failure: null },
        ],
      }),
    ]);
    const summary = onlySummary();
    expect(summary).toMatchObject({
      runId: 'run-1',
      outcome: 'SUCCEEDED',
      mode: 'APPLY',
      trigger: 'on-demand',
      organizationsAccess: 'ENABLED',
      portfoliosChecked: [NETWORKING, DATA],
      failure: null,
    });
    expect(summary.counts).toMatchObject({ portfoliosDrifted: 1, missing: 1, shared: 1, actionsFailed: 0 });
    expect(run.output).toEqual(summary);
    // Measured for the README: prepare, plan, one portfolio with one action (5), summarise, emit drift events (2), emit summary, finish.
    expect(run.transitions).toBe(13);
  });

  it('removes an extra share through the unshare workflow when the policy prunes, and only reports it otherwise', async () => {
    fakeShareListing(serviceCatalog, {
      [NETWORKING]: [share('ORGANIZATION', ORG)],
      [DATA]: [share('ORGANIZATIONAL_UNIT', WORKLOADS), share('ORGANIZATIONAL_UNIT', SANDBOX)],
    });
    const unshare = recordStarts(succeededChild);

    usePolicy({ prune: false });
    await runWorkflow(
      'reconcile-sharing.asl.json',
      {},
      { executionName: 'run-kept', overrides: { 'Unshare extra target': unshare.handler } },
    );
    expect(unshare.started).toEqual([]);
    expect(driftEvents()).toEqual([
      expect.objectContaining({ portfolioId: DATA, extra: [{ type: 'ORGANIZATIONAL_UNIT', id: SANDBOX }], pruned: false, actions: [] }),
    ]);
    expect(onlySummary().counts).toMatchObject({ extra: 1, extraKept: 1, unshared: 0 });

    eventBridge.resetHistory();
    usePolicy({ prune: true });
    await runWorkflow(
      'reconcile-sharing.asl.json',
      {},
      { executionName: 'run-pruned', overrides: { 'Unshare extra target': unshare.handler } },
    );
    expect(unshare.started).toEqual([
      {
        Name: 'run-pruned-unshare-1',
        StateMachineArn: expect.stringContaining(':stateMachine:unshare-portfolio'),
        Input: {
          requestId: 'run-pruned-unshare-1',
          portfolioId: DATA,
          target: { type: 'ORGANIZATIONAL_UNIT', id: SANDBOX },
          requestedBy: { type: 'workflow', workflow: 'reconcile-sharing', requestId: 'run-pruned' },
        },
      },
    ]);
    expect(driftEvents()).toEqual([
      expect.objectContaining({
        portfolioId: DATA,
        pruned: true,
        actions: [
          {
            action: 'UNSHARE',
            target: { type: 'ORGANIZATIONAL_UNIT', id: SANDBOX },
            requestId: 'run-pruned-unshare-1',
            outcome: 'SUCCEEDED',
            failure: null,
          },
        ],
      }),
    ]);
    expect(onlySummary()).toMatchObject({ outcome: 'SUCCEEDED', counts: { extra: 1, extraKept: 0, unshared: 1 } });
  });

  it('emits only the summary event when nothing drifted', async () => {
    usePolicy();
    fakeShareListing(serviceCatalog, { [NETWORKING]: [share('ORGANIZATION', ORG)], [DATA]: [share('ORGANIZATIONAL_UNIT', WORKLOADS)] });

    const run = await runWorkflow('reconcile-sharing.asl.json', { trigger: 'schedule' }, { executionName: 'run-clean' });

    expect(entries()).toHaveLength(1);
    expect(onlySummary()).toMatchObject({ outcome: 'SUCCEEDED', trigger: 'schedule', counts: { portfoliosDrifted: 0, shared: 0 } });
    expect(run.entered).not.toContain('Take actions one at a time');
    expect(run.entered).not.toContain('Emit drift event batch');
  });

  it('reports a child share that failed with its cause, and the run as partially succeeded', async () => {
    usePolicy();
    fakeShareListing(serviceCatalog, {});
    serviceCatalog
      .on(CreatePortfolioShareCommand, { PortfolioId: NETWORKING })
      .rejects(
        new OperationNotSupportedException({ message: 'Only the management account can share with the organization', $metadata: {} }),
      );
    const child = recordStarts();

    await runWorkflow(
      'reconcile-sharing.asl.json',
      {},
      { executionName: 'run-fail', overrides: { 'Share missing target': child.handler } },
    );

    const [networking, data] = [NETWORKING, DATA].map((portfolioId) => driftEvents().find((event) => event.portfolioId === portfolioId));
    expect(networking?.actions).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        failure: {
          error: 'ServiceCatalog.OperationNotSupportedException',
          message: 'Only the management account can share with the organization',
        },
      }),
    ]);
    expect(data?.actions).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED' })]);
    expect(onlySummary()).toMatchObject({ outcome: 'PARTIALLY_SUCCEEDED', counts: { shared: 1, actionsFailed: 1 } });
  });

  it('reports a child execution that failed outright by the child own error, and the run as failed when every action failed', async () => {
    usePolicy();
    fakeShareListing(serviceCatalog, { [DATA]: [share('ORGANIZATIONAL_UNIT', WORKLOADS)] });
    const failing: TaskHandler = async () => {
      throw Object.assign(
        new Error(JSON.stringify({ Status: 'FAILED', Error: 'ShareSummaryFailed', Cause: 'The share could not be summarised' })),
        { name: 'States.TaskFailed' },
      );
    };

    await runWorkflow('reconcile-sharing.asl.json', {}, { executionName: 'run-broken', overrides: { 'Share missing target': failing } });

    expect(driftEvents()[0]?.actions).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        failure: { error: 'ShareSummaryFailed', message: 'The share could not be summarised' },
      }),
    ]);
    expect(onlySummary()).toMatchObject({ outcome: 'FAILED', failure: null, counts: { actionsFailed: 1 } });
  });

  it('runs one share action at a time on a portfolio, portfolios in parallel', async () => {
    usePolicy({
      dataTargets: [
        `{ type: ORGANIZATIONAL_UNIT, id: ${WORKLOADS} }`,
        `{ type: ORGANIZATIONAL_UNIT, id: ${SANDBOX} }`,
        "{ type: ACCOUNT, id: '210987654321' }",
      ],
    });
    fakeShareListing(serviceCatalog, {});
    const running = new Map<string, number>();
    const peaks = { perPortfolio: 0, overall: 0 };
    const share: TaskHandler = async (input) => {
      const { Input } = input as { Input: { portfolioId: string; requestId: string } };
      running.set(Input.portfolioId, (running.get(Input.portfolioId) ?? 0) + 1);
      peaks.perPortfolio = Math.max(peaks.perPortfolio, ...running.values());
      peaks.overall = Math.max(
        peaks.overall,
        [...running.values()].reduce((sum, count) => sum + count, 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      running.set(Input.portfolioId, (running.get(Input.portfolioId) ?? 1) - 1);
      return { Status: 'SUCCEEDED', Output: succeeded(Input) };
    };

    await runWorkflow('reconcile-sharing.asl.json', {}, { executionName: 'run-order', overrides: { 'Share missing target': share } });

    expect(peaks).toEqual({ perPortfolio: 1, overall: 2 });
    expect(
      driftEvents()
        .find((event) => event.portfolioId === DATA)
        ?.actions.map((action) => action.requestId),
    ).toEqual(['run-order-share-2', 'run-order-share-3', 'run-order-share-4']);
    expect(onlySummary().counts).toMatchObject({ shared: 4 });
  });

  it('in REPORT mode reports the drift and acts on nothing', async () => {
    usePolicy({ prune: true });
    fakeShareListing(serviceCatalog, { [DATA]: [share('ORGANIZATIONAL_UNIT', SANDBOX)] });
    const child = recordStarts(succeededChild);

    await runWorkflow(
      'reconcile-sharing.asl.json',
      { mode: 'REPORT' },
      { executionName: 'run-report', overrides: { 'Share missing target': child.handler, 'Unshare extra target': child.handler } },
    );

    expect(child.started).toEqual([]);
    expect(driftEvents().map((event) => [event.portfolioId, event.mode, event.actions])).toEqual([
      [NETWORKING, 'REPORT', []],
      [DATA, 'REPORT', []],
    ]);
    expect(onlySummary()).toMatchObject({ outcome: 'SUCCEEDED', mode: 'REPORT', counts: { missing: 2, extra: 1, shared: 0, unshared: 0 } });
  });

  it('ends a run whose plan failed, or whose input is invalid, in one FAILED summary that names the cause', async () => {
    usePolicy();
    serviceCatalog.on(DescribePortfolioSharesCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: servicecatalog:DescribePortfolioShares'), {
        name: 'AccessDeniedException',
      }),
    );

    const run = await runWorkflow('reconcile-sharing.asl.json', {}, { executionName: 'run-denied' });

    expect(run.error).toBeUndefined();
    expect(driftEvents()).toEqual([]);
    expect(onlySummary()).toMatchObject({
      outcome: 'FAILED',
      counts: null,
      failure: { error: 'AccessDeniedException', message: expect.stringContaining('DescribePortfolioShares') },
    });

    eventBridge.resetHistory();
    await runWorkflow('reconcile-sharing.asl.json', { mode: 'FIX_EVERYTHING' }, { executionName: 'run-invalid' });
    expect(onlySummary()).toMatchObject({
      outcome: 'FAILED',
      mode: null,
      failure: { error: 'ValidationError', message: expect.stringContaining('mode') },
    });
  });

  it('emits a fallback FAILED summary when the summary itself fails, then fails the execution', async () => {
    usePolicy();
    fakeShareListing(serviceCatalog, { [NETWORKING]: [share('ORGANIZATION', ORG)], [DATA]: [share('ORGANIZATIONAL_UNIT', WORKLOADS)] });
    const broken: TaskHandler = async () => {
      throw Object.assign(new Error('summary crashed'), { name: 'Error' });
    };

    const run = await runWorkflow(
      'reconcile-sharing.asl.json',
      {},
      { executionName: 'run-no-summary', overrides: { 'Summarise reconciliation': broken } },
    );

    expect(run.error?.message).toContain('a Portfolio Share Reconciliation Completed event with outcome FAILED reports it');
    expect(run.entered.slice(-2)).toEqual(['Emit fallback summary event', 'Reconciliation not summarised']);
    expect(onlySummary()).toMatchObject({ runId: 'run-no-summary', outcome: 'FAILED', counts: null, failure: { error: 'Error' } });
  });
});
