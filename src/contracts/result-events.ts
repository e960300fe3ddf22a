import { z } from 'zod';
import { DetailType } from './events.js';
import { AccountId, ShareTarget } from './identifiers.js';
import { DriftDetectedDetail, ReconciliationCompletedDetail } from './reconcile.js';
import { RequestFailure } from './request-failure.js';

export const AccountFailure = z.object({
  accountId: AccountId,
  error: z.string().min(1),
  message: z.string(),
});
export type AccountFailure = z.infer<typeof AccountFailure>;

// Its own module, so that result schemas defined elsewhere can use it and still be registered below.
export { RequestFailure } from './request-failure.js';

export const ShareOutcome = z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']);
export type ShareOutcome = z.infer<typeof ShareOutcome>;

/**
 * The detail of `Portfolio Share Succeeded | Partially Succeeded | Failed`.
 * `portfolioId` and `target` are null only when the request itself was malformed.
 */
export const ShareResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: ShareOutcome,
    portfolioId: z.string().nullable(),
    target: ShareTarget.nullable(),
    shareToken: z.string().nullable(),
    sharedAccounts: z.array(AccountId),
    failedAccounts: z.array(AccountFailure),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ShareResultDetail = z.infer<typeof ShareResultDetail>;

/** An account that still sees the portfolio after an unshare, and the remaining share that reaches it. */
export const StillVisibleAccount = z
  .object({
    accountId: AccountId,
    through: ShareTarget,
  })
  .strict();
export type StillVisibleAccount = z.infer<typeof StillVisibleAccount>;

export const UnshareOutcome = z.enum(['SUCCEEDED', 'FAILED']);
export type UnshareOutcome = z.infer<typeof UnshareOutcome>;

/**
 * The detail of `Portfolio Unshare Succeeded | Failed`. `alreadyAbsent` says the target was not
 * shared, so nothing was deleted. `stillVisibleTo` lists at most a bounded number of accounts (an
 * event must stay under 256 KiB); `stillVisibleCount` counts them all.
 */
export const UnshareResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: UnshareOutcome,
    portfolioId: z.string().nullable(),
    target: ShareTarget.nullable(),
    shareToken: z.string().nullable(),
    alreadyAbsent: z.boolean(),
    unsharedAccounts: z.array(AccountId),
    failedAccounts: z.array(AccountFailure),
    stillVisibleTo: z.array(StillVisibleAccount),
    stillVisibleCount: z.number().int().min(0),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type UnshareResultDetail = z.infer<typeof UnshareResultDetail>;

export const PortfolioOnboardingAction = z.enum(['NONE', 'MEMBER_ACTIONS', 'SHARED']);

export const PortfolioOnboardingOutcome = z
  .object({
    portfolioId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    /** What onboarding had to do: nothing, member actions only (an existing share covers the account), or a share. */
    action: PortfolioOnboardingAction,
    entitledBy: ShareTarget,
    coveredBy: ShareTarget.nullable(),
    shareRequestId: z.string().nullable(),
    failure: RequestFailure.nullable(),
  })
  .strict();
export type PortfolioOnboardingOutcome = z.infer<typeof PortfolioOnboardingOutcome>;

/** The detail of `Account Onboarding Succeeded | Failed`. */
export const OnboardingResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    accountId: z.string().nullable(),
    organizationalUnitPath: z.array(z.string()),
    portfolios: z.array(PortfolioOnboardingOutcome),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OnboardingResultDetail = z.infer<typeof OnboardingResultDetail>;

export const shareDetailType = (outcome: ShareOutcome): DetailType =>
  outcome === 'SUCCEEDED'
    ? DetailType.shareSucceeded
    : outcome === 'PARTIALLY_SUCCEEDED'
      ? DetailType.sharePartiallySucceeded
      : DetailType.shareFailed;

export const unshareDetailType = (outcome: UnshareOutcome): DetailType =>
  outcome === 'SUCCEEDED' ? DetailType.unshareSucceeded : DetailType.unshareFailed;

export const onboardingDetailType = (outcome: 'SUCCEEDED' | 'FAILED'): DetailType =>
  outcome === 'SUCCEEDED' ? DetailType.onboardingSucceeded : DetailType.onboardingFailed;

/** One JSON Schema file per result detail-type lives in `schemas/events/`; this maps them. */
export const RESULT_DETAIL_SCHEMAS = {
  [DetailType.shareSucceeded]: ShareResultDetail,
  [DetailType.sharePartiallySucceeded]: ShareResultDetail,
  [DetailType.shareFailed]: ShareResultDetail,
  [DetailType.onboardingSucceeded]: OnboardingResultDetail,
  [DetailType.onboardingFailed]: OnboardingResultDetail,
  [DetailType.unshareSucceeded]: UnshareResultDetail,
  [DetailType.unshareFailed]: UnshareResultDetail,
  [DetailType.driftDetected]: DriftDetectedDetail,
  [DetailType.reconciliationCompleted]: ReconciliationCompletedDetail,
} as const;
