import { z } from 'zod';
import { DetailType, resultDetailsOf } from './events.js';
import { AccountId, PortfolioId, RequestId, ShareTarget } from './identifiers.js';
import { AccountFailure, RequestFailure } from './outcomes.js';
import { RequestedBy } from './requested-by.js';

/** An unshare request: the `detail` of a `Portfolio Unshare Requested` event, or the body of `DELETE /shares`. */
export const UnshareRequest = z
  .object({
    portfolioId: PortfolioId,
    target: ShareTarget,
    requestId: RequestId.optional(),
  })
  .strict();
export type UnshareRequest = z.infer<typeof UnshareRequest>;

/** The input of the unshare-portfolio state machine. */
export const UnshareWorkflowInput = z.object({
  requestId: RequestId,
  portfolioId: PortfolioId,
  target: ShareTarget,
  /** Who asked: a caller (api, event), onboarding for an account leaving an entitled place, or a reconcile run that prunes. */
  requestedBy: RequestedBy,
});
export type UnshareWorkflowInput = z.infer<typeof UnshareWorkflowInput>;

/** An account that still sees the portfolio after an unshare, and the remaining share that reaches it. */
export const StillVisibleAccount = z
  .object({
    accountId: AccountId,
    through: ShareTarget,
  })
  .strict();
export type StillVisibleAccount = z.infer<typeof StillVisibleAccount>;

/** What the still-visible check found, as the unshare workflow carries it to its summary. */
export const StillVisible = z.object({
  stillVisibleTo: z.array(StillVisibleAccount),
  stillVisibleCount: z.number().int().min(0),
});
export type StillVisible = z.infer<typeof StillVisible>;

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
    requestedBy: RequestedBy.nullable(),
    shareToken: z.string().nullable(),
    alreadyAbsent: z.boolean(),
    /** The first accounts unshared (by id, at most 1,000): `unsharedAccountCount` counts them all. */
    unsharedAccounts: z.array(AccountId),
    /** The first accounts failed (by id, at most 100, messages cut): `failedAccountCount` counts them all. */
    failedAccounts: z.array(AccountFailure),
    unsharedAccountCount: z.number().int().min(0),
    failedAccountCount: z.number().int().min(0),
    /** True when a list holds fewer accounts than its count: `GET /unshares/{requestId}` returns every outcome. */
    truncated: z.boolean(),
    stillVisibleTo: z.array(StillVisibleAccount),
    stillVisibleCount: z.number().int().min(0),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type UnshareResultDetail = z.infer<typeof UnshareResultDetail>;

const DETAIL_TYPES = {
  SUCCEEDED: DetailType.unshareSucceeded,
  FAILED: DetailType.unshareFailed,
} as const satisfies Record<UnshareOutcome, DetailType>;

export const unshareDetailType = (outcome: UnshareOutcome): DetailType => DETAIL_TYPES[outcome];

export const UNSHARE_RESULT_DETAILS = resultDetailsOf(UnshareResultDetail, DETAIL_TYPES);
