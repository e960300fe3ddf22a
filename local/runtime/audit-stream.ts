// The audit stream `events.jsonl`: every event on the project's bus, one JSON line each, once. A
// duplicate delivery (EventBridge delivers at least once; the duplicate knob delivers an event again
// under the same id) reaches the rules again but is the same event on the bus: it is not written twice.
//
// With the endpoint's state kept on disk, a line is written only once the commit that holds its event
// is durable: an event a crash undoes (its PutEvents never answered, and put again by the redriven
// workflow) is not in the file twice. Until its line is written the event waits in an outbox that
// is part of the state, so a crash between the commit and the write loses nothing either.

import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, ftruncateSync, openSync, readSync, statSync } from 'node:fs';
import { type BusEvent, ChangedRecords, type LocalAwsState } from '@portfolio-share-orchestrator/local-aws';

const PART = 'runtime:audit-stream';
/** How far back from the end of the file a restart looks for lines the outbox still holds. */
const TAIL_BYTES = 8 * 1024 * 1024;
/** Event ids remembered to know a duplicate delivery: it follows its original at once. */
const RECENT_IDS = 4096;

export interface AuditStreamOptions {
  file: string;
  /** The event as one line of JSON (without the newline). */
  line: (event: BusEvent) => string;
  state?: LocalAwsState;
}

export interface AuditStream {
  write(event: BusEvent): void;
  /** Writes the events a restart found in the outbox whose lines are not in the file yet. Returns how many. */
  resume(): number;
  close(): void;
}

export const startAuditStream = (options: AuditStreamOptions): AuditStream => {
  const { file, state } = options;
  const line = (event: BusEvent) => `${options.line(event)}\n`;
  const recent = new Set<string>();
  const firstDelivery = (event: BusEvent): boolean => {
    if (recent.has(event.id)) return false;
    recent.add(event.id);
    if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value as string);
    return true;
  };
  if (!state)
    return {
      write: (event) => {
        if (firstDelivery(event)) appendFileSync(file, line(event));
      },
      resume: () => 0,
      close: () => undefined,
    };

  const outbox = new Map<string, BusEvent>();
  const records = new ChangedRecords(
    (key) => outbox.get(key),
    () => outbox.keys(),
  );
  const restored = state.restored ? [...state.recordsOf(PART)] : [];
  records.part(PART, (part) => state.attach(part));
  let waiting: string[] = [];

  const writeOut = (keys: string[]) => {
    const lines = keys.flatMap((key) => {
      const event = outbox.get(key);
      return event ? [line(event)] : [];
    });
    if (lines.length > 0) appendFileSync(file, lines.join(''));
    for (const key of keys) {
      outbox.delete(key);
      records.touch(key);
    }
  };
  // Every event waiting was published before the commit that just became durable.
  const unsubscribe = state.onCommitted(() => {
    if (waiting.length === 0) return;
    const keys = waiting;
    waiting = [];
    writeOut(keys);
  });

  return {
    write(event) {
      if (!firstDelivery(event)) return;
      const key = randomUUID();
      outbox.set(key, event);
      records.touch(key);
      waiting.push(key);
    },
    resume() {
      if (restored.length === 0) return 0;
      const present = linesAtTheEnd(file);
      const missing: string[] = [];
      for (const [key, value] of restored.splice(0)) {
        const event = value as BusEvent;
        outbox.set(key, event);
        if (present.has(event.id)) {
          outbox.delete(key);
          records.touch(key);
        } else missing.push(key);
      }
      writeOut(missing);
      return missing.length;
    },
    close() {
      unsubscribe();
    },
  };
};

/**
 * The ids of the events in the last lines of the file. A last line cut short (the process died
 * while writing it) is removed: its event is still in the outbox and is written again whole.
 */
function linesAtTheEnd(file: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(file)) return ids;
  const size = statSync(file).size;
  const start = Math.max(0, size - TAIL_BYTES);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r+');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
    const end = buffer.lastIndexOf(0x0a) + 1;
    if (end < buffer.length) ftruncateSync(fd, start + end);
    // The first line of the window may be cut at its start: only whole lines count.
    const lines = buffer.subarray(0, end).toString('utf8').split('\n');
    if (start > 0) lines.shift();
    for (const entry of lines) {
      if (entry === '') continue;
      try {
        const id = (JSON.parse(entry) as { id?: unknown }).id;
        if (typeof id === 'string') ids.add(id);
      } catch {
        // Not an event line (the file was edited): nothing to compare.
      }
    }
  } finally {
    closeSync(fd);
  }
  return ids;
}
