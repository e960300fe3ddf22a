// Waiting on the endpoint's simulated clock: a simulated duration takes duration / scale real time.
import { setTimeout as delay } from 'node:timers/promises';
import type { SimulationClock } from '../contract.js';

/** Long waits re-read the clock at least this often (real ms), so a changed scale or a jump of simulated time takes effect. */
const MAX_SLICE_MS = 1_000;

/** Resolves once the clock reads `until` (simulated epoch ms); rejects with the signal's reason when aborted. */
export async function sleepUntil(clock: SimulationClock, until: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    const remaining = until - clock.now();
    if (remaining <= 0) return;
    await delay(Math.min(remaining / clock.scale, MAX_SLICE_MS), undefined, { signal });
  }
}

/** A real-clock instant (from the interpreter's events) as simulated epoch ms. */
export function simulatedTimeOf(clock: SimulationClock, realEpochMs: number): number {
  return clock.now() - (Date.now() - realEpochMs) * clock.scale;
}
