// How far an organization-node share action has got: it works through its accounts evenly between
// its start and its completion, so status details and recipients' access advance together.
import type { AccountOutcome, ShareAction } from './state.js';

function processedCount(action: ShareAction, now: number): number {
  if (now >= action.completesAt) return action.outcomes.length;
  if (now < action.startAt) return 0;
  const fraction = (now - action.startAt) / (action.completesAt - action.startAt);
  return Math.floor(action.outcomes.length * fraction);
}

/** Outcomes of the accounts processed so far. */
export function processedOutcomes(action: ShareAction, now: number): AccountOutcome[] {
  return action.outcomes.slice(0, processedCount(action, now));
}

/** Whether the action has already processed the account successfully. */
export function hasReached(action: ShareAction | undefined, accountId: string, now: number): boolean {
  const index = action?.order.get(accountId);
  if (action === undefined || index === undefined || index >= processedCount(action, now)) return false;
  return action.outcomes[index]?.error === undefined;
}
