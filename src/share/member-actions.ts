import { AcceptPortfolioShareCommand, AssociatePrincipalWithPortfolioCommand } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import { type TransientRetryPolicy, transientRetries } from '../aws/transient-retry.js';
import type { Clock } from '../clock.js';
import { mapWithConcurrency } from '../concurrency.js';
import { AccountId, PortfolioId } from '../contracts/identifiers.js';
import type { AccountFailure } from '../contracts/outcomes.js';
import { RequestedBy } from '../contracts/requested-by.js';
import { MemberActions } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { describeError, MemberRoleUnavailableError, NotAuthorizedError, TransientRetriesSpentError } from '../errors.js';
import { authorizedPortfolio } from '../policy/authorization.js';

/** One batch of member accounts for one portfolio: the input of the member-actions function. */
export const MemberActionsBatch = z.object({
  portfolioId: PortfolioId,
  accounts: z.array(AccountId).min(1),
  actions: MemberActions,
  /** Who asked for the share: member sessions carry it as sts:SourceIdentity, for the member account's CloudTrail. */
  requestedBy: RequestedBy.optional(),
  /**
   * Onboarding sets this: a brand-new account's role may not exist yet, so the function fails with
   * MemberRoleUnavailableError and the state machine retries it with backoff for a bounded time.
   * A share fan-out instead reports such accounts as failed and carries on.
   */
  failWhenRoleUnavailable: z.boolean().default(false),
});
export type MemberActionsBatch = z.infer<typeof MemberActionsBatch>;

/**
 * Refuses a batch that asks for principals the deployed policy does not associate for the
 * portfolio (or a portfolio it does not list): the step acts with the member role in every account,
 * so it takes only what the policy says, never what its input adds.
 */
export const authorizeMemberActions = (batch: MemberActionsBatch, policy: SharingPolicy): MemberActionsBatch => {
  const { portfolio, path } = authorizedPortfolio(policy, batch.portfolioId);
  const extra = batch.actions.iamPrincipals.filter((principal) => !portfolio.associatePrincipals.includes(principal));
  if (extra.length > 0) {
    throw new NotAuthorizedError(
      `${path}.associatePrincipals of ${batch.portfolioId} does not list ${extra.join(', ')}: member actions associate only the policy's principals`,
      `${path}.associatePrincipals`,
    );
  }
  return batch;
};

export interface MemberBatchResult {
  succeeded: string[];
  failed: AccountFailure[];
}

/** Accounts worked on at once inside one invocation. */
export const MEMBER_ACCOUNTS_AT_ONCE = 10;
/** Tries of AssumeRole within the invocation for a role not there yet, `MEMBER_ROLE_RETRY_DELAY_MS × retry` apart. */
export const MEMBER_ROLE_ATTEMPTS = 3;
export const MEMBER_ROLE_RETRY_DELAY_MS = 500;

/**
 * What each member account may wait out throttling and internal errors of its calls (AssumeRole,
 * AcceptPortfolioShare, AssociatePrincipalWithPortfolio) within one invocation. A batch works through
 * its accounts `MEMBER_ACCOUNTS_AT_ONCE` at a time, so a batch whose every account spends its budget
 * waits `batch size / MEMBER_ACCOUNTS_AT_ONCE` budgets in all: that has to stay well inside the
 * function's timeout (docs/operations.md#retry-budgets; test/deploy/retry-budgets.test.ts checks it).
 */
export const MEMBER_CALL_RETRIES: TransientRetryPolicy = { firstWaitMs: 1_000, maxWaitMs: 8_000, budgetMs: 12_000 };

export interface MemberActionsDependencies {
  memberServiceCatalog: MemberServiceCatalog;
  /** Every wait between tries: the functions' clock, so that the local stack's time scale applies. */
  sleep: Clock['sleep'];
  /** The jitter's random source, in [0, 1); tests fix it. */
  random?: () => number;
  concurrency?: number;
  /** Tries of AssumeRole within the invocation, for eventual consistency of new roles. */
  roleAttempts?: number;
  roleRetryDelayMs?: number;
  /** The retry budget of each account's transient faults. */
  callRetries?: TransientRetryPolicy;
  partition?: string;
}

const principalArn = (partition: string, accountId: string, path: string): string => `arn:${partition}:iam::${accountId}:${path}`;

/**
 * Accepts the account share (IMPORTED) and associates the IAM principals in each member account.
 * Both calls are idempotent in Service Catalog, so a retried batch repeats them safely, and so does
 * a call tried again after a transient fault; an account whose fault outlasts its budget fails with
 * the tries of the call it failed on, while any other error fails it at once.
 */
export const runMemberActions = async (batch: MemberActionsBatch, dependencies: MemberActionsDependencies): Promise<MemberBatchResult> => {
  const partition = dependencies.partition ?? 'aws';
  const roleAttempts = dependencies.roleAttempts ?? MEMBER_ROLE_ATTEMPTS;
  const roleRetryDelayMs = dependencies.roleRetryDelayMs ?? MEMBER_ROLE_RETRY_DELAY_MS;
  const callRetries = dependencies.callRetries ?? MEMBER_CALL_RETRIES;

  const clientFor = async (accountId: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await dependencies.memberServiceCatalog(accountId);
      } catch (error) {
        if (!(error instanceof MemberRoleUnavailableError) || attempt >= roleAttempts) throw error;
        await dependencies.sleep(roleRetryDelayMs * attempt);
      }
    }
  };

  const outcomes = await mapWithConcurrency(batch.accounts, dependencies.concurrency ?? MEMBER_ACCOUNTS_AT_ONCE, async (accountId) => {
    // One budget per account, over all its calls, so that an account's time stays bounded however many principals it gets.
    const retries = transientRetries(callRetries, { sleep: dependencies.sleep, random: dependencies.random });
    try {
      const client = await retries.run(() => clientFor(accountId));
      if (batch.actions.accept) {
        await retries.run(() =>
          client.send(new AcceptPortfolioShareCommand({ PortfolioId: batch.portfolioId, PortfolioShareType: 'IMPORTED' })),
        );
      }
      for (const path of batch.actions.iamPrincipals) {
        await retries.run(() =>
          client.send(
            new AssociatePrincipalWithPortfolioCommand({
              PortfolioId: batch.portfolioId,
              PrincipalARN: principalArn(partition, accountId, path),
              PrincipalType: 'IAM',
            }),
          ),
        );
      }
      return { accountId };
    } catch (error) {
      if (error instanceof MemberRoleUnavailableError && batch.failWhenRoleUnavailable) throw error;
      if (error instanceof TransientRetriesSpentError) return { accountId, ...describeError(error.cause), attempts: error.attempts };
      return { accountId, ...describeError(error) };
    }
  });

  const failed = outcomes.filter((outcome): outcome is AccountFailure => 'error' in outcome);
  const failedIds = new Set(failed.map((failure) => failure.accountId));
  return { succeeded: batch.accounts.filter((accountId) => !failedIds.has(accountId)), failed };
};
