import { z } from 'zod';
import { DetailType, resultDetailsOf } from './events.js';
import { AccountId, PortfolioId, RequestId, ShareTarget } from './identifiers.js';
import { AccountFailure, RequestFailure, RequestOutcome } from './outcomes.js';

/** A share request: the `detail` of a `Portfolio Share Requested` event, or the body of `POST /shares`. */
export const ShareRequest = z
  .object({
    portfolioId: PortfolioId,
    target: ShareTarget,
    sharePrincipals: z.boolean().optional(),
    shareTagOptions: z.boolean().optional(),
    requestId: RequestId.optional(),
  })
  .strict();
export type ShareRequest = z.infer<typeof ShareRequest>;

/** What a member account must do for one portfolio once it can see it. */
export const MemberActions = z.object({
  /** Accept an account share (`IMPORTED`). Never set for organization shares. */
  accept: z.boolean(),
  /** IAM principals to associate in the member account, as paths such as `role/Developer`. */
  iamPrincipals: z.array(z.string()),
});
export type MemberActions = z.infer<typeof MemberActions>;

/** The input of the share-portfolio state machine, as the intake step builds it. */
export const ShareWorkflowInput = z.object({
  requestId: RequestId,
  portfolioId: PortfolioId,
  target: ShareTarget,
  sharePrincipals: z.boolean(),
  shareTagOptions: z.boolean(),
  origin: z.enum(['api', 'event', 'onboarding', 'reconcile']),
  allowEnableOrganizationsAccess: z.boolean(),
  memberActions: MemberActions,
});
export type ShareWorkflowInput = z.infer<typeof ShareWorkflowInput>;

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

const DETAIL_TYPES = {
  SUCCEEDED: DetailType.shareSucceeded,
  PARTIALLY_SUCCEEDED: DetailType.sharePartiallySucceeded,
  FAILED: DetailType.shareFailed,
} as const satisfies Record<RequestOutcome, DetailType>;

export const shareDetailType = (outcome: RequestOutcome): DetailType => DETAIL_TYPES[outcome];

export const SHARE_RESULT_DETAILS = resultDetailsOf(ShareResultDetail, DETAIL_TYPES);
