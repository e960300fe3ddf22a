import { SimulatedClock } from '@portfolio-share-orchestrator/local-aws';
import { describe, expect, it } from 'vitest';
import { ratePeriodMs, startSchedules } from '../../local/runtime/schedules.js';
import type { LocalSchedule } from '../../local/runtime/serverless-config.js';

const hourly: LocalSchedule = {
  name: 'reconcile-schedule-1',
  stateMachineKey: 'reconcileSharing',
  expression: 'rate(1 hour)',
  enabled: true,
  input: { trigger: 'schedule' },
  roleArn: 'arn:aws:iam::123456789012:role/reconcile-schedule',
};

const run = (schedules: LocalSchedule[], runSchedules: boolean) => {
  const clock = new SimulatedClock({ scale: 1, startTime: Date.parse('2026-03-01T00:00:00Z') });
  const started: { key: string; input: unknown }[] = [];
  const handle = startSchedules({
    schedules,
    clock,
    run: runSchedules,
    region: 'us-east-1',
    accountId: '123456789012',
    startExecution: (key, input) => started.push({ key, input }),
  });
  return { clock, started, handle };
};

describe('local schedules', () => {
  it('reads rate expressions and refuses cron and malformed rates', () => {
    expect(ratePeriodMs('rate(1 hour)')).toBe(3_600_000);
    expect(ratePeriodMs('rate(15 minutes)')).toBe(900_000);
    expect(ratePeriodMs('rate(2 days)')).toBe(172_800_000);
    expect(() => ratePeriodMs('rate(1 hours)')).toThrow(/not a valid rate/);
    expect(() => ratePeriodMs('cron(0 12 * * ? *)')).toThrow(/only rate/);
  });

  it('registers schedules but runs none unless asked to', () => {
    const { clock, started, handle } = run([hourly], false);
    clock.advance(5 * 3_600_000);
    expect(started).toEqual([]);
    expect(handle.states).toEqual([{ schedule: hourly, state: 'off' }]);
  });

  it('when asked, starts the state machine once a period with the schedule input, until stopped; disabled and cron schedules stay off', () => {
    const disabled = { ...hourly, name: 'disabled', enabled: false };
    const cron = { ...hourly, name: 'cron', expression: 'cron(0 12 * * ? *)' };
    const { clock, started, handle } = run([hourly, disabled, cron], true);

    clock.advance(3_599_000);
    expect(started).toEqual([]);
    clock.advance(1_000);
    clock.advance(3_600_000);
    expect(started).toEqual([
      { key: 'reconcileSharing', input: { trigger: 'schedule' } },
      { key: 'reconcileSharing', input: { trigger: 'schedule' } },
    ]);
    expect(handle.states.map((state) => state.state)).toEqual(['running', 'off', 'unsupported']);

    handle.stop();
    clock.advance(10 * 3_600_000);
    expect(started).toHaveLength(2);
  });

  it('passes a Scheduled Event when the schedule has no input, as EventBridge does', () => {
    const { clock, started } = run([{ ...hourly, input: undefined }], true);
    clock.advance(3_600_000);
    expect(started[0]?.input).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-03-01T01:00:00Z',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/reconcile-schedule-1'],
    });
  });
});
