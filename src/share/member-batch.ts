import { z } from 'zod';
import { now } from '../clock.js';
import { PortfolioId, RequestId } from '../contracts/identifiers.js';
import { RequestedBy } from '../contracts/requested-by.js';
import { MemberActions } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { type OutcomeStore, outcomesKey, readBatch, recordAccountOutcomes } from '../workflow/account-outcomes.js';
import { authorizeMemberActions, type MemberActionsDependencies, runMemberActions } from './member-actions.js';

/** One member-actions batch of a share, by number: its accounts are in the outcomes table. */
export const ShareMemberBatch = z.object({
  requestId: RequestId,
  batch: z.number().int().min(0),
  portfolioId: PortfolioId,
  actions: MemberActions,
  requestedBy: RequestedBy.optional(),
});
export type ShareMemberBatch = z.infer<typeof ShareMemberBatch>;

/** What a batch did, counted: each account's outcome is in the outcomes table. */
export interface ShareMemberBatchResult {
  batch: number;
  succeeded: number;
  failed: number;
}

export interface ShareMemberBatchDependencies extends MemberActionsDependencies {
  store: OutcomeStore;
  /** The deployed policy: the batch acts only as it says (authorizeMemberActions). */
  policy: SharingPolicy;
}

/**
 * Runs the member actions of one batch of a share and records each failed account in the outcomes
 * table (the shared ones are there already), so the workflow's state carries counts, not accounts.
 */
export const actInMemberBatch = async (
  input: ShareMemberBatch,
  dependencies: ShareMemberBatchDependencies,
): Promise<ShareMemberBatchResult> => {
  const key = outcomesKey('share', input.requestId);
  const accounts = await readBatch(dependencies.store, key, input.batch);
  const batch = authorizeMemberActions(
    { portfolioId: input.portfolioId, accounts, actions: input.actions, requestedBy: input.requestedBy, failWhenRoleUnavailable: false },
    dependencies.policy,
  );
  const result = await runMemberActions(batch, dependencies);
  await recordAccountOutcomes(
    dependencies.store,
    key,
    result.failed.map((failure) => ({ ...failure, outcome: 'FAILED' as const })),
    now(),
  );
  return { batch: input.batch, succeeded: result.succeeded.length, failed: result.failed.length };
};
