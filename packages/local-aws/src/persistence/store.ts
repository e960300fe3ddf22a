// The endpoint's state on disk, so that a killed process loses nothing it acknowledged.
//
// Two files in the state directory:
// - `state.json`, a full image of every part's records, only ever replaced whole by write-then-rename
//   (written to `state.json.tmp`, fsynced, renamed over, directory fsynced);
// - `journal.jsonl`, one line per commit since that image: the records each part changed (null for
//   a record deleted). A line is written with one write and fdatasynced before anything waiting on
//   the commit goes on, so a crash can only tear the last line, whose commit nobody was told of:
//   it is dropped on open.
//
// Not SQLite through better-sqlite3: its npm package ships no binary. Its install script downloads a
// prebuilt one from GitHub (not reachable from this project's machines) or else compiles SQLite from
// source with node-gyp (a C++ toolchain and about 90 s of CPU here), and without install scripts
// (`npm ci --ignore-scripts`, or an npm that does not run unapproved ones) it does not load at all.
// Whole-record JSON lines need neither, and a record is the unit every part already thinks in.
//
// A commit is one consistent cut: every part's changes are collected in one synchronous step.
// Commits are coalesced: the first change after a commit schedules the next one `commitIntervalMs`
// later at the earliest, and whatever changes until then goes into it (group commit).
import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { JsonText } from './records.js';

export const STATE_FILE = 'state.json';
export const JOURNAL_FILE = 'journal.jsonl';
const FORMAT = 'portfolio-share-orchestrator/local-aws-state';
const VERSION = 1;
/** The journal is folded into a new image once it is this large and larger than twice the image. */
const COMPACT_AFTER_BYTES = 32 * 1024 * 1024;

/** A piece of the endpoint's state, kept as named JSON records (an account, an execution, a page of its history, …). */
export interface PersistedPart {
  /** Unique among the parts of a store: `organizations`, `stepfunctions`, `runtime:event-router`, … */
  readonly name: string;
  /**
   * The records changed since the last call, with their whole new value (null: deleted). Called at
   * every commit, for all parts in one synchronous step; the first call returns every record.
   */
  changes(): Iterable<readonly [string, unknown]>;
}

/** The state directory cannot be read: a damaged file, a format of another version. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

/** The state directory holds the state of another fixture. */
export class StateMismatchError extends Error {
  override name = 'StateMismatchError';
}

/** A commit could not be written (disk full, I/O error); what waited on it is answered with this. */
export class StateWriteError extends Error {
  override name = 'StateWriteError';
}

export interface StateStoreOptions {
  /** Deletes the state first: the endpoint starts from its fixture again. */
  fresh?: boolean;
  /** Identifies the fixture the state started from; a state of another fixture is refused. */
  fixtureDigest: string;
  /** The earliest a commit follows the previous one, in real ms (the group-commit window). */
  commitIntervalMs?: number;
  /** Something worth telling whoever started the endpoint (a torn last journal line dropped). */
  onNotice?: (message: string) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export const FRESH_HINT = 'start with --fresh (or the option fresh: true) to begin again from the fixture, which deletes the state';

/** Files of a state directory that `fresh` deletes; nothing else there is touched. */
const OWN_ENTRIES = [STATE_FILE, `${STATE_FILE}.tmp`, JOURNAL_FILE];

export class StateStore {
  readonly directory: string;
  /** How many times this state was opened before: 0 for a new state. */
  readonly generation: number;
  /** True when the state was read from disk (not new). */
  readonly restored: boolean;
  readonly #options: StateStoreOptions;
  /** Every part's records as committed, as JSON text: what the next image is written from. */
  readonly #records = new Map<string, Map<string, string>>();
  readonly #parts: PersistedPart[] = [];
  readonly #committedListeners = new Set<() => void>();
  #waiters: Waiter[] = [];
  #journal: number | undefined;
  #journalBytes = 0;
  #imageBytes = 0;
  #commits = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #lastCommitAt = 0;
  #closed = false;
  #stats = { commits: 0, bytes: 0, ms: 0 };

  private constructor(directory: string, options: StateStoreOptions, loaded: LoadedState | undefined) {
    this.directory = directory;
    this.#options = options;
    this.restored = loaded !== undefined;
    this.generation = loaded ? loaded.generation + 1 : 0;
    if (loaded) for (const [part, records] of loaded.parts) this.#records.set(part, records);
  }

  /** Opens (or creates) the state in `directory`; a new image of what it read starts the run's journal. */
  static open(directory: string, options: StateStoreOptions): StateStore {
    mkdirSync(directory, { recursive: true });
    if (options.fresh) for (const entry of OWN_ENTRIES) rmSync(join(directory, entry), { force: true });
    const loaded = readState(directory, options);
    if (loaded && loaded.fixtureDigest !== options.fixtureDigest) {
      throw new StateMismatchError(
        `The state in ${directory} was made from another fixture than the one given now; ${FRESH_HINT}, or pass the fixture it was made from.`,
      );
    }
    const store = new StateStore(directory, options, loaded);
    store.#writeImage();
    return store;
  }

  /** The records of a part as they were read (empty for a new state); a part restores itself from them before it is attached. */
  recordsOf(part: string): Map<string, unknown> {
    const records = new Map<string, unknown>();
    for (const [key, text] of this.#records.get(part) ?? []) records.set(key, JSON.parse(text) as unknown);
    return records;
  }

  /** Adds a part: it is committed from now on, starting with all its records. Returns the function that tells the store it changed. */
  attach(part: PersistedPart): () => void {
    if (this.#parts.some((attached) => attached.name === part.name)) throw new RangeError(`A part named ${part.name} is already attached`);
    this.#parts.push(part);
    this.markDirty();
    return () => this.markDirty();
  }

  /** Something changed: a commit follows within the group-commit window. */
  markDirty(): void {
    if (this.#closed) return;
    this.#dirty = true;
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastCommitAt + (this.#options.commitIntervalMs ?? 10) - performance.now());
    this.#timer = setTimeout(() => this.#commitOrReport(), wait);
    // A commit pending when the process is told to end is written by close(), not by keeping it alive.
    this.#timer.unref();
  }

  /** Resolves once every change made before the call is on disk (at once when nothing is pending). */
  barrier(): Promise<void> {
    if (!this.#dirty || this.#closed) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Calls `listener` after each commit, once what it holds is durable (the local runtime writes its audit stream then). */
  onCommitted(listener: () => void): () => void {
    this.#committedListeners.add(listener);
    return () => this.#committedListeners.delete(listener);
  }

  /** Commits now, whatever the window (shutdown, tests). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#commit();
  }

  /** Commits, writes a last image and stops; later changes are not kept. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#writeImage();
    this.#closed = true;
    if (this.#journal !== undefined) closeSync(this.#journal);
    this.#journal = undefined;
  }

  /** Commits written since open, the bytes they took and the time they took (real ms). */
  stats(): { commits: number; bytes: number; ms: number } {
    return { ...this.#stats };
  }

  #commitOrReport(): void {
    this.#timer = undefined;
    try {
      this.#commit();
    } catch {
      // #commit has rejected the waiters with the reason; the next change tries again.
    }
  }

  #commit(): void {
    if (this.#closed || !this.#dirty) return;
    const started = performance.now();
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#dirty = false;
    this.#lastCommitAt = started;
    try {
      const parts: string[] = [];
      const applied: Array<[Map<string, string>, string, string | null]> = [];
      for (const part of this.#parts) {
        const entries: string[] = [];
        let records = this.#records.get(part.name);
        if (!records) {
          records = new Map();
          this.#records.set(part.name, records);
        }
        for (const [key, value] of part.changes()) {
          const text = this.#serialise(part.name, key, value);
          if (text === undefined) continue;
          entries.push(`${JSON.stringify(key)}:${text ?? 'null'}`);
          applied.push([records, key, text]);
        }
        if (entries.length > 0) parts.push(`${JSON.stringify(part.name)}:{${entries.join(',')}}`);
      }
      if (parts.length > 0) {
        this.#commits += 1;
        const line = `{"generation":${this.generation},"commit":${this.#commits},"parts":{${parts.join(',')}}}\n`;
        const bytes = Buffer.from(line, 'utf8');
        const fd = this.#journalFd();
        writeSync(fd, bytes);
        fdatasyncSync(fd);
        this.#journalBytes += bytes.length;
        this.#stats.bytes += bytes.length;
        for (const [records, key, text] of applied) {
          if (text === null) records.delete(key);
          else records.set(key, text);
        }
        if (this.#journalBytes > COMPACT_AFTER_BYTES && this.#journalBytes > 2 * this.#imageBytes) this.#writeImage();
      }
      this.#stats.commits += 1;
      this.#stats.ms += performance.now() - started;
    } catch (error) {
      const failure = new StateWriteError(
        `The state could not be written to ${this.directory}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      // Whatever was collected is written with the next commit.
      this.#dirty = true;
      for (const waiter of waiters) waiter.reject(failure);
      throw failure;
    }
    for (const listener of this.#committedListeners) listener();
    for (const waiter of waiters) waiter.resolve();
  }

  /**
   * A record's JSON text (null: deleted). One that cannot be serialised (nested deeper than
   * JSON.stringify goes) is left out with a notice rather than failing every commit after it.
   */
  #serialise(part: string, key: string, value: unknown): string | null | undefined {
    if (value === null || value === undefined) return null;
    if (value instanceof JsonText) return value.text;
    try {
      return JSON.stringify(value);
    } catch (error) {
      this.#options.onNotice?.(
        `Record ${key} of ${part} is not kept: it cannot be serialised (${error instanceof Error ? error.message : String(error)}).`,
      );
      return undefined;
    }
  }

  #journalFd(): number {
    this.#journal ??= openSync(join(this.directory, JOURNAL_FILE), 'a');
    return this.#journal;
  }

  /** Writes every committed record as a new image and empties the journal. */
  #writeImage(): void {
    const chunks: string[] = [
      `{"format":${JSON.stringify(FORMAT)},"version":${VERSION},"generation":${this.generation},"fixtureDigest":${JSON.stringify(this.#options.fixtureDigest)},"savedAt":${JSON.stringify(new Date().toISOString())},"parts":{`,
    ];
    let firstPart = true;
    for (const [part, records] of this.#records) {
      chunks.push(`${firstPart ? '' : ','}${JSON.stringify(part)}:{`);
      firstPart = false;
      let firstRecord = true;
      for (const [key, text] of records) {
        chunks.push(`${firstRecord ? '' : ','}${JSON.stringify(key)}:${text}`);
        firstRecord = false;
      }
      chunks.push('}');
    }
    chunks.push('}}\n');
    const path = join(this.directory, STATE_FILE);
    const temporary = `${path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      let bytes = 0;
      for (const chunk of chunks) bytes += writeSync(fd, chunk);
      fsyncSync(fd);
      this.#imageBytes = bytes;
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    syncDirectory(this.directory);
    // The image holds the journal's commits now: start it again.
    if (this.#journal !== undefined) closeSync(this.#journal);
    this.#journal = openSync(join(this.directory, JOURNAL_FILE), 'w');
    fsyncSync(this.#journal);
    this.#journalBytes = 0;
  }
}

interface LoadedState {
  generation: number;
  fixtureDigest: string;
  parts: Map<string, Map<string, string>>;
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the image and the journal after it; undefined when the directory holds no state yet. */
function readState(directory: string, options: StateStoreOptions): LoadedState | undefined {
  const imagePath = join(directory, STATE_FILE);
  if (!existsSync(imagePath)) return undefined;
  let image: unknown;
  try {
    image = JSON.parse(readFileSync(imagePath, 'utf8'));
  } catch (error) {
    throw new StateFileError(
      `The state file ${imagePath} cannot be read (${error instanceof Error ? error.message : String(error)}); ${FRESH_HINT}.`,
    );
  }
  if (!isObject(image) || image.format !== FORMAT || !isObject(image.parts) || typeof image.generation !== 'number') {
    throw new StateFileError(`${imagePath} is not a state file of the local AWS endpoint; ${FRESH_HINT}.`);
  }
  if (image.version !== VERSION) {
    throw new StateFileError(
      `${imagePath} is a state of format version ${String(image.version)}, this endpoint reads ${VERSION}; ${FRESH_HINT}.`,
    );
  }
  const parts = new Map<string, Map<string, string>>();
  for (const [part, records] of Object.entries(image.parts)) {
    if (!isObject(records)) throw new StateFileError(`${imagePath}: part ${part} is not an object; ${FRESH_HINT}.`);
    parts.set(part, new Map(Object.entries(records).map(([key, value]) => [key, JSON.stringify(value)])));
  }
  const journalPath = join(directory, JOURNAL_FILE);
  const text = existsSync(journalPath) ? readFileSync(journalPath, 'utf8') : '';
  const lines = text.split('\n');
  // A file that does not end in a newline ends in a torn line (or one being written when the process died).
  const last = lines.pop() ?? '';
  if (last !== '')
    options.onNotice?.(
      `Dropped the last line of ${journalPath}: it was cut short (${last.length} bytes), and no call was answered for it.`,
    );
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    let commit: unknown;
    try {
      commit = JSON.parse(line);
    } catch (error) {
      if (index === lines.length - 1) {
        options.onNotice?.(`Dropped the last line of ${journalPath}: it does not parse, and no call was answered for it.`);
        break;
      }
      throw new StateFileError(
        `${journalPath} line ${index + 1} cannot be read (${error instanceof Error ? error.message : String(error)}); ${FRESH_HINT}.`,
      );
    }
    if (!isObject(commit) || !isObject(commit.parts))
      throw new StateFileError(`${journalPath} line ${index + 1} is not a commit; ${FRESH_HINT}.`);
    // Lines of an older image's journal (a crash between writing an image and emptying its journal) are in the image already.
    if (commit.generation !== image.generation) continue;
    for (const [part, records] of Object.entries(commit.parts)) {
      if (!isObject(records)) continue;
      let stored = parts.get(part);
      if (!stored) {
        stored = new Map();
        parts.set(part, stored);
      }
      for (const [key, value] of Object.entries(records)) {
        if (value === null) stored.delete(key);
        else stored.set(key, JSON.stringify(value));
      }
    }
  }
  return { generation: image.generation, fixtureDigest: String(image.fixtureDigest ?? ''), parts };
}
