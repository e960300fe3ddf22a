// Simulated time: scale, jumps and scheduled work.
import { describe, expect, it } from 'vitest';
import { InvalidTimeScaleError, SimulatedClock } from '../src/clock.js';

describe('SimulatedClock', () => {
  it('starts at the given time and runs scale times faster than real time', async () => {
    const clock = new SimulatedClock({ scale: 1000, startTime: Date.parse('2024-05-01T00:00:00Z') });
    const before = clock.now();
    expect(before).toBeGreaterThanOrEqual(Date.parse('2024-05-01T00:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now() - before).toBeGreaterThanOrEqual(15_000);
    clock.close();
  });

  it('keeps time continuous when the scale changes', () => {
    const clock = new SimulatedClock({ scale: 1 });
    const before = clock.now();
    clock.setScale(1_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    expect(clock.now() - before).toBeLessThan(60_000);
    expect(() => clock.setScale(0)).toThrow(InvalidTimeScaleError);
    clock.close();
  });

  it('runs scheduled work when simulated time reaches it, in order, and not when cancelled', async () => {
    const clock = new SimulatedClock({ scale: 1 });
    const ran: string[] = [];
    clock.schedule(2_000, () => ran.push('second'));
    clock.schedule(1_000, () => ran.push('first'));
    const cancel = clock.schedule(1_500, () => ran.push('cancelled'));
    cancel();
    clock.advance(999);
    expect(ran).toEqual([]);
    clock.advance(1_001);
    expect(ran).toEqual(['first', 'second']);
    const sped = new SimulatedClock({ scale: 100_000 });
    await sped.sleep(60_000);
    sped.close();
    expect(clock.pendingTasks).toBe(0);
    clock.close();
  });

  it('gives its anchors to readers elsewhere and tells them when the scale changes or time jumps', () => {
    const clock = new SimulatedClock({ scale: 100, startTime: Date.parse('2024-05-01T00:00:00Z') });
    let changes = 0;
    const unsubscribe = clock.onChange(() => {
      changes += 1;
    });
    const fromAnchors = ({ simulated, monotonic, scale }: ReturnType<SimulatedClock['anchors']>) =>
      simulated + (Number(process.hrtime.bigint()) / 1e6 - monotonic) * scale;
    expect(Math.abs(fromAnchors(clock.anchors()) - clock.now())).toBeLessThan(100);
    clock.advance(60_000);
    clock.setScale(10);
    expect(changes).toBe(2);
    const anchors = clock.anchors();
    expect(anchors.scale).toBe(10);
    expect(Math.abs(fromAnchors(anchors) - clock.now())).toBeLessThan(10);
    unsubscribe();
    clock.advance(1);
    expect(changes).toBe(2);
    clock.close();
  });
});
