import { z } from 'zod';
import { now } from '../clock.js';
import {
  OffboardingResultDetail,
  OnboardingPlan,
  OnboardingResultDetail,
  OnboardingWorkflowInput,
  offboardingDetailType,
  onboardingDetailType,
  type PortfolioOnboardingOutcome,
  PortfolioPlan,
  RefusedAccountEvent,
  RejectedShare,
  type RemovedShare,
} from '../contracts/onboarding.js';
import { RequestFailure } from '../contracts/outcomes.js';
import { UnshareOutcome, UnshareWorkflowInput } from '../contracts/unshare.js';
import { parseWith } from '../validation.js';
import { CaughtError, caughtErrorToFailure, type ResultEvent, refusedResultFields } from '../workflow/result-event.js';

/** What one iteration of the per-portfolio Map gathered. */
export const PortfolioRun = z.object({
  portfolio: PortfolioPlan,
  shareExecution: z
    .object({
      result: z.object({
        outcome: z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']),
        failure: z.object({ error: z.string(), message: z.string() }).nullable(),
        failedAccounts: z.array(z.object({ accountId: z.string(), error: z.string(), message: z.string() })),
      }),
    })
    .optional(),
  memberResult: z
    .object({
      succeeded: z.array(z.string()),
      failed: z.array(z.object({ accountId: z.string(), error: z.string(), message: z.string() })),
    })
    .optional(),
  failure: CaughtError.optional(),
});
export type PortfolioRun = z.infer<typeof PortfolioRun>;

/** What one iteration of the removal Map gathered: the unshare workflow's result (its Output), or the error that stopped it. */
export const RemovalRun = z.object({
  removal: UnshareWorkflowInput,
  unshareExecution: z
    .object({
      // The Portfolio Unshare Succeeded | Failed detail, of which the removal report keeps these fields.
      result: z.object({ outcome: UnshareOutcome, alreadyAbsent: z.boolean(), failure: RequestFailure.nullable() }),
    })
    .optional(),
  failure: CaughtError.optional(),
});
export type RemovalRun = z.infer<typeof RemovalRun>;

export const SummariseOnboardingInput = z.object({
  /** The account event, or the refusal the intake started the workflow with (first: the event would strip its `refused`). */
  request: z.union([RefusedAccountEvent, OnboardingWorkflowInput]),
  startedAt: z.string(),
  plan: OnboardingPlan.nullish(),
  portfolioRuns: z.array(PortfolioRun).nullish(),
  removalRuns: z.array(RemovalRun).nullish(),
  rejection: z.object({ rejectedShares: z.array(RejectedShare) }).nullish(),
  failure: CaughtError.nullish(),
});
export type SummariseOnboardingInput = z.infer<typeof SummariseOnboardingInput>;

const portfolioFailure = (run: PortfolioRun, accountId: string): RequestFailure | null => {
  if (run.failure) return caughtErrorToFailure(run.failure);
  const memberFailure = run.memberResult?.failed.find((failure) => failure.accountId === accountId);
  if (memberFailure) return { error: memberFailure.error, message: memberFailure.message };
  const share = run.shareExecution?.result;
  if (share?.outcome === 'FAILED') {
    const accountFailure = share.failedAccounts.find((failure) => failure.accountId === accountId);
    return (
      share.failure ??
      (accountFailure ? { error: accountFailure.error, message: accountFailure.message } : null) ?? {
        error: 'PortfolioShareFailed',
        message: 'The share workflow failed without naming a cause',
      }
    );
  }
  return null;
};

const toOutcome = (run: PortfolioRun, accountId: string): PortfolioOnboardingOutcome => {
  const failure = portfolioFailure(run, accountId);
  const { portfolio } = run;
  return {
    portfolioId: portfolio.portfolioId,
    outcome: failure ? 'FAILED' : 'SUCCEEDED',
    action: portfolio.share ? 'SHARED' : portfolio.needsMemberActions ? 'MEMBER_ACTIONS' : 'NONE',
    entitledBy: portfolio.entitledBy,
    coveredBy: portfolio.coveredBy,
    shareRequestId: portfolio.share?.requestId ?? null,
    failure,
  };
};

const toRemovedShare = (run: RemovalRun): RemovedShare => {
  const { removal } = run;
  const result = run.unshareExecution?.result;
  const failure = run.failure
    ? caughtErrorToFailure(run.failure)
    : result?.outcome === 'SUCCEEDED'
      ? null
      : (result?.failure ?? { error: 'PortfolioUnshareFailed', message: 'The unshare workflow failed without naming a cause' });
  return {
    portfolioId: removal.portfolioId,
    target: removal.target,
    outcome: failure ? 'FAILED' : 'SUCCEEDED',
    alreadyAbsent: !failure && result?.alreadyAbsent === true,
    unshareRequestId: removal.requestId,
    failure,
  };
};

const onboardingResult = (detail: OnboardingResultDetail): ResultEvent<OnboardingResultDetail> => ({
  detailType: onboardingDetailType(detail.outcome),
  detail: parseWith(OnboardingResultDetail, detail, 'Account Onboarding result'),
});

const offboardingResult = (detail: OffboardingResultDetail): ResultEvent<OffboardingResultDetail> => ({
  detailType: offboardingDetailType(detail.outcome),
  detail: parseWith(OffboardingResultDetail, detail, 'Account Offboarding result'),
});

const failedIf = (failure: RequestFailure | null, ...outcomes: { outcome: string }[][]): 'SUCCEEDED' | 'FAILED' =>
  failure || outcomes.some((list) => list.some((item) => item.outcome === 'FAILED')) ? 'FAILED' : 'SUCCEEDED';

/**
 * The one result event of an account event: `Account Offboarding Succeeded | Failed` for a departed
 * account, `Account Onboarding Succeeded | Failed` (an outcome per portfolio, the shares removed and
 * rejected) for a member account.
 */
export const summariseOnboarding = (
  input: SummariseOnboardingInput,
  at = now(),
): ResultEvent<OnboardingResultDetail> | ResultEvent<OffboardingResultDetail> => {
  if ('refused' in input.request) return refusedAccountEventResult(input.request, input.startedAt, at);
  const { accountId, requestId } = input.request;
  const failure = input.failure ? caughtErrorToFailure(input.failure) : null;
  const removedShares = (input.removalRuns ?? []).map(toRemovedShare);
  const times = { startedAt: new Date(input.startedAt).toISOString(), endedAt: at.toISOString() };
  if (input.request.membership === 'DEPARTED') {
    return offboardingResult({
      requestId,
      requestedBy: input.request.requestedBy,
      outcome: failedIf(failure, removedShares),
      accountId,
      eventName: input.request.trigger.eventName,
      removedShares,
      keptShares: input.plan?.keptShares ?? [],
      failure,
      ...times,
    });
  }
  const portfolios = (input.portfolioRuns ?? []).map((run) => toOutcome(run, accountId));
  const rejectedShares = input.rejection?.rejectedShares ?? [];
  return onboardingResult({
    requestId,
    requestedBy: input.request.requestedBy,
    outcome: failedIf(failure, portfolios, removedShares, rejectedShares),
    accountId,
    organizationalUnitPath: input.plan?.parentPath ?? [],
    portfolios,
    removedShares,
    rejectedShares,
    failure,
    ...times,
  });
};

/**
 * The result of an account event the intake refused (it names no usable account, or its id names a
 * different event): an offboarding one for a departure event.
 */
const refusedAccountEventResult = (
  request: RefusedAccountEvent,
  startedAt: string,
  at: Date,
): ResultEvent<OnboardingResultDetail> | ResultEvent<OffboardingResultDetail> => {
  const fields = { ...refusedResultFields(request, startedAt, at), accountId: null, removedShares: [] };
  if (request.membership === 'DEPARTED') return offboardingResult({ ...fields, eventName: request.trigger.eventName, keptShares: [] });
  return onboardingResult({ ...fields, organizationalUnitPath: [], portfolios: [], rejectedShares: [] });
};
