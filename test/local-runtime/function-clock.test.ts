// The functions' clock (src/clock.ts) as a function's sandbox wires it (local/runtime/sandbox.ts: now()
// from the simulated clock's shared anchors, sleep on that clock), and the Lambda context's countdown.
// local-functions.test.ts checks the same through a worker.

import { SimulatedClock } from '@portfolio-share-orchestrator/local-aws';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/runtime/lambda-context.js';
import { createSharedClock, publishAnchors, readSharedClock } from '../../local/runtime/shared-clock.js';
import { now, sleep, useClock } from '../../src/clock.js';

afterEach(() => useClock(undefined));

describe("the functions' clock", () => {
  it('sleeps in wall time by default', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(50);
  });

  it("follows the simulated clock once a sandbox points it at the clock's shared anchors", async () => {
    const simulated = new SimulatedClock({ scale: 1000, startTime: Date.parse('2026-11-21T10:00:00Z') });
    const anchors = createSharedClock();
    publishAnchors(anchors, simulated.anchors());
    const unsubscribe = simulated.onChange(() => publishAnchors(anchors, simulated.anchors()));
    useClock({ now: () => new Date(readSharedClock(anchors)), sleep: (ms) => simulated.sleep(ms) });
    try {
      expect(Math.abs(now().getTime() - simulated.now())).toBeLessThan(1_000);
      const started = performance.now();
      const simulatedStart = now().getTime();
      await sleep(30_000);
      expect(now().getTime() - simulatedStart).toBeGreaterThanOrEqual(30_000);
      expect(performance.now() - started).toBeLessThan(1_000);

      simulated.setScale(1);
      simulated.advance(86_400_000);
      expect(Math.abs(now().getTime() - simulated.now())).toBeLessThan(50);
    } finally {
      unsubscribe();
      simulated.close();
    }
  });

  it('keeps the wall clock for the part a replacement leaves out, and restores it', async () => {
    useClock({ now: () => new Date('2026-11-21T10:00:00Z') });
    expect(now().toISOString()).toBe('2026-11-21T10:00:00.000Z');
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    useClock(undefined);
    expect(now().getFullYear()).toBe(new Date().getFullYear());
  });
});

describe('local Lambda context', () => {
  it("counts the remaining time down from the function's timeout", async () => {
    const context = lambdaContext('putOrganizationsAccess', 'us-east-1', '123456789012', 29);
    const first = context.getRemainingTimeInMillis();
    expect(first).toBeLessThanOrEqual(29_000);
    expect(first).toBeGreaterThan(28_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(context.getRemainingTimeInMillis()).toBeLessThan(first);
  });
});
