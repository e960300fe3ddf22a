import { RETRY_BUDGETS, type RetryBudget } from '../../src/workflow/retry-budgets.js';

/** A retrier's budget by its name in statemachines/policies.json, so tests follow the table rather than restate it. */
export const retryBudget = (name: string): RetryBudget => {
  const found = RETRY_BUDGETS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no retrier ${name} in statemachines/policies.json`);
  return found;
};
