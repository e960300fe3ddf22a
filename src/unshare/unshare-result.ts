import { z } from 'zod';
import { classifyShareStatus, ShareStatus } from '../catalog/share-status.js';
import { now } from '../clock.js';
import type { AccountFailure, RequestFailure } from '../contracts/outcomes.js';
import { RefusedPortfolioRequest } from '../contracts/refused-request.js';
import { StillVisible, UnshareResultDetail, UnshareWorkflowInput, unshareDetailType } from '../contracts/unshare.js';
import { parseWith } from '../validation.js';
import { listedAccounts, type OutcomeStore, outcomesKey, recordAccountOutcomes } from '../workflow/account-outcomes.js';
import { CaughtError, caughtErrorToFailure, type ResultEvent, refusedResultFields } from '../workflow/result-event.js';

export const SummariseUnshareInput = z.object({
  /** The request, or the refusal the intake started the workflow with (first: the request would strip its `refused`). */
  request: z.union([RefusedPortfolioRequest, UnshareWorkflowInput]),
  startedAt: z.string(),
  shareToken: z.string().nullable(),
  /** The target had no share: nothing was deleted. */
  alreadyAbsent: z.boolean(),
  /** DeletePortfolioShare's output; null when no delete was made. An account share is gone once it returned. */
  deletion: z.object({ PortfolioShareToken: z.string().optional() }).nullish(),
  /** The final status of an organization-node delete. */
  status: ShareStatus.nullish(),
  visibility: StillVisible.nullish(),
  /** The still-visible check failed after the share was handled. */
  visibilityError: CaughtError.nullish(),
  /** Set when a state caught an error, or when polling gave up. */
  failure: CaughtError.nullish(),
});
export type SummariseUnshareInput = z.infer<typeof SummariseUnshareInput>;

const toResult = (detail: UnshareResultDetail): ResultEvent<UnshareResultDetail> => ({
  detailType: unshareDetailType(detail.outcome),
  detail: parseWith(UnshareResultDetail, detail, 'Portfolio Unshare result'),
});

/** Accounts the delete removed the share from, and those where it failed; a throttled account did not lose the share. */
const deleteOutcome = (input: SummariseUnshareInput, request: UnshareWorkflowInput) => {
  if (input.alreadyAbsent || !input.deletion) return { unsharedAccounts: [], failedAccounts: [], failure: null };
  if (request.target.type === 'EXTERNAL_ACCOUNT') return { unsharedAccounts: [request.target.id], failedAccounts: [], failure: null };
  if (!input.status) return { unsharedAccounts: [], failedAccounts: [], failure: null };
  const classified = classifyShareStatus(input.status);
  const failedAccounts: AccountFailure[] = [
    ...classified.failed,
    ...[...classified.throttled].map(([accountId, message]) => ({ accountId, error: 'ThrottlingException', message })),
  ];
  return { unsharedAccounts: classified.shared, failedAccounts, failure: classified.failure };
};

const visibilityFailure = (caught: CaughtError): RequestFailure => {
  const failure = caughtErrorToFailure(caught);
  return {
    ...failure,
    message: `The share was handled, but the accounts that still see the portfolio could not be determined: ${failure.message}`,
  };
};

/** The result event of a request the intake refused (it did not validate, or its requestId names another request). */
const refusedUnshareResult = (request: RefusedPortfolioRequest, startedAt: string, at: Date): ResultEvent<UnshareResultDetail> =>
  toResult({
    ...refusedResultFields(request, startedAt, at),
    portfolioId: request.portfolioId,
    target: request.target,
    shareToken: null,
    alreadyAbsent: false,
    ...unshareLists([], []),
    stillVisibleTo: [],
    stillVisibleCount: 0,
  });

/** The unshare's account lists for its result event (listedAccounts). */
const unshareLists = (unshared: string[], failed: AccountFailure[]) => {
  const listed = listedAccounts(unshared, failed);
  return {
    unsharedAccounts: listed.done,
    failedAccounts: listed.failed,
    unsharedAccountCount: listed.doneCount,
    failedAccountCount: listed.failedCount,
    truncated: listed.truncated,
  };
};

/**
 * The one result event of an unshare request, from everything the workflow gathered; every account's
 * outcome goes to the outcomes table, for `GET /unshares/{requestId}`, and the event lists a bounded sample.
 */
export const summariseUnshare = async (
  input: SummariseUnshareInput,
  store: OutcomeStore,
  at = now(),
): Promise<ResultEvent<UnshareResultDetail>> => {
  const { request } = input;
  if ('refused' in request) return refusedUnshareResult(request, input.startedAt, at);
  const outcome = deleteOutcome(input, request);
  await recordAccountOutcomes(
    store,
    outcomesKey('unshare', request.requestId),
    [
      ...outcome.unsharedAccounts.map((accountId) => ({ accountId, outcome: 'UNSHARED' as const })),
      ...outcome.failedAccounts.map((failure) => ({ ...failure, outcome: 'FAILED' as const })),
    ],
    at,
  );
  const failure =
    (input.failure ? caughtErrorToFailure(input.failure) : null) ??
    outcome.failure ??
    (input.visibilityError ? visibilityFailure(input.visibilityError) : null);
  const visibility = input.visibility ?? { stillVisibleTo: [], stillVisibleCount: 0 };
  return toResult({
    requestId: input.request.requestId,
    outcome: failure || outcome.failedAccounts.length > 0 ? 'FAILED' : 'SUCCEEDED',
    portfolioId: input.request.portfolioId,
    target: input.request.target,
    requestedBy: input.request.requestedBy,
    shareToken: input.shareToken,
    alreadyAbsent: input.alreadyAbsent,
    ...unshareLists(outcome.unsharedAccounts, outcome.failedAccounts),
    stillVisibleTo: visibility.stillVisibleTo,
    stillVisibleCount: visibility.stillVisibleCount,
    failure,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: at.toISOString(),
  });
};
