// Simulated time. AWS work that takes minutes (account creation, share propagation, a StackSet
// reaching a new account) is scheduled in simulated milliseconds; the clock runs `scale` times
// faster than real time, and tests can also jump it forward.
import { performance } from 'node:perf_hooks';
import type { SimulationClock } from './contract.js';

export class InvalidTimeScaleError extends Error {
  override name = 'InvalidTimeScaleError';
}

interface ScheduledTask {
  due: number;
  sequence: number;
  run: () => void;
}

export interface SimulatedClockOptions {
  /** Simulated ms per real ms. */
  scale?: number;
  /** Simulated epoch ms at start; defaults to the real time now. */
  startTime?: number;
  /** Where a failing scheduled task is reported; by default it is rethrown. */
  onTaskError?: (error: unknown) => void;
}

/**
 * Where simulated time stands, for a reader that computes `now()` itself (e.g. another thread):
 * `simulated` ms at the moment `monotonic`, running `scale` times faster from there. `monotonic` is
 * `process.hrtime` in ms, the same clock in every thread of the process (unlike `performance.now()`,
 * whose origin differs per thread).
 */
export interface ClockAnchors {
  simulated: number;
  monotonic: number;
  scale: number;
}

// setTimeout takes at most a signed 32-bit delay.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const monotonicNow = (): number => Number(process.hrtime.bigint()) / 1e6;

export class SimulatedClock implements SimulationClock {
  #scale: number;
  #anchorSimulated: number;
  #anchorReal: number;
  #tasks: ScheduledTask[] = [];
  #sequence = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #closed = false;
  #listeners = new Set<() => void>();
  readonly #onTaskError: (error: unknown) => void;

  constructor(options: SimulatedClockOptions = {}) {
    this.#scale = checkScale(options.scale ?? 1);
    this.#anchorSimulated = options.startTime ?? Date.now();
    this.#anchorReal = performance.now();
    this.#onTaskError =
      options.onTaskError ??
      ((error) => {
        throw error;
      });
  }

  now(): number {
    return this.#anchorSimulated + (performance.now() - this.#anchorReal) * this.#scale;
  }

  get scale(): number {
    return this.#scale;
  }

  /** Changes the speed from now on; simulated time stays continuous. */
  setScale(scale: number): void {
    const now = this.now();
    this.#scale = checkScale(scale);
    this.#anchorSimulated = now;
    this.#anchorReal = performance.now();
    this.#changed();
    this.#arm();
  }

  /** Jumps simulated time forward and runs whatever became due. */
  advance(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError(`Cannot move simulated time by ${milliseconds} ms`);
    this.#anchorSimulated += milliseconds;
    this.#changed();
    this.runDue();
  }

  anchors(): ClockAnchors {
    const monotonic = monotonicNow();
    return { simulated: this.now(), monotonic, scale: this.#scale };
  }

  /** Calls `listener` whenever time stops following from the last anchors (a new scale, a jump forward). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Runs `run` once `delay` simulated milliseconds have passed. Returns a cancel function. */
  schedule(delay: number, run: () => void): () => void {
    const task: ScheduledTask = { due: this.now() + Math.max(0, delay), sequence: this.#sequence++, run };
    this.#tasks.push(task);
    this.#tasks.sort((a, b) => a.due - b.due || a.sequence - b.sequence);
    this.#arm();
    return () => {
      this.#tasks = this.#tasks.filter((candidate) => candidate !== task);
      this.#arm();
    };
  }

  /** Resolves once `delay` simulated milliseconds have passed. */
  sleep(delay: number): Promise<void> {
    return new Promise((resolve) => this.schedule(delay, resolve));
  }

  /** Runs every task that is due. Called by the timer and before each request, so state never lags the clock. */
  runDue(): void {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        const next = this.#tasks[0];
        if (!next || next.due > this.now() || this.#closed) break;
        this.#tasks.shift();
        try {
          next.run();
        } catch (error) {
          this.#onTaskError(error);
        }
      }
    } finally {
      this.#running = false;
    }
    this.#arm();
  }

  get pendingTasks(): number {
    return this.#tasks.length;
  }

  close(): void {
    this.#closed = true;
    this.#tasks = [];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#tasks[0];
    if (!next || this.#closed) return;
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.ceil((next.due - this.now()) / this.#scale)));
    this.#timer = setTimeout(() => this.runDue(), delay);
    // Pending simulated work must not keep a finished test process alive.
    this.#timer.unref();
  }
}

function checkScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new InvalidTimeScaleError(`Time scale must be a positive number, got ${scale}`);
  return scale;
}
