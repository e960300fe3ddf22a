// How a service keeps track of what to commit: the records it changed since the last commit, by key.
import type { PersistedPart } from './store.js';

/** JSON already serialised (a part that compares texts hands them over instead of serialising twice). */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * The changed records of a service that marks each change (`touch(key)`), for a store's part. Until
 * its first commit every record counts as changed, so that the first commit writes them all.
 */
export class ChangedRecords {
  readonly #read: (key: string) => unknown;
  readonly #keys: () => Iterable<string>;
  readonly #changed = new Set<string>();
  #everything = true;
  #notify: () => void = () => undefined;

  /** `read(key)` is a record's JSON value (undefined: it is gone); `keys()` lists every record that exists. */
  constructor(read: (key: string) => unknown, keys: () => Iterable<string>) {
    this.#read = read;
    this.#keys = keys;
  }

  touch(key: string): void {
    this.#changed.add(key);
    this.#notify();
  }

  /** The part of a store under `name`, told of each change from now on. */
  part(name: string, attach: (part: PersistedPart) => () => void): void {
    this.#notify = attach({ name, changes: () => this.#take() });
  }

  #take(): Array<readonly [string, unknown]> {
    const keys = this.#everything ? new Set([...this.#keys(), ...this.#changed]) : this.#changed;
    const changes = [...keys].map((key) => [key, this.#read(key) ?? null] as const);
    this.#everything = false;
    this.#changed.clear();
    return changes;
  }
}

/** Stands for a record that exists and has not changed since it was committed (ComparedRecords). */
export const SAME: unique symbol = Symbol('unchanged record');

/**
 * The changed records of a service whose changes are too spread out to mark one by one: after a
 * `touch()`, the next commit serialises every record and keeps those whose text differs from the
 * last one committed. `records(committed)` may give `SAME` for a record it knows has not changed
 * since it was committed (one that never changes once made), which spares serialising it.
 */
export class ComparedRecords {
  readonly #records: (committed: (key: string) => boolean) => Iterable<readonly [string, unknown]>;
  readonly #committed = new Map<string, string>();
  #touched = true;
  #notify: () => void = () => undefined;

  constructor(records: (committed: (key: string) => boolean) => Iterable<readonly [string, unknown]>) {
    this.#records = records;
  }

  touch(): void {
    this.#touched = true;
    this.#notify();
  }

  part(name: string, attach: (part: PersistedPart) => () => void): void {
    this.#notify = attach({ name, changes: () => this.#take() });
  }

  #take(): Array<readonly [string, unknown]> {
    if (!this.#touched) return [];
    this.#touched = false;
    const changes: Array<readonly [string, unknown]> = [];
    const seen = new Set<string>();
    for (const [key, value] of this.#records((key) => this.#committed.has(key))) {
      seen.add(key);
      if (value === SAME) continue;
      let text: string;
      try {
        text = JSON.stringify(value);
      } catch {
        // Too deep to serialise: handed over as it is, for the store to report and leave out.
        changes.push([key, value]);
        continue;
      }
      if (this.#committed.get(key) === text) continue;
      this.#committed.set(key, text);
      changes.push([key, new JsonText(text)]);
    }
    for (const key of this.#committed.keys()) {
      if (seen.has(key)) continue;
      this.#committed.delete(key);
      changes.push([key, null]);
    }
    return changes;
  }
}
