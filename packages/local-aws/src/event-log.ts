// The in-process event bus output: every event the endpoint publishes (Organizations / Control Tower
// events, accepted PutEvents entries) is recorded here and handed to subscribers (the local runtime's
// rule matcher). EventBridge delivers at least once, so the log can be told to deliver duplicates.
import type { BusEvent, EventSink } from './contract.js';

export type EventListener = (event: BusEvent) => void;

export interface EventFilter {
  source?: string;
  detailType?: string;
  eventBusName?: string;
  /** `detail.eventName` of CloudTrail-delivered events. */
  eventName?: string;
}

export class EventWaitTimeoutError extends Error {
  override name = 'EventWaitTimeoutError';
}

export interface EventLogOptions {
  /** Asked once per published event; true delivers the same event (same id) a second time. */
  duplicate?: () => boolean;
  /** Where a failing subscriber is reported; by default the error propagates to the publisher. */
  onListenerError?: (error: unknown) => void;
}

export class EventLog implements EventSink {
  readonly #events: BusEvent[] = [];
  readonly #listeners = new Set<EventListener>();
  readonly #options: EventLogOptions;

  constructor(options: EventLogOptions = {}) {
    this.#options = options;
  }

  publish(event: BusEvent): void {
    this.#deliver(event);
    if (this.#options.duplicate?.()) this.#deliver(structuredClone(event));
  }

  /** Calls `listener` for every event published from now on. Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events published so far, oldest first, optionally filtered. */
  list(filter: EventFilter = {}): BusEvent[] {
    return this.#events.filter((event) => matches(event, filter));
  }

  clear(): void {
    this.#events.length = 0;
  }

  /** Resolves with the first matching event, already published or yet to come. */
  waitFor(filter: EventFilter | ((event: BusEvent) => boolean), timeoutMs = 5_000): Promise<BusEvent> {
    const test = typeof filter === 'function' ? filter : (event: BusEvent) => matches(event, filter);
    const existing = this.#events.find(test);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new EventWaitTimeoutError(`No matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.subscribe((event) => {
        if (!test(event)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(event);
      });
    });
  }

  #deliver(event: BusEvent): void {
    this.#events.push(event);
    for (const listener of [...this.#listeners]) {
      if (!this.#options.onListenerError) {
        listener(event);
        continue;
      }
      try {
        listener(event);
      } catch (error) {
        this.#options.onListenerError(error);
      }
    }
  }
}

function matches(event: BusEvent, filter: EventFilter): boolean {
  if (filter.source !== undefined && event.source !== filter.source) return false;
  if (filter.detailType !== undefined && event['detail-type'] !== filter.detailType) return false;
  if (filter.eventBusName !== undefined && (event.eventBusName ?? 'default') !== filter.eventBusName) return false;
  if (filter.eventName !== undefined && event.detail.eventName !== filter.eventName) return false;
  return true;
}
