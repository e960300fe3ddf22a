import { z } from 'zod';
import policies from '../../statemachines/policies.json' with { type: 'json' };
import { classifyShareStatus, ShareStatus } from '../catalog/share-status.js';
import { now } from '../clock.js';
import { chunk } from '../concurrency.js';
import { type AccountFailure, RequestFailure } from '../contracts/outcomes.js';
import { AuthorizedShare } from '../contracts/share.js';
import { parseWith } from '../validation.js';
import { type OutcomeStore, outcomesKey, readAccountOutcomes, recordAccountOutcomes, recordBatches } from '../workflow/account-outcomes.js';

// Tuning numbers and the initial progress live in the workflows' one table, statemachines/policies.json.
/** Throttled accounts are shared again at most this many times before they count as failed. */
export const MAX_RESHARE_ROUNDS = policies.Tuning.ReshareRounds.value;
/** Accounts per member-actions invocation: 5,000 accounts are 50 Map iterations. */
export const MEMBER_BATCH_SIZE = policies.Tuning.MemberBatchSize.value;

export const ShareProgress = z.object({
  round: z.number().int().min(0),
  /** Accounts that came back throttled and will be shared again one at a time. */
  retryAccounts: z.array(z.string()),
  /**
   * The member-action batches, by number: their accounts are in the outcomes table, so the state
   * stays small however many accounts the share reaches. Empty when none are needed.
   */
  memberBatches: z.array(z.number().int().min(0)),
  failure: RequestFailure.nullable(),
  next: z.enum(['RESHARE', 'MEMBER_ACTIONS', 'SUMMARISE']),
});
export type ShareProgress = z.infer<typeof ShareProgress>;

/** The progress "Prepare share" starts with: the same table entry, `${Initial.ShareProgress}`. */
export const INITIAL_PROGRESS: ShareProgress = parseWith(
  ShareProgress,
  policies.Initial.ShareProgress.value,
  'Initial.ShareProgress of statemachines/policies.json',
);

export const EvaluateShareInput = z.object({
  request: AuthorizedShare,
  progress: ShareProgress,
  /** The final status of the share just made (absent for account shares, which have no token). */
  status: ShareStatus.nullish(),
  /** The final status of each re-share of a throttled account. */
  reshares: z.array(z.object({ accountId: z.string(), status: ShareStatus })).nullish(),
});
export type EvaluateShareInput = z.infer<typeof EvaluateShareInput>;

const needsMemberActions = (request: AuthorizedShare): boolean =>
  request.memberActions.accept || request.memberActions.iamPrincipals.length > 0;

/**
 * Folds a share's final status (or the re-shares of throttled accounts) into the outcomes table and
 * decides what comes next: share throttled accounts again, act in member accounts, or summarise.
 * Re-running it with the same input writes the same outcomes: Lambda's retries are safe.
 */
export const evaluateShare = async (input: EvaluateShareInput, store: OutcomeStore, at = now()): Promise<ShareProgress> => {
  const { request, progress } = input;
  const key = outcomesKey('share', request.requestId);

  const statuses: ShareStatus[] = input.reshares?.map((reshare) => reshare.status) ?? (input.status ? [input.status] : []);
  const classified = statuses.map(classifyShareStatus);
  if (request.target.type === 'EXTERNAL_ACCOUNT' && !input.status && !input.reshares) {
    classified.push({ shared: [request.target.id], failed: [], throttled: new Map(), failure: null });
  }

  const shared = new Set(classified.flatMap((c) => c.shared));
  const failed: AccountFailure[] = classified.flatMap((c) => c.failed).filter((failure) => !shared.has(failure.accountId));
  const throttled = new Map(classified.flatMap((c) => [...c.throttled]).filter(([accountId]) => !shared.has(accountId)));
  const failure = progress.failure ?? classified.find((c) => c.failure)?.failure ?? null;

  const round = input.reshares ? progress.round : 0;
  const resharing = throttled.size > 0 && round < MAX_RESHARE_ROUNDS && !failure;
  if (!resharing) {
    for (const [accountId, message] of throttled) {
      failed.push({
        accountId,
        error: 'ThrottlingException',
        message: `${message || 'Throttled'} (still throttled after ${round} re-share${round === 1 ? '' : 's'})`,
      });
    }
  }
  await recordAccountOutcomes(
    store,
    key,
    [
      ...failed.map((account) => ({ ...account, outcome: 'FAILED' as const })),
      ...[...shared].map((accountId) => ({ accountId, outcome: 'SHARED' as const })),
    ],
    at,
  );
  if (resharing) return { ...progress, round: round + 1, retryAccounts: [...throttled.keys()], failure, next: 'RESHARE' };

  let memberBatches: number[] = [];
  if (needsMemberActions(request) && !failure) {
    // Every account shared over all rounds, as the table now holds them.
    const sharedAccounts = (await readAccountOutcomes(store, key))
      .filter((outcome) => outcome.outcome === 'SHARED')
      .map((outcome) => outcome.accountId);
    memberBatches = await recordBatches(store, key, chunk(sharedAccounts, MEMBER_BATCH_SIZE), at);
  }
  return { round, retryAccounts: [], memberBatches, failure, next: memberBatches.length > 0 ? 'MEMBER_ACTIONS' : 'SUMMARISE' };
};
