import { z } from 'zod';
import { now } from '../clock.js';
import { AccountFailure, outcomeOf } from '../contracts/outcomes.js';
import { RefusedPortfolioRequest } from '../contracts/refused-request.js';
import { AuthorizedShare, ShareResultDetail, ShareWorkflowInput, shareDetailType } from '../contracts/share.js';
import { parseWith } from '../validation.js';
import { CaughtError, caughtErrorToFailure, type ResultEvent, refusedResultFields } from '../workflow/result-event.js';
import { ShareProgress } from './share-progress.js';

/** A member-actions batch: its result, or the error that stopped the whole invocation. */
const MemberBatchOutcome = z.object({
  succeeded: z.array(z.string()),
  failed: z.array(AccountFailure),
  unprocessed: z.array(z.string()).optional(),
  error: CaughtError.optional(),
});

export const SummariseShareInput = z.object({
  /**
   * The authorized share; the request as it came when the authorize step refused or failed; or the
   * refusal the intake started the workflow with (first: the other two would strip its `refused`).
   */
  request: z.union([RefusedPortfolioRequest, AuthorizedShare, ShareWorkflowInput]),
  startedAt: z.string(),
  shareToken: z.string().nullable(),
  progress: ShareProgress,
  memberResults: z.array(MemberBatchOutcome).nullish(),
  /** Set when a state caught an error, or when a check failed the request. */
  failure: CaughtError.nullish(),
});
export type SummariseShareInput = z.infer<typeof SummariseShareInput>;

const toResult = (detail: ShareResultDetail): ResultEvent<ShareResultDetail> => ({
  detailType: shareDetailType(detail.outcome),
  detail: parseWith(ShareResultDetail, detail, 'Portfolio Share result'),
});

/** The result event of a request the intake refused (it did not validate, or its requestId names another request). */
const refusedShareResult = (request: RefusedPortfolioRequest, startedAt: string, at: Date): ResultEvent<ShareResultDetail> =>
  toResult({
    ...refusedResultFields(request, startedAt, at),
    portfolioId: request.portfolioId,
    target: request.target,
    options: null,
    warnings: [],
    shareToken: null,
    sharedAccounts: [],
    failedAccounts: [],
  });

/** The one result event of a share request, from everything the workflow gathered. */
export const summariseShare = (input: SummariseShareInput, at = now()): ResultEvent<ShareResultDetail> => {
  if ('refused' in input.request) return refusedShareResult(input.request, input.startedAt, at);
  const memberFailures = (input.memberResults ?? []).flatMap((batch) => {
    // An account's failure names the error; the result counts tries for the request's own failure only.
    const { error, message } = caughtErrorToFailure(batch.error ?? { Error: 'MemberActionsFailed', Cause: 'The batch was not processed' });
    return [...batch.failed, ...(batch.unprocessed ?? []).map((accountId) => ({ accountId, error, message }))];
  });
  const memberFailed = new Set(memberFailures.map((failure) => failure.accountId));
  const sharedAccounts = input.progress.sharedAccounts.filter((accountId) => !memberFailed.has(accountId));
  const failedAccounts = [...input.progress.failedAccounts, ...memberFailures];
  const failure = input.failure ? caughtErrorToFailure(input.failure) : input.progress.failure;
  const authorized = 'memberActions' in input.request ? (input.request as AuthorizedShare) : null;

  return toResult({
    requestId: input.request.requestId,
    outcome: outcomeOf(sharedAccounts.length, failedAccounts.length, failure),
    portfolioId: input.request.portfolioId,
    target: input.request.target,
    requestedBy: input.request.requestedBy,
    options: authorized ? { sharePrincipals: authorized.sharePrincipals, shareTagOptions: authorized.shareTagOptions } : null,
    warnings: authorized?.warnings ?? [],
    shareToken: input.shareToken,
    sharedAccounts,
    failedAccounts,
    failure,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: at.toISOString(),
  });
};
