import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreatePortfolioShareCommand,
  DescribePortfolioSharesCommand,
  ListAcceptedPortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftDetectedDetail, ReconciliationCompletedDetail } from '../../src/contracts/reconcile.js';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';
import { runScript } from '../support/run-script.js';

// A stack of its own, in a file of its own, with a copy of the demo policy that the test can switch
// to prune: true.
const NETWORKING = 'port-networkvpc001';
const PIPELINES = 'port-cicdpipeline1';
const DATABASES = 'port-databases0001';
const SANDBOX_OU = 'ou-ex12-sandbox1';
const demoPolicy = readFileSync(join(import.meta.dirname, '..', '..', 'config', 'sharing-policy.yml'), 'utf8');
const policyFile = (name: string, text: string) => {
  const path = join(tmpdir(), `pso-reconcile-${process.pid}-${name}.yml`);
  writeFileSync(path, text);
  return path;
};

let e2e: E2eStack;
let serviceCatalog: ServiceCatalogClient;

beforeAll(async () => {
  e2e = await startE2eStack({ environment: { SHARING_POLICY_PATH: policyFile('demo', demoPolicy) } });
  serviceCatalog = new ServiceCatalogClient(e2e.config);
}, 120_000);

afterAll(async () => {
  await e2e?.stack.close();
});

const busEvents = <T>(detailType: string, runId: string) =>
  e2e.stack.aws.events
    .list({ eventBusName: e2e.stack.definitions.eventBusName, detailType })
    .filter((event) => event.detail.runId === runId)
    .map((event) => event.detail as unknown as T);

/** The run's drift events by portfolio, and its one summary. */
const runEvents = (runId: string) => {
  const summaries = busEvents<ReconciliationCompletedDetail>('Portfolio Share Reconciliation Completed', runId);
  expect(summaries).toHaveLength(1);
  return {
    drift: Object.fromEntries(
      busEvents<DriftDetectedDetail>('Portfolio Share Drift Detected', runId).map((event) => [event.portfolioId, event]),
    ),
    summary: summaries[0] as ReconciliationCompletedDetail,
  };
};

/** One reconcile run started on demand, as `npm run reconcile` starts it, waited for. */
const reconcile = async (runId: string) => {
  await new SFNClient(e2e.config).send(
    new StartExecutionCommand({
      stateMachineArn: e2e.stack.stateMachineArns.reconcileSharing,
      name: runId,
      input: JSON.stringify({ trigger: 'on-demand' }),
    }),
  );
  await e2e.stack.settle();
  return runEvents(runId);
};

const sharesOf = async (portfolioId: string, type: 'ORGANIZATIONAL_UNIT' | 'ACCOUNT') =>
  (
    (await serviceCatalog.send(new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: type }))).PortfolioShareDetails ?? []
  ).map((share) => share.PrincipalId);

const visiblePortfolios = async (accountId: string, type: 'AWS_ORGANIZATIONS' | 'IMPORTED') => {
  const member = await e2e.memberServiceCatalog(accountId);
  return ((await member.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: type }))).PortfolioDetails ?? []).map(
    (portfolio) => portfolio.Id,
  );
};

describe('drift reconciliation on the local stack', () => {
  it('registers the schedule but leaves it off: no run starts on its own', async () => {
    expect(e2e.stack.schedules.map(({ schedule, state }) => [schedule.stateMachineKey, schedule.expression, state])).toEqual([
      ['reconcileSharing', 'rate(1 hour)', 'off'],
    ]);
    e2e.stack.aws.clock.advance(3 * 3_600_000);
    await e2e.stack.settle();
    expect(e2e.stack.stepFunctions.stats().executions).toBe(0);
  });

  it('answers GET /plan with the plan and its table', async () => {
    const response = await e2e.http('GET', '/plan');

    expect(response.status).toBe(200);
    expect(response.body.plan.summary).toMatchObject({ portfoliosChecked: 3, toShare: 4, toUnshare: 0 });
    expect(response.body.table).toContain('    + ORGANIZATIONAL_UNIT  ou-ex12-workload  share\n');
    expect(response.body.table).toMatch(/\nPlan: 4 to share, 0 to unshare, 0 extra kept\.\n$/);
  });

  it('on demand (npm run reconcile), creates the missing shares through the share workflow: one drift event per portfolio, one summary, accounts see the portfolios', async () => {
    const cli = await runScript('scripts/reconcile.ts', ['--endpoint', e2e.stack.aws.url]);
    const runId = /Run (on-demand-[\w-]+): /.exec(cli.stdout)?.[1] ?? '';
    await e2e.stack.settle();
    const { drift, summary } = runEvents(runId);

    // sandbox-alice (777777777777) has no member role: the organization share reaches it, its principal association fails.
    expect(cli.stdout).toContain(
      `Run ${runId}: PARTIALLY_SUCCEEDED — 3 portfolios checked, 3 drifted: 4 shared, 0 unshared, 0 extra kept, 1 partially succeeded, 0 failed`,
    );
    expect(cli.code).toBe(1);
    expect(summary).toMatchObject({
      outcome: 'PARTIALLY_SUCCEEDED',
      mode: 'APPLY',
      trigger: 'on-demand',
      counts: { portfoliosDrifted: 3, missing: 4, shared: 4, actionsFailed: 0 },
    });
    expect(Object.keys(drift).sort()).toEqual([DATABASES, NETWORKING, PIPELINES].sort());
    expect(drift[DATABASES]?.actions.map((action) => [action.target, action.requestId, action.outcome])).toEqual([
      [{ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' }, `${runId}-share-3`, 'SUCCEEDED'],
      [{ type: 'EXTERNAL_ACCOUNT', id: '999988887777' }, `${runId}-share-4`, 'SUCCEEDED'],
    ]);
    expect(e2e.results('Portfolio Share Succeeded', `${runId}-share-2`)).toHaveLength(1);
    expect(await visiblePortfolios('333333333333', 'AWS_ORGANIZATIONS')).toEqual(
      expect.arrayContaining([NETWORKING, PIPELINES, DATABASES]),
    );
    expect(await visiblePortfolios('555555555555', 'AWS_ORGANIZATIONS')).toEqual(expect.arrayContaining([NETWORKING, PIPELINES]));
    expect(await visiblePortfolios('999988887777', 'IMPORTED')).toEqual([DATABASES]);
  }, 60_000);

  it('finds no drift on a second run: only the summary', async () => {
    const { drift, summary } = await reconcile('e2e-second');

    expect(drift).toEqual({});
    expect(summary).toMatchObject({ outcome: 'SUCCEEDED', counts: { portfoliosDrifted: 0, shared: 0 } });
    expect((await e2e.http('GET', '/plan')).body.table).toContain('No changes.');
  });

  it('reports an extra share made by hand and keeps it while prune is false, removes it through the unshare workflow once prune is true', async () => {
    await serviceCatalog.send(
      new CreatePortfolioShareCommand({ PortfolioId: PIPELINES, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: SANDBOX_OU } }),
    );

    const kept = await reconcile('e2e-extra-kept');
    expect(kept.drift[PIPELINES]).toMatchObject({ extra: [{ type: 'ORGANIZATIONAL_UNIT', id: SANDBOX_OU }], pruned: false, actions: [] });
    expect(Object.keys(kept.drift)).toEqual([PIPELINES]);
    expect(kept.summary).toMatchObject({ outcome: 'SUCCEEDED', counts: { extra: 1, extraKept: 1, unshared: 0 } });
    expect(await sharesOf(PIPELINES, 'ORGANIZATIONAL_UNIT')).toContain(SANDBOX_OU);

    e2e.useSharingPolicy(policyFile('prune', demoPolicy.replace(/(name: Delivery pipelines\n)/, '$1    prune: true\n')));
    const pruned = await reconcile('e2e-extra-pruned');
    expect(pruned.drift[PIPELINES]).toMatchObject({
      extra: [{ type: 'ORGANIZATIONAL_UNIT', id: SANDBOX_OU }],
      pruned: true,
      actions: [
        {
          action: 'UNSHARE',
          target: { type: 'ORGANIZATIONAL_UNIT', id: SANDBOX_OU },
          requestId: 'e2e-extra-pruned-unshare-1',
          outcome: 'SUCCEEDED',
          failure: null,
        },
      ],
    });
    expect(pruned.summary).toMatchObject({ outcome: 'SUCCEEDED', counts: { extra: 1, extraKept: 0, unshared: 1 } });
    expect(e2e.results('Portfolio Unshare Succeeded', 'e2e-extra-pruned-unshare-1')).toHaveLength(1);
    expect(await sharesOf(PIPELINES, 'ORGANIZATIONAL_UNIT')).toEqual(['ou-ex12-workload']);
    expect((await e2e.http('GET', '/plan')).body.plan.summary).toMatchObject({ toShare: 0, toUnshare: 0, extraKept: 0 });

    await e2e.expectCleanEnd();
  }, 60_000);
});
