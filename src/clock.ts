/**
 * The functions' notion of now: the wall clock in AWS. The local stack points it at its simulated
 * clock, which also stamps executions and events there, so that results stay in order.
 */
const wallClock = (): Date => new Date();
let current = wallClock;

export const now = (): Date => current();

export const useClock = (clock: (() => Date) | undefined): void => {
  current = clock ?? wallClock;
};
