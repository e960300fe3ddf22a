// The `schedule` events of serverless.yml's state machines, run on the simulated clock. Off unless
// the local stack is asked to run them (`npm start -- --schedules`): a workflow that acts every hour
// on its own would surprise someone trying the stack; `npm run reconcile` starts one run on demand.
import { randomUUID } from 'node:crypto';
import type { LocalSchedule } from './serverless-config.js';

export class UnsupportedScheduleError extends Error {
  override name = 'UnsupportedScheduleError';
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(5 minutes)` → its period in ms; cron expressions do not run locally. */
export const ratePeriodMs = (expression: string): number => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!rate) throw new UnsupportedScheduleError(`${expression}: only rate(N minutes|hours|days) schedules run locally`);
  const count = Number(rate[1]);
  // EventBridge wants the singular unit for 1 and the plural for more.
  if (count < 1 || (count === 1) !== !(rate[2] as string).endsWith('s'))
    throw new UnsupportedScheduleError(`${expression} is not a valid rate expression`);
  return count * (UNIT_MS[(rate[2] as string).replace(/s$/, '')] as number);
};

/** The event EventBridge passes when a schedule has no input of its own. */
const scheduledEvent = (schedule: LocalSchedule, at: number, region: string, accountId: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: accountId,
  time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region,
  resources: [`arn:aws:events:${region}:${accountId}:rule/${schedule.name}`],
  detail: {},
});

export interface ScheduleClock {
  now(): number;
  schedule(delay: number, run: () => void): () => void;
}

export interface ScheduleOptions {
  schedules: LocalSchedule[];
  clock: ScheduleClock;
  /** Whether enabled schedules run; registered either way. */
  run: boolean;
  region: string;
  accountId: string;
  startExecution: (stateMachineKey: string, input: unknown) => void;
}

export interface ScheduleState {
  schedule: LocalSchedule;
  /** `running`: fires on the simulated clock; `off`: not asked to, or disabled in serverless.yml; `unsupported`: a cron expression. */
  state: 'running' | 'off' | 'unsupported';
}

/** Registers each schedule and, when asked to, starts its state machine every period of simulated time. */
export const startSchedules = (options: ScheduleOptions): { states: ScheduleState[]; stop: () => void } => {
  // The pending tick of each running schedule, to cancel on stop.
  const pending = new Map<LocalSchedule, () => void>();
  let stopped = false;
  const states = options.schedules.map((schedule): ScheduleState => {
    let period: number;
    try {
      period = ratePeriodMs(schedule.expression);
    } catch (error) {
      if (error instanceof UnsupportedScheduleError) return { schedule, state: 'unsupported' };
      throw error;
    }
    if (!options.run || !schedule.enabled) return { schedule, state: 'off' };
    const tick = () => {
      if (stopped) return;
      const input =
        schedule.input === undefined ? scheduledEvent(schedule, options.clock.now(), options.region, options.accountId) : schedule.input;
      options.startExecution(schedule.stateMachineKey, input);
      pending.set(schedule, options.clock.schedule(period, tick));
    };
    pending.set(schedule, options.clock.schedule(period, tick));
    return { schedule, state: 'running' };
  });
  return {
    states,
    stop: () => {
      stopped = true;
      for (const cancel of pending.values()) cancel();
    },
  };
};
