import type { BusEvent, EventLog, SimulatedClock } from '@portfolio-share-orchestrator/local-aws';
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
  /** The endpoint's clock: retries wait in its simulated time. */
  clock: Pick<SimulatedClock, 'now' | 'sleep'>;
  invokeFunction: (functionKey: string, event: unknown) => Promise<unknown>;
  /** Writes a log target's entry; rejects when the log group's resource policy refuses the rule. */
  writeLog: (rule: LocalRule, entry: unknown) => void | Promise<void>;
  /** Called when a delivery gives up: the rule target's dead-letter queue. */
  onDeadLetter?: (delivery: Delivery) => void;
  onDelivered?: (delivery: Delivery) => void;
}

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
  let stopped = false;

  const deliver = async (rule: LocalRule, event: BusEvent): Promise<void> => {
    const firstTry = options.clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const input = targetInput(asDelivered(event), rule.input, rule.name);
        if (rule.target.kind === 'log') await options.writeLog(rule, input);
        else await options.invokeFunction(rule.target.functionKey, input);
        options.onDelivered?.({ rule: rule.name, event, attempts: attempt });
        return;
      } catch (error) {
        const expired = options.clock.now() - firstTry > rule.retryPolicy.maximumEventAgeSeconds * 1000;
        if (stopped || expired || attempt > rule.retryPolicy.maximumRetryAttempts) {
          const delivery = {
            rule: rule.name,
            event,
            attempts: attempt,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          };
          deadLetters.push(delivery);
          options.onDeadLetter?.(delivery);
          return;
        }
        await options.clock.sleep(backoffSeconds(attempt) * 1000);
      }
    }
  };

  const unsubscribe = options.events.subscribe((event) => {
    if (stopped) return;
    const busName = event.eventBusName ?? 'default';
    if (busName === 'default' && event.account !== options.accountId) return;
    for (const rule of options.rules) {
      if (busName !== rule.eventBusName || !matchesEventPattern(rule.pattern, asDelivered(event))) continue;
      const delivery = deliver(rule, event).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
  });

  return {
    deadLetters,
    /** Resolves once no delivery is in flight. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop(): void {
      stopped = true;
      unsubscribe();
    },
  };
};
export type EventRouter = ReturnType<typeof startEventRouter>;
