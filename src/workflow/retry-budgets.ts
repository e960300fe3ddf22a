import policies from '../../statemachines/policies.json' with { type: 'json' };

// The retry budgets of the workflows, read from their one table (statemachines/policies.json): how
// often Step Functions tries a step that meets a transient fault, and how long it may wait in all.
// A fault ends a request only once its budget is spent, so a result reports the tries it took.

/** A retrier as ASL writes it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

/** What one retrier allows a step. */
export interface RetryBudget {
  /** The retrier's name in the table. */
  name: string;
  errors: string[];
  /** The first try and every retry. */
  tries: number;
  /** The longest wait before each retry, in seconds; full jitter draws each between zero and it. */
  waitsSeconds: number[];
  /** All the waits at their longest. */
  longestWaitSeconds: number;
  jitter: boolean;
  /** Whether results count the tries of the faults it retries (`attempts`). */
  counted: boolean;
}

// ASL's values for the fields a retrier leaves out.
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_BACKOFF_RATE = 2;
const DEFAULT_MAX_ATTEMPTS = 3;

/** The budget of one retrier: the interval grows by the backoff rate up to the delay cap, once per retry. */
export const retryBudgetOf = (name: string, retrier: Retrier, counted: boolean): RetryBudget => {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const backoff = retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  const waitsSeconds = Array.from({ length: retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS }, (_, retry) =>
    Math.min(interval * backoff ** retry, cap),
  );
  return {
    name,
    errors: retrier.ErrorEquals,
    tries: waitsSeconds.length + 1,
    waitsSeconds,
    longestWaitSeconds: waitsSeconds.reduce((sum, wait) => sum + wait, 0),
    jitter: retrier.JitterStrategy === 'FULL',
    counted,
  };
};

/** Every retrier of the table with its budget; those marked `transient` are counted in results. */
export const RETRY_BUDGETS: RetryBudget[] = Object.entries(policies.Retrier).map(([name, entry]) =>
  retryBudgetOf(name, entry.value, 'transient' in entry && entry.transient === true),
);

const COUNTED = new Map(
  RETRY_BUDGETS.filter((budget) => budget.counted).flatMap((budget) => budget.errors.map((error) => [error, budget])),
);

/**
 * How often a step was tried before a transient fault ended it: every try its budget allows, as Step
 * Functions catches such an error only once the retrier that matches it is spent. Undefined for any
 * other error, which ends the request as it comes.
 */
export const attemptsBefore = (error: string): number | undefined => COUNTED.get(error)?.tries;
