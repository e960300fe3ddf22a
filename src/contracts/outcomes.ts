import { z } from 'zod';
import { AccountId } from './identifiers.js';

/** Why a whole request failed (validation, access disabled, an unexpected error). */
export const RequestFailure = z.object({
  error: z.string().min(1),
  message: z.string(),
  /**
   * For a transient fault (throttling, an internal error, a change under way) that outlasted its retry
   * budget: the tries that budget gave the step, the first and every retry (Step Functions catches
   * such an error only once they are spent). Absent for an error that is not retried.
   */
  attempts: z.number().int().min(1).optional(),
});
export type RequestFailure = z.infer<typeof RequestFailure>;

/** An account a request failed for, with the error that stopped it there. */
export const AccountFailure = z.object({
  accountId: AccountId,
  error: z.string().min(1),
  message: z.string(),
  /**
   * For throttling or an internal error in the member account that outlasted the account's retry
   * budget: the tries of the call it failed on, its first and every retry. Absent for an error that
   * is not retried.
   */
  attempts: z.number().int().min(1).optional(),
});
export type AccountFailure = z.infer<typeof AccountFailure>;

/** One account's end in a request that reaches many: kept in the outcomes table, read back by `GET`. */
export const AccountOutcome = z.discriminatedUnion('outcome', [
  z.object({ accountId: AccountId, outcome: z.literal('SHARED') }).strict(),
  z.object({ accountId: AccountId, outcome: z.literal('UNSHARED') }).strict(),
  AccountFailure.extend({ outcome: z.literal('FAILED') }).strict(),
]);
export type AccountOutcome = z.infer<typeof AccountOutcome>;

/** How a request that acts on many things ended: all of them, some, or none. */
export const RequestOutcome = z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']);
export type RequestOutcome = z.infer<typeof RequestOutcome>;

/** The outcome of a request that acted on `succeeded + failed` things, or failed as a whole. */
export const outcomeOf = (succeeded: number, failed: number, failure: RequestFailure | null): RequestOutcome =>
  failure || (failed > 0 && succeeded === 0) ? 'FAILED' : failed > 0 ? 'PARTIALLY_SUCCEEDED' : 'SUCCEEDED';
