import { randomUUID } from 'node:crypto';
import {
  type BusEvent,
  ChangedRecords,
  type EventLog,
  type LocalAwsState,
  type SimulatedClock,
} from '@portfolio-share-orchestrator/local-aws';
import { matchesEventPattern, validateEventPattern } from './event-pattern.js';
import type { LocalRule } from './serverless-config.js';
import { targetInput } from './target-input.js';

export interface Delivery {
  rule: string;
  event: BusEvent;
  attempts: number;
  error?: string;
}

export interface EventRouterOptions {
  events: EventLog;
  rules: LocalRule[];
  /**
   * The account the rules belong to. Every account has its own default bus, and AWS services put
   * an event on the default bus of the account it happened in (a member's own calls go to the
   * member's bus), so another account's default-bus events never reach these rules.
   */
  accountId: string;
  /** Deliveries start once this resolves (what they invoke is bound); events are recorded from the start. */
  ready?: Promise<unknown>;
  /** The endpoint's clock: retries wait in its simulated time. */
  clock: Pick<SimulatedClock, 'now' | 'sleep'>;
  invokeFunction: (functionKey: string, event: unknown) => Promise<unknown>;
  /** Writes a log target's entry; rejects when the log group's resource policy refuses the rule. */
  writeLog: (rule: LocalRule, entry: unknown) => void | Promise<void>;
  /** Called when a delivery gives up: the rule target's dead-letter queue. */
  onDeadLetter?: (delivery: Delivery) => void;
  onDelivered?: (delivery: Delivery) => void;
  /**
   * The endpoint's state directory: every delivery not yet done is kept there, so that an event
   * whose PutEvents was answered reaches its targets after a restart (`resume()`).
   */
  state?: LocalAwsState;
}

/** A rule delivery under way, as a persisted state keeps it. */
interface PendingDelivery {
  rule: string;
  event: BusEvent;
  /** Attempts made before (after a restart the delivery goes on from there). */
  attempts: number;
  /** Simulated ms of the first attempt: the retry policy's maximum event age counts from it. */
  firstTry: number;
}

const PART = 'runtime:event-router';

/** EventBridge's retry backoff: exponential with a cap, in simulated seconds. */
const backoffSeconds = (attempt: number) => Math.min(2 ** attempt, 300);

/** The envelope as EventBridge hands it to a target (the bus name is ours, not AWS's). */
const asDelivered = ({ eventBusName: _bus, ...event }: BusEvent) => event;

/**
 * Routes every event on the local buses to the rules whose pattern matches, as EventBridge does:
 * at least once, retried with backoff for the rule's retry policy, then to the dead-letter queue.
 */
export const startEventRouter = (options: EventRouterOptions) => {
  for (const rule of options.rules) validateEventPattern(rule.pattern);
  const inFlight = new Set<Promise<void>>();
  const deadLetters: Delivery[] = [];
  const pending = new Map<string, PendingDelivery>();
  const records = new ChangedRecords(
    (key) => pending.get(key),
    () => pending.keys(),
  );
  if (options.state) records.part(PART, (part) => (options.state as LocalAwsState).attach(part));
  const restored = options.state?.restored ? [...options.state.recordsOf(PART)] : [];
  let stopped = false;
  let resumable = false;

  const deliver = async (rule: LocalRule, key: string, delivery: PendingDelivery): Promise<void> => {
    const { event, firstTry } = delivery;
    const done = () => {
      pending.delete(key);
      records.touch(key);
    };
    await options.ready;
    if (stopped && resumable) return;
    for (let attempt = delivery.attempts + 1; ; attempt++) {
      try {
        const input = targetInput(asDelivered(event), rule.input, rule.name);
        if (rule.target.kind === 'log') await options.writeLog(rule, input);
        else await options.invokeFunction(rule.target.functionKey, input);
        // A stack stopped to be restarted delivers again what it cannot be sure of.
        if (stopped && resumable) return;
        done();
        options.onDelivered?.({ rule: rule.name, event, attempts: attempt });
        return;
      } catch (error) {
        if (stopped && resumable) return;
        delivery.attempts = attempt;
        records.touch(key);
        const expired = options.clock.now() - firstTry > rule.retryPolicy.maximumEventAgeSeconds * 1000;
        if (stopped || expired || attempt > rule.retryPolicy.maximumRetryAttempts) {
          done();
          const dead = {
            rule: rule.name,
            event,
            attempts: attempt,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          };
          deadLetters.push(dead);
          options.onDeadLetter?.(dead);
          return;
        }
        await options.clock.sleep(backoffSeconds(attempt) * 1000);
      }
    }
  };

  const start = (rule: LocalRule, key: string, delivery: PendingDelivery) => {
    const running = deliver(rule, key, delivery).finally(() => inFlight.delete(running));
    inFlight.add(running);
  };

  const unsubscribe = options.events.subscribe((event) => {
    if (stopped) return;
    const busName = event.eventBusName ?? 'default';
    if (busName === 'default' && event.account !== options.accountId) return;
    for (const rule of options.rules) {
      if (busName !== rule.eventBusName || !matchesEventPattern(rule.pattern, asDelivered(event))) continue;
      // Recorded before the PutEvents that published the event is answered (the same commit holds both).
      const key = randomUUID();
      const delivery: PendingDelivery = { rule: rule.name, event, attempts: 0, firstTry: options.clock.now() };
      pending.set(key, delivery);
      records.touch(key);
      start(rule, key, delivery);
    }
  });

  return {
    deadLetters,
    /**
     * Goes on with the deliveries a restart interrupted (at least once: one that was done but not yet
     * recorded as done is made again; the intakes start nothing twice). Returns how many.
     */
    resume(): number {
      let resumed = 0;
      for (const [key, value] of restored.splice(0)) {
        const delivery = value as PendingDelivery;
        const rule = options.rules.find((candidate) => candidate.name === delivery.rule);
        pending.set(key, delivery);
        records.touch(key);
        if (!rule) {
          // The rule is no longer deployed: parked as EventBridge parks what it cannot deliver.
          pending.delete(key);
          const dead = { rule: delivery.rule, event: delivery.event, attempts: delivery.attempts, error: 'The rule no longer exists' };
          deadLetters.push(dead);
          options.onDeadLetter?.(dead);
          continue;
        }
        start(rule, key, delivery);
        resumed += 1;
      }
      return resumed;
    },
    /** Resolves once no delivery is in flight. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    /**
     * Stops routing. `resumable` (a stack whose state is kept, stopped to be started again): what is
     * under way is neither finished nor dead-lettered, the next start delivers it.
     */
    stop(stop: { resumable?: boolean } = {}): void {
      stopped = true;
      resumable = stop.resumable ?? false;
      unsubscribe();
    },
  };
};
export type EventRouter = ReturnType<typeof startEventRouter>;
