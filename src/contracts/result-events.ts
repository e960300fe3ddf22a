import { z } from 'zod';
import { DetailType } from './events.js';
import { AccountId, ShareTarget } from './identifiers.js';
import { OwnershipTransferResultDetail } from './ownership-transfer.js';
import { RequestFailure, RequestOutcome } from './outcomes.js';
import { DriftDetectedDetail, ReconciliationCompletedDetail } from './reconcile.js';

export { RequestFailure, RequestOutcome as ShareOutcome };

export const AccountFailure = z.object({
  accountId: AccountId,
  error: z.string().min(1),
  message: z.string(),
});
export type AccountFailure = z.infer<typeof AccountFailure>;


/**
 * The detail of `Portfolio Share Succeeded | Partially Succeeded | Failed`.
 * `portfolioId` and `target` are null only when the request itself was malformed.
 */
export const ShareResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: RequestOutcome,
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

/**
 * An account-level share (recipient exactly this account) removed because the policy no longer
 * entitles the account to it: target `ACCOUNT` is an organization-member-account share,
 * `EXTERNAL_ACCOUNT` an account share.
 */
export const RemovedShare = z
  .object({
    portfolioId: z.string().min(1),
    target: ShareTarget,
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    /** The share was already gone when the unshare workflow ran. */
    alreadyAbsent: z.boolean(),
    /** The unshare workflow's request id (`Portfolio Unshare Succeeded | Failed` carries it too). */
    unshareRequestId: z.string().min(1),
    failure: RequestFailure.nullable(),
  })
  .strict();
export type RemovedShare = z.infer<typeof RemovedShare>;

/** An account-level share left in place because the policy still entitles the account to the portfolio. */
export const KeptShare = z
  .object({
    portfolioId: z.string().min(1),
    target: ShareTarget,
    entitledBy: ShareTarget,
  })
  .strict();
export type KeptShare = z.infer<typeof KeptShare>;

/** An imported share the member account rejected (settings.rejectUnentitledShares). */
export const RejectedShare = z
  .object({
    portfolioId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    failure: RequestFailure.nullable(),
  })
  .strict();
export type RejectedShare = z.infer<typeof RejectedShare>;

/** The detail of `Account Onboarding Succeeded | Failed`. */
export const OnboardingResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    accountId: z.string().nullable(),
    organizationalUnitPath: z.array(z.string()),
    portfolios: z.array(PortfolioOnboardingOutcome),
    /** Account-level shares the account's new place no longer entitles it to, removed through the unshare workflow. */
    removedShares: z.array(RemovedShare),
    /** Imported shares rejected in the account; always empty unless settings.rejectUnentitledShares is on. */
    rejectedShares: z.array(RejectedShare),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OnboardingResultDetail = z.infer<typeof OnboardingResultDetail>;

/** The detail of `Account Offboarding Succeeded | Failed`: what an account's departure removed and kept. */
export const OffboardingResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    /** Null only for an event too malformed to name the account. */
    accountId: z.string().nullable(),
    /** The event that reported the departure (`RemoveAccountFromOrganization`, `LeaveOrganization`). */
    eventName: z.string().nullable(),
    removedShares: z.array(RemovedShare),
    /** Account shares that EXTERNAL_ACCOUNT targets still entitle the departed account to. */
    keptShares: z.array(KeptShare),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OffboardingResultDetail = z.infer<typeof OffboardingResultDetail>;

export const shareDetailType = (outcome: RequestOutcome): DetailType =>
  outcome === 'SUCCEEDED'
    ? DetailType.shareSucceeded
    : outcome === 'PARTIALLY_SUCCEEDED'
      ? DetailType.sharePartiallySucceeded
      : DetailType.shareFailed;

export const unshareDetailType = (outcome: UnshareOutcome): DetailType =>
  outcome === 'SUCCEEDED' ? DetailType.unshareSucceeded : DetailType.unshareFailed;

export const onboardingDetailType = (outcome: 'SUCCEEDED' | 'FAILED'): DetailType =>
  outcome === 'SUCCEEDED' ? DetailType.onboardingSucceeded : DetailType.onboardingFailed;

export const offboardingDetailType = (outcome: 'SUCCEEDED' | 'FAILED'): DetailType =>
  outcome === 'SUCCEEDED' ? DetailType.offboardingSucceeded : DetailType.offboardingFailed;

/** One JSON Schema file per result detail-type lives in `schemas/events/`; this maps them. */
export const RESULT_DETAIL_SCHEMAS = {
  [DetailType.shareSucceeded]: ShareResultDetail,
  [DetailType.sharePartiallySucceeded]: ShareResultDetail,
  [DetailType.shareFailed]: ShareResultDetail,
  [DetailType.onboardingSucceeded]: OnboardingResultDetail,
  [DetailType.onboardingFailed]: OnboardingResultDetail,
  [DetailType.unshareSucceeded]: UnshareResultDetail,
  [DetailType.unshareFailed]: UnshareResultDetail,
  [DetailType.ownershipTransferSucceeded]: OwnershipTransferResultDetail,
  [DetailType.ownershipTransferPartiallySucceeded]: OwnershipTransferResultDetail,
  [DetailType.ownershipTransferFailed]: OwnershipTransferResultDetail,
  [DetailType.offboardingSucceeded]: OffboardingResultDetail,
  [DetailType.offboardingFailed]: OffboardingResultDetail,
  [DetailType.driftDetected]: DriftDetectedDetail,
  [DetailType.reconciliationCompleted]: ReconciliationCompletedDetail,
} as const;
