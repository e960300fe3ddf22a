import { z } from 'zod';
import { now } from '../clock.js';
import type { DetailType } from '../contracts/events.js';
import { ShareTarget } from '../contracts/identifiers.js';
import {
  AccountFailure,
  type RequestFailure,
  ShareResultDetail,
  type ShareOutcome,
  shareDetailType,
} from '../contracts/result-events.js';
import { ShareWorkflowInput } from '../contracts/workflow-input.js';
import { ShareProgress } from './share-progress.js';

/** An error caught by a state machine `Catch`: `Cause` is a message, or a Lambda error as JSON. */
export const CaughtError = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof CaughtError>;

export const caughtErrorToFailure = (caught: CaughtError): RequestFailure => {
  let message = caught.Cause ?? '';
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) message = String(parsed.errorMessage);
  } catch {
    // A plain message, as SDK integrations report them.
  }
  return { error: caught.Error, message };
};

/** A member-actions batch: its result, or the error that stopped the whole invocation. */
const MemberBatchOutcome = z.object({
  succeeded: z.array(z.string()),
  failed: z.array(AccountFailure),
  unprocessed: z.array(z.string()).optional(),
  error: CaughtError.optional(),
});

export const SummariseShareInput = z.object({
  request: ShareWorkflowInput,
  startedAt: z.string(),
  shareToken: z.string().nullable(),
  progress: ShareProgress,
  memberResults: z.array(MemberBatchOutcome).nullish(),
  /** Set when a state caught an error, or when a check failed the request. */
  failure: CaughtError.nullish(),
});
export type SummariseShareInput = z.input<typeof SummariseShareInput>;

export interface ResultEvent<D> {
  detailType: DetailType;
  detail: D;
}

const outcomeOf = (shared: number, failed: number, failure: RequestFailure | null): ShareOutcome =>
  failure || (failed > 0 && shared === 0) ? 'FAILED' : failed > 0 ? 'PARTIALLY_SUCCEEDED' : 'SUCCEEDED';

const toResult = (detail: ShareResultDetail): ResultEvent<ShareResultDetail> => ({
  detailType: shareDetailType(detail.outcome),
  detail: ShareResultDetail.parse(detail),
});

/** The one result event of a share request, from everything the workflow gathered. */
export const summariseShare = (raw: SummariseShareInput, at = now()): ResultEvent<ShareResultDetail> => {
  const input = SummariseShareInput.parse(raw);
  const memberFailures = (input.memberResults ?? []).flatMap((batch) => [
    ...batch.failed,
    ...(batch.unprocessed ?? []).map((accountId) => ({
      accountId,
      ...caughtErrorToFailure(batch.error ?? { Error: 'MemberActionsFailed', Cause: 'The batch was not processed' }),
    })),
  ]);
  const memberFailed = new Set(memberFailures.map((failure) => failure.accountId));
  const sharedAccounts = input.progress.sharedAccounts.filter((accountId) => !memberFailed.has(accountId));
  const failedAccounts = [...input.progress.failedAccounts, ...memberFailures];
  const failure = input.failure ? caughtErrorToFailure(input.failure) : input.progress.failure;

  return toResult({
    requestId: input.request.requestId,
    outcome: outcomeOf(sharedAccounts.length, failedAccounts.length, failure),
    portfolioId: input.request.portfolioId,
    target: input.request.target,
    shareToken: input.shareToken,
    sharedAccounts,
    failedAccounts,
    failure,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: at.toISOString(),
  });
};

/** What is known of a request that did not validate: its id, and whatever of its fields can be read. */
export interface RejectedRequest {
  requestId: string;
  portfolioId?: unknown;
  target?: unknown;
}

/** The request's own fields for its rejection event: the portfolio id and target when they are usable. */
export const rejectedRequestFields = (request: RejectedRequest): { requestId: string; portfolioId: string | null; target: ShareTarget | null } => {
  const target = ShareTarget.safeParse(request.target);
  return {
    requestId: request.requestId,
    portfolioId: typeof request.portfolioId === 'string' ? request.portfolioId : null,
    target: target.success ? target.data : null,
  };
};

/** The result event of a request that never reached a workflow (it did not validate). */
export const rejectedShareResult = (request: RejectedRequest, failure: RequestFailure, at = now()): ResultEvent<ShareResultDetail> =>
  toResult({
    ...rejectedRequestFields(request),
    outcome: 'FAILED',
    shareToken: null,
    sharedAccounts: [],
    failedAccounts: [],
    failure,
    startedAt: at.toISOString(),
    endedAt: at.toISOString(),
  });
