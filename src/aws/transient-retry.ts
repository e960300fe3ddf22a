import type { Clock } from '../clock.js';
import { isErrorNamed, TransientRetriesSpentError } from '../errors.js';

/**
 * The names the JavaScript SDK gives throttling and internal errors once its own quick tries are
 * spent: Service Catalog's (`ThrottlingException`, `InternalFailure`, `ServiceUnavailable`) and
 * STS's throttling of AssumeRole (`Throttling`). The same call succeeds later.
 */
export const TRANSIENT_CALL_ERRORS = ['ThrottlingException', 'Throttling', 'InternalFailure', 'ServiceUnavailable'] as const;

/** How long one unit of work (e.g. one member account) may wait out transient faults of its calls. */
export interface TransientRetryPolicy {
  /** The longest first wait; each further wait of the same call may be twice as long, up to `maxWaitMs`. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** All the waits of the unit together, over all its calls: what bounds its time. */
  budgetMs: number;
}

export interface TransientRetries {
  /** Runs `call`, again after each transient fault while the budget lasts; any other error passes as it comes. */
  run: <T>(call: () => Promise<T>) => Promise<T>;
  /** The waits spent so far. */
  waitedMs: () => number;
}

/**
 * One budget of retries with exponential backoff and full jitter: each wait is drawn between zero and
 * `firstWaitMs × 2^retry` (capped at `maxWaitMs`), and the last is cut to what the budget has left.
 * `sleep` is the functions' clock, so the local stack waits in simulated time.
 */
export const transientRetries = (
  policy: TransientRetryPolicy,
  dependencies: { sleep: Clock['sleep']; random?: () => number },
): TransientRetries => {
  const random = dependencies.random ?? Math.random;
  let waitedMs = 0;
  return {
    waitedMs: () => waitedMs,
    run: async (call) => {
      for (let tries = 1; ; tries++) {
        try {
          return await call();
        } catch (error) {
          if (!isErrorNamed(error, ...TRANSIENT_CALL_ERRORS)) throw error;
          const left = policy.budgetMs - waitedMs;
          if (left <= 0) throw new TransientRetriesSpentError(tries, error);
          const ceiling = Math.min(policy.maxWaitMs, policy.firstWaitMs * 2 ** (tries - 1));
          // At least 1 ms, so that the budget runs out even if the random source keeps drawing zero.
          const wait = Math.min(left, Math.max(1, Math.floor(random() * ceiling)));
          waitedMs += wait;
          await dependencies.sleep(wait);
        }
      }
    },
  };
};
