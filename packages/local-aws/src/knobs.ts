// Simulation knobs: latency, throttling and faults per API, time scale and duplicate event delivery.
// Set from the fixture's `simulation:` section and changed at runtime by tests and benchmarks.
// Selectors name APIs as IAM does: `organizations:ListAccounts`, `servicecatalog:*`, or `*`; the
// most specific selector that matches an API decides.
import { performance } from 'node:perf_hooks';
import type { SimulatedClock } from './clock.js';
import type { Random } from './contract.js';
import { deriveRandom } from './random.js';

/** Milliseconds of real time added before a call is handled: fixed, or uniform in [minMs, maxMs]. */
export type LatencySpec = number | { minMs: number; maxMs: number };

/**
 * A token bucket per calling account and API: `burst` calls at once, refilled at `ratePerSecond` (real
 * time); or a `fraction` (0–1) of calls throttled, drawn from the seeded source (chaos runs).
 */
export type ThrottleSpec = { ratePerSecond: number; burst: number } | { fraction: number };

/** Fails this fraction (0–1) of calls with the service's internal error. */
export interface FaultSpec {
  rate: number;
}

export interface KnobSettings {
  latency: Record<string, LatencySpec>;
  throttling: Record<string, ThrottleSpec>;
  faults: Record<string, FaultSpec>;
  /** Fraction (0–1) of published events that are delivered twice, as EventBridge may. */
  duplicateEventRate: number;
}

export class InvalidKnobError extends Error {
  override name = 'InvalidKnobError';
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface SimulationKnobsOptions {
  seed: number;
  clock: SimulatedClock;
  settings?: Partial<KnobSettings>;
  /** Real milliseconds, monotonic; injectable so that throttling tests do not depend on the machine's speed. */
  realNow?: () => number;
}

export class SimulationKnobs {
  #settings: KnobSettings = emptySettings();
  readonly #buckets = new Map<string, Bucket>();
  readonly #clock: SimulatedClock;
  readonly #latencyRandom: Random;
  readonly #faultRandom: Random;
  readonly #throttleRandom: Random;
  readonly #duplicateRandom: Random;
  readonly #realNow: () => number;

  constructor(options: SimulationKnobsOptions) {
    this.#clock = options.clock;
    this.#latencyRandom = deriveRandom(options.seed, 'knobs:latency');
    this.#faultRandom = deriveRandom(options.seed, 'knobs:faults');
    this.#throttleRandom = deriveRandom(options.seed, 'knobs:throttles');
    this.#duplicateRandom = deriveRandom(options.seed, 'knobs:duplicates');
    this.#realNow = options.realNow ?? (() => performance.now());
    if (options.settings) this.apply(options.settings);
  }

  /** The current settings (a copy). */
  settings(): KnobSettings {
    return structuredClone(this.#settings);
  }

  /** Merges settings: selectors given replace the same selectors, others stay. */
  apply(settings: Partial<KnobSettings>): void {
    for (const [selector, spec] of Object.entries(settings.latency ?? {})) this.setLatency(selector, spec);
    for (const [selector, spec] of Object.entries(settings.throttling ?? {})) this.setThrottling(selector, spec);
    for (const [selector, spec] of Object.entries(settings.faults ?? {})) this.setFault(selector, spec);
    if (settings.duplicateEventRate !== undefined) this.setDuplicateEventRate(settings.duplicateEventRate);
  }

  /** Back to no latency, throttling, faults or duplicates (the time scale is kept). */
  reset(): void {
    this.#settings = emptySettings();
    this.#buckets.clear();
  }

  setLatency(selector: string, spec: LatencySpec | null): void {
    checkSelector(selector);
    if (spec === null) {
      delete this.#settings.latency[selector];
      return;
    }
    const [min, max] = typeof spec === 'number' ? [spec, spec] : [spec.minMs, spec.maxMs];
    if (!(min >= 0) || !(max >= min)) throw new InvalidKnobError(`Latency for ${selector} must satisfy 0 <= minMs <= maxMs`);
    this.#settings.latency[selector] = typeof spec === 'number' ? spec : { minMs: min, maxMs: max };
  }

  setThrottling(selector: string, spec: ThrottleSpec | null): void {
    checkSelector(selector);
    this.#buckets.clear();
    if (spec === null) {
      delete this.#settings.throttling[selector];
      return;
    }
    if ('fraction' in spec) {
      if (!(spec.fraction >= 0 && spec.fraction <= 1))
        throw new InvalidKnobError(`Throttled fraction for ${selector} must be between 0 and 1`);
      this.#settings.throttling[selector] = { fraction: spec.fraction };
      return;
    }
    if (!(spec.ratePerSecond >= 0) || !(spec.burst >= 1))
      throw new InvalidKnobError(`Throttling for ${selector} needs ratePerSecond >= 0 and burst >= 1`);
    this.#settings.throttling[selector] = { ratePerSecond: spec.ratePerSecond, burst: spec.burst };
  }

  setFault(selector: string, spec: FaultSpec | null): void {
    checkSelector(selector);
    if (spec === null) {
      delete this.#settings.faults[selector];
      return;
    }
    if (!(spec.rate >= 0 && spec.rate <= 1)) throw new InvalidKnobError(`Fault rate for ${selector} must be between 0 and 1`);
    this.#settings.faults[selector] = { rate: spec.rate };
  }

  setDuplicateEventRate(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new InvalidKnobError('Duplicate event rate must be between 0 and 1');
    this.#settings.duplicateEventRate = rate;
  }

  get timeScale(): number {
    return this.#clock.scale;
  }

  setTimeScale(scale: number): void {
    this.#clock.setScale(scale);
  }

  /** Real milliseconds to wait before handling this call. */
  latencyFor(service: string, operation: string): number {
    const spec = pick(this.#settings.latency, service, operation);
    if (spec === undefined) return 0;
    if (typeof spec === 'number') return spec;
    return spec.minMs + (spec.maxMs - spec.minMs) * this.#latencyRandom();
  }

  /** Takes a token for this call; false means the call is throttled. */
  admit(service: string, operation: string, accountId: string): boolean {
    const spec = pick(this.#settings.throttling, service, operation);
    if (!spec) return true;
    if ('fraction' in spec) return !(spec.fraction > 0 && this.#throttleRandom() < spec.fraction);
    const key = `${accountId}|${service}:${operation}`;
    const now = this.#realNow();
    const bucket = this.#buckets.get(key) ?? { tokens: spec.burst, updatedAt: now };
    bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * spec.ratePerSecond);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** True when this call should fail with an injected internal error. */
  injectFault(service: string, operation: string): boolean {
    const spec = pick(this.#settings.faults, service, operation);
    if (!spec || spec.rate === 0) return false;
    return this.#faultRandom() < spec.rate;
  }

  duplicateEvent(): boolean {
    const rate = this.#settings.duplicateEventRate;
    return rate > 0 && this.#duplicateRandom() < rate;
  }
}

function emptySettings(): KnobSettings {
  return { latency: {}, throttling: {}, faults: {}, duplicateEventRate: 0 };
}

const SELECTOR = /^(\*|[a-z0-9-]+:(\*|[A-Za-z0-9]+))$/;

function checkSelector(selector: string): void {
  if (!SELECTOR.test(selector))
    throw new InvalidKnobError(`Knob selector ${JSON.stringify(selector)} must be "*", "<service>:*" or "<service>:<Operation>"`);
}

function pick<T>(table: Record<string, T>, service: string, operation: string): T | undefined {
  return table[`${service}:${operation}`] ?? table[`${service}:*`] ?? table['*'];
}
