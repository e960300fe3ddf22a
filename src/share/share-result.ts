import { z } from 'zod';
import { now } from '../clock.js';
import { mapWithConcurrency } from '../concurrency.js';
import { type AccountOutcome, outcomeOf } from '../contracts/outcomes.js';
import { RefusedPortfolioRequest } from '../contracts/refused-request.js';
import { AuthorizedShare, ShareResultDetail, ShareWorkflowInput, shareDetailType } from '../contracts/share.js';
import { parseWith } from '../validation.js';
import {
  listedOutcomes,
  type OutcomeStore,
  outcomesKey,
  readAccountOutcomes,
  readBatch,
  recordAccountOutcomes,
} from '../workflow/account-outcomes.js';
import { CaughtError, caughtErrorToFailure, type ResultEvent, refusedResultFields } from '../workflow/result-event.js';
import { ShareProgress } from './share-progress.js';

/** A member-actions batch: what it did, counted, or the error that stopped the whole invocation. */
const MemberBatchOutcome = z.object({
  batch: z.number().int().min(0),
  succeeded: z.number().int().min(0),
  failed: z.number().int().min(0),
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
    ...listedOutcomes([]),
  });

/** Batches whose accounts the summary reads at once. */
const BATCH_READS_AT_ONCE = 8;

/**
 * Every account outcome of the share: the table's, with the accounts of each batch whose member
 * actions did not run to their end (the invocation failed as a whole) failed with its error.
 */
const shareOutcomes = async (input: SummariseShareInput, store: OutcomeStore, at: Date): Promise<AccountOutcome[]> => {
  const key = outcomesKey('share', input.request.requestId);
  const outcomes = await readAccountOutcomes(store, key);
  const failed = new Set(outcomes.filter((outcome) => outcome.outcome === 'FAILED').map((outcome) => outcome.accountId));
  const stopped = (input.memberResults ?? []).flatMap((batch) => (batch.error ? [{ batch: batch.batch, error: batch.error }] : []));
  const unprocessed = (
    await mapWithConcurrency(stopped, BATCH_READS_AT_ONCE, async ({ batch, error: caught }) => {
      const { error, message } = caughtErrorToFailure(caught);
      const accounts = await readBatch(store, key, batch);
      return accounts.flatMap((accountId): AccountOutcome[] =>
        failed.has(accountId) ? [] : [{ accountId, outcome: 'FAILED', error, message }],
      );
    })
  ).flat();
  await recordAccountOutcomes(store, key, unprocessed, at);
  const replaced = new Set(unprocessed.map((outcome) => outcome.accountId));
  return [...outcomes.filter((outcome) => !replaced.has(outcome.accountId)), ...unprocessed];
};

/** The one result event of a share request, from everything the workflow gathered and the outcomes table. */
export const summariseShare = async (
  input: SummariseShareInput,
  store: OutcomeStore,
  at = now(),
): Promise<ResultEvent<ShareResultDetail>> => {
  if ('refused' in input.request) return refusedShareResult(input.request, input.startedAt, at);
  const authorized = 'memberActions' in input.request ? (input.request as AuthorizedShare) : null;
  // A request refused by the policy reached no account: there is nothing in the table to read.
  const listed = listedOutcomes(authorized ? await shareOutcomes(input, store, at) : []);
  const failure = input.failure ? caughtErrorToFailure(input.failure) : input.progress.failure;

  return toResult({
    requestId: input.request.requestId,
    outcome: outcomeOf(listed.sharedAccountCount, listed.failedAccountCount, failure),
    portfolioId: input.request.portfolioId,
    target: input.request.target,
    requestedBy: input.request.requestedBy,
    options: authorized ? { sharePrincipals: authorized.sharePrincipals, shareTagOptions: authorized.shareTagOptions } : null,
    warnings: authorized?.warnings ?? [],
    shareToken: input.shareToken,
    ...listed,
    failure,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: at.toISOString(),
  });
};
