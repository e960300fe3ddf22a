import { AcceptPortfolioShareCommand, AssociatePrincipalWithPortfolioCommand } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import type { Clock } from '../clock.js';
import { mapWithConcurrency } from '../concurrency.js';
import { AccountId, PortfolioId } from '../contracts/identifiers.js';
import type { AccountFailure } from '../contracts/outcomes.js';
import { RequestedBy } from '../contracts/requested-by.js';
import { MemberActions } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { describeError, MemberRoleUnavailableError, NotAuthorizedError } from '../errors.js';
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

export interface MemberActionsDependencies {
  memberServiceCatalog: MemberServiceCatalog;
  /** Waits between AssumeRole tries: the functions' clock, so that the local stack's time scale applies. */
  sleep: Clock['sleep'];
  /** Accounts worked on at once inside one invocation. */
  concurrency?: number;
  /** Extra tries of AssumeRole within the invocation, for eventual consistency of new roles. */
  roleAttempts?: number;
  roleRetryDelayMs?: number;
  partition?: string;
}

const principalArn = (partition: string, accountId: string, path: string): string => `arn:${partition}:iam::${accountId}:${path}`;

/**
 * Accepts the account share (IMPORTED) and associates the IAM principals in each member account.
 * Both calls are idempotent in Service Catalog, so a retried batch repeats them safely.
 */
export const runMemberActions = async (batch: MemberActionsBatch, dependencies: MemberActionsDependencies): Promise<MemberBatchResult> => {
  const partition = dependencies.partition ?? 'aws';
  const roleAttempts = dependencies.roleAttempts ?? 3;
  const roleRetryDelayMs = dependencies.roleRetryDelayMs ?? 500;

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

  const outcomes = await mapWithConcurrency(batch.accounts, dependencies.concurrency ?? 10, async (accountId) => {
    try {
      const client = await clientFor(accountId);
      if (batch.actions.accept) {
        await client.send(new AcceptPortfolioShareCommand({ PortfolioId: batch.portfolioId, PortfolioShareType: 'IMPORTED' }));
      }
      for (const path of batch.actions.iamPrincipals) {
        await client.send(
          new AssociatePrincipalWithPortfolioCommand({
            PortfolioId: batch.portfolioId,
            PrincipalARN: principalArn(partition, accountId, path),
            PrincipalType: 'IAM',
          }),
        );
      }
      return { accountId };
    } catch (error) {
      if (error instanceof MemberRoleUnavailableError && batch.failWhenRoleUnavailable) throw error;
      return { accountId, ...describeError(error) };
    }
  });

  const failed = outcomes.filter((outcome): outcome is AccountFailure => 'error' in outcome);
  const failedIds = new Set(failed.map((failure) => failure.accountId));
  return { succeeded: batch.accounts.filter((accountId) => !failedIds.has(accountId)), failed };
};
