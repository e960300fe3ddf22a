import { z } from 'zod';
import { DetailType, resultDetailsOf } from './events.js';
import { AccountId, PortfolioId, RequestId, ShareTarget } from './identifiers.js';
import { AccountFailure, RequestFailure, RequestOutcome } from './outcomes.js';
import { RequestedBy } from './requested-by.js';

/** Why `sharePrincipals` is refused for an account target: AWS takes it for organization and OU nodes only. */
export const SHARE_PRINCIPALS_NODES_ONLY =
  'applies only to ORGANIZATION and ORGANIZATIONAL_UNIT targets (AWS shares principal names with organization node shares only)';

/** A share request: the `detail` of a `Portfolio Share Requested` event, or the body of `POST /shares`. */
export const ShareRequest = z
  .object({
    portfolioId: PortfolioId,
    target: ShareTarget,
    sharePrincipals: z.boolean().optional(),
    shareTagOptions: z.boolean().optional(),
    requestId: RequestId.optional(),
  })
  .strict()
  .superRefine((request, context) => {
    if (request.sharePrincipals && (request.target.type === 'ACCOUNT' || request.target.type === 'EXTERNAL_ACCOUNT')) {
      context.addIssue({
        code: 'custom',
        path: ['sharePrincipals'],
        message: SHARE_PRINCIPALS_NODES_ONLY,
      });
    }
  });
export type ShareRequest = z.infer<typeof ShareRequest>;

/** What a member account must do for one portfolio once it can see it. */
export const MemberActions = z.object({
  /** Accept an account share (`IMPORTED`). Never set for organization shares. */
  accept: z.boolean(),
  /** IAM principals to associate in the member account, as paths such as `role/Developer`. */
  iamPrincipals: z.array(z.string()),
});
export type MemberActions = z.infer<typeof MemberActions>;

/**
 * The input of the share-portfolio state machine: what was asked and who asked. The options are
 * those the request set (absent: the policy's). Nothing here is trusted: the workflow's first step
 * checks it against the deployed policy and derives what the share does from the policy.
 */
export const ShareWorkflowInput = z.object({
  requestId: RequestId,
  portfolioId: PortfolioId,
  target: ShareTarget,
  sharePrincipals: z.boolean().optional(),
  shareTagOptions: z.boolean().optional(),
  requestedBy: RequestedBy,
});
export type ShareWorkflowInput = z.infer<typeof ShareWorkflowInput>;

/** The share options a share used, as its result records them. */
export const ShareOptionsUsed = z.object({ sharePrincipals: z.boolean(), shareTagOptions: z.boolean() }).strict();

/** What the authorize step makes of an allowed request: everything the share does, from the policy. */
export const AuthorizedShare = z.object({
  requestId: RequestId,
  portfolioId: PortfolioId,
  target: ShareTarget,
  requestedBy: RequestedBy,
  sharePrincipals: z.boolean(),
  shareTagOptions: z.boolean(),
  allowEnableOrganizationsAccess: z.boolean(),
  memberActions: MemberActions,
  /** What the share's options expose that the requester should know (e.g. IAM_PATTERN principals shared by name). */
  warnings: z.array(z.string()),
});
export type AuthorizedShare = z.infer<typeof AuthorizedShare>;

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
    requestedBy: RequestedBy.nullable(),
    /** The options the share used; null when it was refused before they were decided. */
    options: ShareOptionsUsed.nullable(),
    warnings: z.array(z.string()),
    shareToken: z.string().nullable(),
    /** The first accounts shared (by id, at most 1,000): `sharedAccountCount` counts them all. */
    sharedAccounts: z.array(AccountId),
    /** The first accounts failed (by id, at most 100, messages cut): `failedAccountCount` counts them all. */
    failedAccounts: z.array(AccountFailure),
    sharedAccountCount: z.number().int().min(0),
    failedAccountCount: z.number().int().min(0),
    /** True when a list holds fewer accounts than its count: `GET /shares/{requestId}` returns every outcome. */
    truncated: z.boolean(),
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
