// The state store on its own: commits as journal lines, an image per open, what a crash can leave
// behind (a torn last line, a journal of an older image) and what cannot be read (said, not thrown as a trace).
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChangedRecords } from '../src/persistence/records.js';
import { JOURNAL_FILE, STATE_FILE, StateFileError, StateMismatchError, StateStore } from '../src/persistence/store.js';

const directory = () => mkdtempSync(join(tmpdir(), 'pso-store-'));
const open = (dir: string, options: { fresh?: boolean; fixtureDigest?: string; onNotice?: (message: string) => void } = {}) =>
  StateStore.open(dir, { fixtureDigest: 'fixture-a', commitIntervalMs: 0, ...options });

/** A part over a plain map, touched on every change. */
const mapPart = (store: StateStore, name: string, initial: Record<string, unknown> = {}) => {
  const values = new Map<string, unknown>([...store.recordsOf(name), ...Object.entries(initial)]);
  const records = new ChangedRecords(
    (key) => values.get(key),
    () => values.keys(),
  );
  records.part(name, (part) => store.attach(part));
  return {
    set(key: string, value: unknown) {
      values.set(key, value);
      records.touch(key);
    },
    delete(key: string) {
      values.delete(key);
      records.touch(key);
    },
  };
};

describe('StateStore', () => {
  it('keeps what was committed: records changed and deleted, read back by a later open as one state', async () => {
    // Prepare
    const dir = directory();
    const first = open(dir);
    const accounts = mapPart(first, 'accounts', { a: { name: 'alpha' }, b: { name: 'beta' } });
    await first.barrier();

    // Act
    accounts.set('a', { name: 'alpha, renamed' });
    accounts.delete('b');
    accounts.set('c', { name: 'gamma' });
    await first.barrier();
    // A process killed here has written nothing more; nothing is closed.
    const second = open(dir);

    // Assess
    expect(first.generation).toBe(0);
    expect(second.restored).toBe(true);
    expect(second.generation).toBe(1);
    expect(Object.fromEntries(second.recordsOf('accounts'))).toEqual({ a: { name: 'alpha, renamed' }, c: { name: 'gamma' } });
    second.close();
    first.close();
  });

  it('holds a barrier until the commit with the change is on disk, and coalesces changes into one commit', async () => {
    // Prepare
    const dir = directory();
    const store = StateStore.open(dir, { fixtureDigest: 'x', commitIntervalMs: 20 });
    const part = mapPart(store, 'things');
    await store.barrier();
    const before = store.stats().commits;

    // Act
    for (let i = 0; i < 50; i += 1) part.set(`k${i}`, i);
    const durable = store.barrier();
    const journalBefore = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
    await durable;

    // Assess
    expect(journalBefore).not.toContain('"k49"');
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8')).toContain('"k49":49');
    expect(store.stats().commits - before).toBe(1);
    store.close();
  });

  it('drops a torn last journal line, says so, and keeps every whole commit before it', async () => {
    // Prepare
    const dir = directory();
    const store = open(dir);
    const part = mapPart(store, 'things');
    part.set('kept', 1);
    await store.barrier();
    appendFileSync(join(dir, JOURNAL_FILE), '{"generation":0,"commit":9,"parts":{"things":{"lost":');
    const notices: string[] = [];

    // Act
    const reopened = open(dir, { onNotice: (message) => notices.push(message) });

    // Assess
    expect(Object.fromEntries(reopened.recordsOf('things'))).toEqual({ kept: 1 });
    expect(notices.join('\n')).toMatch(/Dropped the last line of .*journal\.jsonl: it was cut short/);
    reopened.close();
    store.close();
  });

  it('reports a state file it cannot read in a sentence that names --fresh, and --fresh starts again', () => {
    // Prepare
    const dir = directory();
    writeFileSync(join(dir, STATE_FILE), '{"format":"portfolio-share-orchestrator/local-aws-state","version":1,"gen');

    // Act
    const opening = () => open(dir);

    // Assess
    expect(opening).toThrow(StateFileError);
    expect(opening).toThrow(/cannot be read .*--fresh/);
    const fresh = open(dir, { fresh: true });
    expect(fresh.restored).toBe(false);
    fresh.close();
  });

  it('refuses a state made from another fixture', async () => {
    // Prepare
    const dir = directory();
    const store = open(dir);
    mapPart(store, 'things', { a: 1 });
    store.close();

    // Act
    const opening = () => open(dir, { fixtureDigest: 'fixture-b' });

    // Assess
    expect(opening).toThrow(StateMismatchError);
  });

  it('skips journal lines of an older image (a crash between writing an image and emptying its journal)', async () => {
    // Prepare
    const dir = directory();
    const store = open(dir);
    const part = mapPart(store, 'things');
    part.set('a', 'new');
    await store.barrier();
    store.close();
    appendFileSync(join(dir, JOURNAL_FILE), `${JSON.stringify({ generation: -5, commit: 1, parts: { things: { a: 'stale' } } })}\n`);

    // Act
    const reopened = open(dir);

    // Assess
    expect(reopened.recordsOf('things').get('a')).toBe('new');
    reopened.close();
  });

  it('leaves out, with a notice, a record JSON cannot serialise, and goes on committing the others', async () => {
    // Prepare
    const dir = directory();
    const notices: string[] = [];
    const store = open(dir, { onNotice: (message) => notices.push(message) });
    const part = mapPart(store, 'things');
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i += 1) deep = { deep };

    // Act
    part.set('deep', deep);
    part.set('plain', 1);
    await store.barrier();

    // Assess
    expect(notices.join('\n')).toMatch(/Record deep of things is not kept/);
    expect(open(dir).recordsOf('things').get('plain')).toBe(1);
    store.close();
  });
});
