import { z } from 'zod';
import { now } from '../clock.js';
import {
  OnboardingResultDetail,
  type PortfolioOnboardingOutcome,
  type RequestFailure,
  onboardingDetailType,
} from '../contracts/result-events.js';
import { OnboardingWorkflowInput } from '../contracts/workflow-input.js';
import { CaughtError, type ResultEvent, caughtErrorToFailure } from '../share/share-result.js';
import { OnboardingPlan, PortfolioPlan } from './plan-onboarding.js';

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
export type PortfolioRun = z.input<typeof PortfolioRun>;

export const SummariseOnboardingInput = z.object({
  request: OnboardingWorkflowInput,
  startedAt: z.string(),
  plan: OnboardingPlan.nullish(),
  portfolioRuns: z.array(PortfolioRun).nullish(),
  failure: CaughtError.nullish(),
});
export type SummariseOnboardingInput = z.input<typeof SummariseOnboardingInput>;

const portfolioFailure = (run: z.infer<typeof PortfolioRun>, accountId: string): RequestFailure | null => {
  if (run.failure) return caughtErrorToFailure(run.failure);
  const memberFailure = run.memberResult?.failed.find((failure) => failure.accountId === accountId);
  if (memberFailure) return { error: memberFailure.error, message: memberFailure.message };
  const share = run.shareExecution?.result;
  if (share?.outcome === 'FAILED') {
    const accountFailure = share.failedAccounts.find((failure) => failure.accountId === accountId);
    return share.failure ?? (accountFailure ? { error: accountFailure.error, message: accountFailure.message } : null) ?? {
      error: 'PortfolioShareFailed',
      message: 'The share workflow failed without naming a cause',
    };
  }
  return null;
};

const toOutcome = (run: z.infer<typeof PortfolioRun>, accountId: string): PortfolioOnboardingOutcome => {
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

const toResult = (detail: OnboardingResultDetail): ResultEvent<OnboardingResultDetail> => ({
  detailType: onboardingDetailType(detail.outcome),
  detail: OnboardingResultDetail.parse(detail),
});

/** The one `Account Onboarding Succeeded | Failed` event, with an outcome per portfolio. */
export const summariseOnboarding = (raw: SummariseOnboardingInput, at = now()): ResultEvent<OnboardingResultDetail> => {
  const input = SummariseOnboardingInput.parse(raw);
  const accountId = input.request.accountId;
  const portfolios = (input.portfolioRuns ?? []).map((run) => toOutcome(run, accountId));
  const failure = input.failure ? caughtErrorToFailure(input.failure) : null;
  return toResult({
    requestId: input.request.requestId,
    outcome: failure || portfolios.some((portfolio) => portfolio.outcome === 'FAILED') ? 'FAILED' : 'SUCCEEDED',
    accountId,
    organizationalUnitPath: input.plan?.parentPath ?? [],
    portfolios,
    failure,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: at.toISOString(),
  });
};

/** The result of an account event that could not be understood. */
export const rejectedOnboardingResult = (
  requestId: string,
  failure: RequestFailure,
  at = now(),
): ResultEvent<OnboardingResultDetail> =>
  toResult({
    requestId,
    outcome: 'FAILED',
    accountId: null,
    organizationalUnitPath: [],
    portfolios: [],
    failure,
    startedAt: at.toISOString(),
    endedAt: at.toISOString(),
  });
