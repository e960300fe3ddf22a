import { z } from 'zod';
import policies from '../../statemachines/policies.json' with { type: 'json' };
import { classifyShareStatus, ShareStatus } from '../catalog/share-status.js';
import { chunk } from '../concurrency.js';
import { AccountFailure, RequestFailure } from '../contracts/outcomes.js';
import { AuthorizedShare } from '../contracts/share.js';
import { parseWith } from '../validation.js';

// Tuning numbers and the initial progress live in the workflows' one table, statemachines/policies.json.
/** Throttled accounts are shared again at most this many times before they count as failed. */
export const MAX_RESHARE_ROUNDS = policies.Tuning.ReshareRounds.value;
/** Accounts per member-actions invocation: 5,000 accounts are 50 Map iterations. */
export const MEMBER_BATCH_SIZE = policies.Tuning.MemberBatchSize.value;

export const ShareProgress = z.object({
  round: z.number().int().min(0),
  sharedAccounts: z.array(z.string()),
  failedAccounts: z.array(AccountFailure),
  /** Accounts that came back throttled and will be shared again one at a time. */
  retryAccounts: z.array(z.string()),
  /** Accounts per batch for member actions; empty when none are needed. */
  memberBatches: z.array(z.array(z.string())),
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
 * Folds a share's final status (or the re-shares of throttled accounts) into the progress and
 * decides what comes next: share throttled accounts again, act in member accounts, or summarise.
 */
export const evaluateShare = (input: EvaluateShareInput): ShareProgress => {
  const { request, progress } = input;

  const statuses: ShareStatus[] = input.reshares?.map((reshare) => reshare.status) ?? (input.status ? [input.status] : []);
  const classified = statuses.map(classifyShareStatus);
  if (request.target.type === 'EXTERNAL_ACCOUNT' && !input.status && !input.reshares) {
    classified.push({ shared: [request.target.id], failed: [], throttled: new Map(), failure: null });
  }

  const shared = new Set([...progress.sharedAccounts, ...classified.flatMap((c) => c.shared)]);
  const failedAccounts = [...progress.failedAccounts, ...classified.flatMap((c) => c.failed)].filter(
    (failure) => !shared.has(failure.accountId),
  );
  const throttled = new Map(classified.flatMap((c) => [...c.throttled]).filter(([accountId]) => !shared.has(accountId)));
  const failure = progress.failure ?? classified.find((c) => c.failure)?.failure ?? null;

  const round = input.reshares ? progress.round : 0;
  if (throttled.size > 0 && round < MAX_RESHARE_ROUNDS && !failure) {
    return {
      ...progress,
      round: round + 1,
      sharedAccounts: [...shared],
      failedAccounts,
      retryAccounts: [...throttled.keys()],
      failure,
      next: 'RESHARE',
    };
  }

  for (const [accountId, message] of throttled) {
    failedAccounts.push({
      accountId,
      error: 'ThrottlingException',
      message: `${message || 'Throttled'} (still throttled after ${round} re-share${round === 1 ? '' : 's'})`,
    });
  }
  const sharedAccounts = [...shared];
  const memberBatches = needsMemberActions(request) && !failure ? chunk(sharedAccounts, MEMBER_BATCH_SIZE) : [];
  return {
    round,
    sharedAccounts,
    failedAccounts,
    retryAccounts: [],
    memberBatches,
    failure,
    next: memberBatches.length > 0 ? 'MEMBER_ACTIONS' : 'SUMMARISE',
  };
};
