import { z } from 'zod';
import { DetailType, type ResultDetails } from './events.js';
import { RequestId, ShareTarget } from './identifiers.js';
import { RequestFailure } from './outcomes.js';
import { RequestedBy } from './requested-by.js';

/** `APPLY` creates missing shares (and prunes where the policy says so); `REPORT` only reports drift. */
export const ReconcileMode = z.enum(['APPLY', 'REPORT']);
export type ReconcileMode = z.infer<typeof ReconcileMode>;

/** The input of the reconcile-sharing state machine: `{}` from the CLI, `{ "trigger": "schedule" }` from the schedule. */
export const ReconcileWorkflowInput = z.object({
  mode: ReconcileMode.default('APPLY'),
  trigger: z.enum(['schedule', 'on-demand']).default('on-demand'),
  /** Who started an on-demand run, as its starter says (`npm run reconcile` names the caller); the schedule is implied by `trigger`. */
  requestedBy: RequestedBy.optional(),
});
export type ReconcileWorkflowInput = z.infer<typeof ReconcileWorkflowInput>;

/**
 * Service Catalog's Organizations access as the plan found it. `UNKNOWN`: the hub may not read it
 * (only the management account may call GetAWSOrganizationsAccessStatus).
 */
export const OrganizationsAccess = z.object({
  status: z.enum(['ENABLED', 'UNDER_CHANGE', 'DISABLED', 'UNKNOWN']),
  /** What the status means for the plan; null when access is enabled. */
  message: z.string().nullable(),
});
export type OrganizationsAccess = z.infer<typeof OrganizationsAccess>;

/** An existing share whose options differ from the policy's. Reported only: see README, Drift reconciliation. */
export const OptionDrift = z
  .object({
    target: ShareTarget,
    option: z.enum(['sharePrincipals', 'shareTagOptions']),
    expected: z.boolean(),
    actual: z.boolean(),
  })
  .strict();
export type OptionDrift = z.infer<typeof OptionDrift>;

export const ShareAction = z.enum(['SHARE', 'UNSHARE']);
export type ShareAction = z.infer<typeof ShareAction>;

export const PlannedAction = z.object({ action: ShareAction, target: ShareTarget }).strict();
export type PlannedAction = z.infer<typeof PlannedAction>;

/** What reconciling one portfolio of the policy would change. */
export const PortfolioReconcilePlan = z
  .object({
    portfolioId: z.string(),
    name: z.string().nullable(),
    /** The policy's `prune`: extra shares are removed when true, kept and reported when false. */
    prune: z.boolean(),
    /** Policy targets with no share. */
    missing: z.array(ShareTarget),
    /** Missing organization-node shares that cannot be created while Organizations access is off. */
    blocked: z.array(ShareTarget),
    /** Shares the policy does not list. */
    extra: z.array(ShareTarget),
    /** Account shares (EXTERNAL_ACCOUNT targets) that exist but that the recipient has not accepted yet. */
    unaccepted: z.array(ShareTarget),
    /** Organization member account shares that a policy OU or organization target already reaches (re-shares of throttled accounts): kept, not drift. */
    covered: z.array(z.object({ target: ShareTarget, coveredBy: ShareTarget }).strict()),
    optionDrift: z.array(OptionDrift),
    /** What an APPLY run does, in this order, one at a time. */
    actions: z.array(PlannedAction),
    /** What the policy's share options expose (principal sharing of IAM_PATTERN principals). */
    warnings: z.array(z.string()).default([]),
  })
  .strict();
export type PortfolioReconcilePlan = z.infer<typeof PortfolioReconcilePlan>;

export const PlanSummary = z
  .object({
    portfoliosChecked: z.number().int(),
    portfoliosDrifted: z.number().int(),
    toShare: z.number().int(),
    toUnshare: z.number().int(),
    extraKept: z.number().int(),
    blocked: z.number().int(),
    optionDrift: z.number().int(),
    unaccepted: z.number().int(),
  })
  .strict();
export type PlanSummary = z.infer<typeof PlanSummary>;

/** What a reconcile would do: the answer of `GET /plan` and `npm run plan`, and the first step of the workflow. */
export const ReconcilePlan = z
  .object({
    generatedAt: z.iso.datetime({ offset: true }),
    organizationsAccess: OrganizationsAccess,
    portfolios: z.array(PortfolioReconcilePlan),
    summary: PlanSummary,
  })
  .strict();
export type ReconcilePlan = z.infer<typeof ReconcilePlan>;

export const ActionOutcome = z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'UNKNOWN']);

/** A share action a run took, with its child execution's outcome. */
export const TakenAction = z
  .object({
    action: ShareAction,
    target: ShareTarget,
    /** The child execution's name and request id. */
    requestId: RequestId,
    /** UNKNOWN: the run failed before the child's outcome was recorded. */
    outcome: ActionOutcome,
    failure: RequestFailure.nullable(),
  })
  .strict();
export type TakenAction = z.infer<typeof TakenAction>;

/** The detail of `Portfolio Share Drift Detected`: one per portfolio with differences, per run. */
export const DriftDetectedDetail = z
  .object({
    runId: z.string().min(1),
    /** The schedule, or who started the run. */
    requestedBy: RequestedBy.nullable(),
    mode: ReconcileMode,
    portfolioId: z.string(),
    missing: z.array(ShareTarget),
    blocked: z.array(ShareTarget),
    extra: z.array(ShareTarget),
    unaccepted: z.array(ShareTarget),
    optionDrift: z.array(OptionDrift),
    /** The policy's `prune`: whether extra shares were removed. */
    pruned: z.boolean(),
    actions: z.array(TakenAction),
    detectedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type DriftDetectedDetail = z.infer<typeof DriftDetectedDetail>;

export const ReconciliationCounts = z
  .object({
    portfoliosDrifted: z.number().int(),
    missing: z.number().int(),
    extra: z.number().int(),
    extraKept: z.number().int(),
    blocked: z.number().int(),
    optionDrift: z.number().int(),
    unaccepted: z.number().int(),
    shared: z.number().int(),
    unshared: z.number().int(),
    /** Child shares that reached only some accounts (the others are named in their share result event). */
    actionsPartiallySucceeded: z.number().int(),
    actionsFailed: z.number().int(),
  })
  .strict();
export type ReconciliationCounts = z.infer<typeof ReconciliationCounts>;

/** The detail of `Portfolio Share Reconciliation Completed`: exactly one per run. */
export const ReconciliationCompletedDetail = z
  .object({
    runId: z.string().min(1),
    /** The schedule, or who started the run. */
    requestedBy: RequestedBy.nullable(),
    /** FAILED: the run itself failed, or every action it took failed; PARTIALLY_SUCCEEDED: some actions failed. */
    outcome: z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']),
    /** Null only in the fallback event of a run whose summary failed. */
    mode: ReconcileMode.nullable(),
    trigger: z.enum(['schedule', 'on-demand']).nullable(),
    organizationsAccess: OrganizationsAccess.shape.status.nullable(),
    portfoliosChecked: z.array(z.string()),
    /** Null only in the fallback event of a run whose summary failed. */
    counts: ReconciliationCounts.nullable(),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ReconciliationCompletedDetail = z.infer<typeof ReconciliationCompletedDetail>;

export const RECONCILE_RESULT_DETAILS: ResultDetails = {
  [DetailType.driftDetected]: DriftDetectedDetail,
  [DetailType.reconciliationCompleted]: ReconciliationCompletedDetail,
};
