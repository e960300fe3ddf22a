import { describe, expect, it } from 'vitest';
import type { PortfolioReconcilePlan } from '../../src/contracts/reconcile.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { childRequestId, prepareReconcileRun, summariseReconciliation } from '../../src/reconcile/reconcile-run.js';

const policy = parsePolicy(`
version: 1
settings: { memberRoleName: MemberRole, allowEnableOrganizationsAccess: true }
portfolios:
  - portfolioId: port-cicdpipeline1
    sharePrincipals: true
    associatePrincipals: [role/Developer]
    prune: true
    targets: [{ type: EXTERNAL_ACCOUNT, id: '999988887777' }]
`);

const drifted: PortfolioReconcilePlan = {
  portfolioId: 'port-cicdpipeline1',
  name: null,
  prune: true,
  missing: [{ type: 'EXTERNAL_ACCOUNT', id: '999988887777' }],
  blocked: [],
  extra: [{ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' }],
  unaccepted: [],
  covered: [],
  optionDrift: [],
  actions: [
    { action: 'SHARE', target: { type: 'EXTERNAL_ACCOUNT', id: '999988887777' } },
    { action: 'UNSHARE', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' } },
  ],
};
const inSync: PortfolioReconcilePlan = { ...drifted, portfolioId: 'port-networkvpc001', missing: [], extra: [], actions: [] };
const plan = {
  generatedAt: '2026-03-01T10:00:00.000Z',
  organizationsAccess: { status: 'ENABLED' as const, message: null },
  portfolios: [inSync, drifted],
};

describe('reconcile run', () => {
  it('names children after the run, within the 80 characters of an execution name, distinct for long run ids', () => {
    expect(childRequestId('run-1', 'share-1')).toBe('run-1-share-1');
    const long = 'a'.repeat(80);
    const [first, second] = [childRequestId(long, 'share-12'), childRequestId(`${'a'.repeat(79)}b`, 'share-12')];
    expect(first).toHaveLength(80);
    expect(first).toMatch(/^a+-[0-9a-f]{8}-share-12$/);
    expect(first).not.toBe(second);
  });

  it('turns planned actions into child inputs: a share as the intake builds it with origin reconcile, an unshare with the unshare contract; nothing in REPORT mode', () => {
    const run = prepareReconcileRun({ mode: 'APPLY', trigger: 'schedule' }, 'run-1', plan, policy);

    expect(run).toMatchObject({
      mode: 'APPLY',
      trigger: 'schedule',
      organizationsAccess: 'ENABLED',
      portfoliosChecked: ['port-networkvpc001', 'port-cicdpipeline1'],
    });
    expect(run.drifted.map((portfolio) => portfolio.portfolioId)).toEqual(['port-cicdpipeline1']);
    expect(run.drifted[0]?.actions).toEqual([
      {
        action: 'SHARE',
        target: { type: 'EXTERNAL_ACCOUNT', id: '999988887777' },
        requestId: 'run-1-share-1',
        input: {
          requestId: 'run-1-share-1',
          portfolioId: 'port-cicdpipeline1',
          target: { type: 'EXTERNAL_ACCOUNT', id: '999988887777' },
          sharePrincipals: true,
          shareTagOptions: false,
          origin: 'reconcile',
          allowEnableOrganizationsAccess: true,
          memberActions: { accept: true, iamPrincipals: ['role/Developer'] },
        },
      },
      {
        action: 'UNSHARE',
        target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' },
        requestId: 'run-1-unshare-2',
        input: {
          requestId: 'run-1-unshare-2',
          portfolioId: 'port-cicdpipeline1',
          target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' },
          origin: 'reconcile',
        },
      },
    ]);
    expect(prepareReconcileRun({ mode: 'REPORT', trigger: 'on-demand' }, 'run-2', plan, policy).drifted[0]?.actions).toEqual([]);
  });

  it('reports actions of a run that failed before they ended as UNKNOWN, with the run failure, and the run as FAILED', () => {
    const run = prepareReconcileRun({ mode: 'APPLY', trigger: 'on-demand' }, 'run-3', plan, policy);

    const result = summariseReconciliation(
      {
        request: {},
        runId: 'run-3',
        startedAt: '2026-03-01T10:00:00.000Z',
        eventBusName: 'bus',
        plan: run,
        portfolioRuns: null,
        failure: { Error: 'States.Runtime', Cause: 'The Map state failed' },
      },
      new Date('2026-03-01T10:05:00.000Z'),
    );

    expect(result.driftEventBatches).toHaveLength(1);
    const [entry] = result.driftEventBatches[0] ?? [];
    expect(entry).toMatchObject({
      Source: 'portfolio-share-orchestrator',
      DetailType: 'Portfolio Share Drift Detected',
      EventBusName: 'bus',
    });
    expect((entry?.Detail as { actions: unknown[] } | undefined)?.actions).toEqual([
      expect.objectContaining({
        requestId: 'run-3-share-1',
        outcome: 'UNKNOWN',
        failure: { error: 'States.Runtime', message: 'The Map state failed' },
      }),
      expect.objectContaining({ requestId: 'run-3-unshare-2', outcome: 'UNKNOWN' }),
    ]);
    expect(result.summary.detail).toMatchObject({
      outcome: 'FAILED',
      counts: { actionsFailed: 2, shared: 0 },
      endedAt: '2026-03-01T10:05:00.000Z',
    });
  });

  it('puts drift events ten to a PutEvents call', () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ ...drifted, portfolioId: `port-portfolio${String(index).padStart(4, '0')}` }));
    const run = prepareReconcileRun({ mode: 'REPORT', trigger: 'on-demand' }, 'run-4', { ...plan, portfolios: many }, policy);

    const result = summariseReconciliation({
      request: { mode: 'REPORT' },
      runId: 'run-4',
      startedAt: '2026-03-01T10:00:00.000Z',
      eventBusName: 'bus',
      plan: run,
      portfolioRuns: [],
    });

    expect(result.driftEventBatches.map((batch) => batch.length)).toEqual([10, 2]);
    expect(result.summary.detail).toMatchObject({
      outcome: 'SUCCEEDED',
      mode: 'REPORT',
      counts: { portfoliosDrifted: 12, missing: 12, extra: 12 },
    });
  });
});
