import { createHash } from 'node:crypto';
import { z } from 'zod';
import { now } from '../clock.js';
import { chunk } from '../concurrency.js';
import { DetailType, EVENT_SOURCE } from '../contracts/events.js';
import { ShareTarget } from '../contracts/identifiers.js';
import type { RequestFailure } from '../contracts/outcomes.js';
import {
  DriftDetectedDetail,
  OrganizationsAccess,
  PortfolioReconcilePlan,
  ReconcileMode,
  ReconcileWorkflowInput,
  ReconciliationCompletedDetail,
  type ReconciliationCounts,
  ShareAction,
  type TakenAction,
} from '../contracts/reconcile.js';
import type { RequestedBy } from '../contracts/requested-by.js';
import { ShareWorkflowInput } from '../contracts/share.js';
import { UnshareWorkflowInput } from '../contracts/unshare.js';
import { toShareWorkflowInput, toUnshareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { CaughtError, caughtErrorToFailure, type ResultEvent } from '../workflow/result-event.js';
import { hasDrift } from './plan-reconciliation.js';

/** The plan step's input: the execution input (`{}`, or none, is an APPLY run on demand) and the run's id. */
export const PlanReconciliationInput = z.object({
  request: z.preprocess((request) => request ?? {}, ReconcileWorkflowInput),
  runId: z.string(),
});

/** An action of a run: the child execution's name (its request id) and input. */
export const WorkflowAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('SHARE'), target: ShareTarget, requestId: z.string(), input: ShareWorkflowInput }),
  z.object({ action: z.literal('UNSHARE'), target: ShareTarget, requestId: z.string(), input: UnshareWorkflowInput }),
]);
export type WorkflowAction = z.infer<typeof WorkflowAction>;

/** What the plan step hands the workflow: only portfolios with differences, so the history stays small. */
export const ReconcileRun = z.object({
  mode: ReconcileMode,
  trigger: ReconcileWorkflowInput.shape.trigger.unwrap(),
  generatedAt: z.string(),
  organizationsAccess: OrganizationsAccess.shape.status,
  portfoliosChecked: z.array(z.string()),
  drifted: z.array(PortfolioReconcilePlan.extend({ actions: z.array(WorkflowAction) })),
});
export type ReconcileRun = z.infer<typeof ReconcileRun>;

/** Execution names allow 80 characters; a long run id is shortened with a hash so that children stay unique. */
const MAX_NAME = 80;
export const childRequestId = (runId: string, suffix: string): string => {
  const name = `${runId}-${suffix}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `${runId.slice(0, MAX_NAME - suffix.length - hash.length - 2)}-${hash}-${suffix}`;
};

/**
 * The run's work from the plan: each drifted portfolio with its actions as child executions, named
 * after the run (`<runId>-share-1`, `<runId>-unshare-2`) so that a retried start finds the same child.
 * In REPORT mode nothing is acted on.
 */
export const prepareReconcileRun = (
  request: ReconcileWorkflowInput,
  runId: string,
  plan: { generatedAt: string; organizationsAccess: OrganizationsAccess; portfolios: PortfolioReconcilePlan[] },
): ReconcileRun => {
  let sequence = 0;
  const drifted = plan.portfolios.filter(hasDrift).map((portfolio) => ({
    ...portfolio,
    actions: (request.mode === 'REPORT' ? [] : portfolio.actions).map(({ action, target }): WorkflowAction => {
      sequence += 1;
      const requestId = childRequestId(runId, `${action.toLowerCase()}-${sequence}`);
      const { portfolioId } = portfolio;
      const requestedBy = { type: 'workflow', workflow: 'reconcile-sharing', requestId: runId } as const;
      return action === 'SHARE'
        ? { action, target, requestId, input: toShareWorkflowInput({ portfolioId, target }, requestId, requestedBy) }
        : { action, target, requestId, input: toUnshareWorkflowInput({ portfolioId, target }, requestId, requestedBy) };
    }),
  }));
  return {
    mode: request.mode,
    trigger: request.trigger,
    generatedAt: plan.generatedAt,
    organizationsAccess: plan.organizationsAccess.status,
    portfoliosChecked: plan.portfolios.map((portfolio) => portfolio.portfolioId),
    drifted,
  };
};

/** Who a run acts for: the schedule, or the starter that named itself. */
const reconcileRequester = (request: ReconcileWorkflowInput): RequestedBy | null =>
  request.trigger === 'schedule' ? { type: 'schedule', schedule: 'reconcile' } : (request.requestedBy ?? null);

/** One action's iteration output: the child's result, or the error that stopped it. */
const ActionRun = z.object({
  action: ShareAction,
  target: ShareTarget,
  requestId: z.string(),
  outcome: z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']).optional(),
  failure: z.object({ error: z.string(), message: z.string() }).nullish(),
  error: CaughtError.optional(),
});

const PortfolioRun = z.object({
  portfolioId: z.string(),
  actions: z.array(ActionRun).optional(),
  failure: CaughtError.optional(),
});

export const SummariseReconciliationInput = z.object({
  request: z.unknown(),
  runId: z.string(),
  startedAt: z.string(),
  eventBusName: z.string(),
  plan: ReconcileRun.nullish(),
  portfolioRuns: z.array(PortfolioRun).nullish(),
  failure: CaughtError.nullish(),
});
export type SummariseReconciliationInput = z.infer<typeof SummariseReconciliationInput>;

const takenAction = (run: z.infer<typeof ActionRun>): TakenAction => ({
  action: run.action,
  target: run.target,
  requestId: run.requestId,
  outcome: run.error ? 'FAILED' : (run.outcome ?? 'FAILED'),
  failure: run.error ? caughtErrorToFailure(run.error) : (run.failure ?? null),
});

export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: unknown;
  EventBusName: string;
}

export interface ReconciliationSummary {
  /** `Portfolio Share Drift Detected` entries, ten to a PutEvents call. */
  driftEventBatches: PutEventsEntry[][];
  summary: ResultEvent<ReconciliationCompletedDetail>;
}

const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * The run's events: one `Portfolio Share Drift Detected` per drifted portfolio with each action's
 * outcome, and the one `Portfolio Share Reconciliation Completed`.
 */
export const summariseReconciliation = (input: SummariseReconciliationInput, at = now()): ReconciliationSummary => {
  const request = ReconcileWorkflowInput.safeParse(input.request ?? {});
  const requestedBy = request.success ? reconcileRequester(request.data) : null;
  const runFailure = input.failure ? caughtErrorToFailure(input.failure) : null;
  const plan = input.plan ?? null;

  const runs = new Map((input.portfolioRuns ?? []).map((run) => [run.portfolioId, run]));
  const driftDetails = (plan?.drifted ?? []).map((portfolio): DriftDetectedDetail => {
    const run = runs.get(portfolio.portfolioId);
    const recorded = new Map((run?.actions ?? []).map((action) => [action.requestId, takenAction(action)]));
    const notRecorded: RequestFailure = run?.failure
      ? caughtErrorToFailure(run.failure)
      : (runFailure ?? { error: 'ActionNotRecorded', message: 'The run ended before this action reported an outcome' });
    return parseWith(
      DriftDetectedDetail,
      {
        runId: input.runId,
        requestedBy,
        mode: plan?.mode,
        portfolioId: portfolio.portfolioId,
        missing: portfolio.missing,
        blocked: portfolio.blocked,
        extra: portfolio.extra,
        unaccepted: portfolio.unaccepted,
        optionDrift: portfolio.optionDrift,
        pruned: portfolio.prune,
        actions: portfolio.actions.map(
          (action) =>
            recorded.get(action.requestId) ?? {
              action: action.action,
              target: action.target,
              requestId: action.requestId,
              outcome: 'UNKNOWN',
              failure: notRecorded,
            },
        ),
        detectedAt: new Date(plan?.generatedAt ?? at).toISOString(),
      },
      'Portfolio Share Drift Detected detail',
    );
  });

  const actions = driftDetails.flatMap((detail) => detail.actions);
  const failedActions = actions.filter((action) => action.outcome === 'FAILED' || action.outcome === 'UNKNOWN').length;
  const partialActions = actions.filter((action) => action.outcome === 'PARTIALLY_SUCCEEDED').length;
  const counts: ReconciliationCounts | null = plan && {
    portfoliosDrifted: driftDetails.length,
    missing: driftDetails.reduce((sum, detail) => sum + detail.missing.length, 0),
    extra: driftDetails.reduce((sum, detail) => sum + detail.extra.length, 0),
    extraKept: driftDetails.reduce((sum, detail) => sum + (detail.pruned ? 0 : detail.extra.length), 0),
    blocked: driftDetails.reduce((sum, detail) => sum + detail.blocked.length, 0),
    optionDrift: driftDetails.reduce((sum, detail) => sum + detail.optionDrift.length, 0),
    unaccepted: driftDetails.reduce((sum, detail) => sum + detail.unaccepted.length, 0),
    shared: actions.filter(
      (action) => action.action === 'SHARE' && (action.outcome === 'SUCCEEDED' || action.outcome === 'PARTIALLY_SUCCEEDED'),
    ).length,
    unshared: actions.filter((action) => action.action === 'UNSHARE' && action.outcome === 'SUCCEEDED').length,
    actionsPartiallySucceeded: partialActions,
    actionsFailed: failedActions,
  };
  const outcome =
    runFailure || (actions.length > 0 && failedActions === actions.length)
      ? 'FAILED'
      : failedActions + partialActions > 0
        ? 'PARTIALLY_SUCCEEDED'
        : 'SUCCEEDED';

  const entry = (detailType: string, detail: unknown): PutEventsEntry => ({
    Source: EVENT_SOURCE,
    DetailType: detailType,
    Detail: detail,
    EventBusName: input.eventBusName,
  });
  return {
    driftEventBatches: chunk(
      driftDetails.map((detail) => entry(DetailType.driftDetected, detail)),
      PUT_EVENTS_MAX_ENTRIES,
    ),
    summary: {
      detailType: DetailType.reconciliationCompleted,
      detail: parseWith(
        ReconciliationCompletedDetail,
        {
          runId: input.runId,
          requestedBy,
          outcome,
          mode: plan?.mode ?? (request.success ? request.data.mode : null),
          trigger: plan?.trigger ?? (request.success ? request.data.trigger : null),
          organizationsAccess: plan?.organizationsAccess ?? null,
          portfoliosChecked: plan?.portfoliosChecked ?? [],
          counts,
          failure: runFailure,
          startedAt: new Date(input.startedAt).toISOString(),
          endedAt: at.toISOString(),
        },
        'Portfolio Share Reconciliation Completed detail',
      ),
    },
  };
};
