/**
 * The functions' notion of time: the wall clock in AWS. The local stack points it at its simulated
 * clock, which also stamps executions and events there, so that results stay in order and a
 * function that waits for AWS (e.g. through UNDER_CHANGE) waits in the time AWS's state follows.
 */
export interface Clock {
  now: () => Date;
  /** Resolves once `ms` milliseconds of this clock's time have passed. */
  sleep: (ms: number) => Promise<void>;
}

const wallClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
let current = wallClock;

export const now = (): Date => current.now();

export const sleep = (ms: number): Promise<void> => current.sleep(ms);

/** Replaces the clock (both parts fall back to the wall clock's); `undefined` restores the wall clock. */
export const useClock = (clock: Partial<Clock> | undefined): void => {
  current = { ...wallClock, ...clock };
};
