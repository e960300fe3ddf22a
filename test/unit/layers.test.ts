import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The layering of src/ as src/README.md states it, read from the imports themselves.

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
/** Data src/ may read from outside it: the workflows' one table of tuning numbers and initial values, shared with the ASL. */
const SHARED_DATA = [join(ROOT, 'statemachines', 'policies.json')];

/** The shared layers, lowest first: each may import only itself and the layers before it. `.` is src/*.ts. */
const SHARED_LAYERS = ['.', 'contracts', 'policy', 'aws', 'lambda', 'catalog', 'workflow'];
/** Feature folders may import any shared layer and themselves, never another feature. */
const FEATURES = ['access', 'onboarding', 'ownership', 'reconcile', 'share', 'unshare'];

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(dir, path));

/** The files a module imports by relative path (type-only imports and re-exports included), resolved. */
const relativeImports = (file: string): string[] =>
  ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));

const layerOf = (file: string): string => {
  const path = relative(SRC, file).split('/');
  return path.length === 1 ? '.' : (path[0] ?? '.');
};

const show = (from: string, to: string) => `${relative(ROOT, from)} → ${relative(ROOT, to)}`;

/** Every import between src/ modules whose layers (from, to) `broken` refuses, as `from → to`. */
const srcImportsWhere = (broken: (from: string, to: string) => boolean): string[] =>
  tsFiles(SRC).flatMap((file) =>
    relativeImports(file)
      // The shared data belongs to no layer: any module may read it (the last test keeps it the only outside import).
      .filter((target) => !SHARED_DATA.includes(target) && broken(layerOf(file), layerOf(target)))
      .map((target) => show(file, target)),
  );

describe('src/ layers', () => {
  it('places every folder of src/ in a shared layer or a feature', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);

    expect(folders.sort()).toEqual([...SHARED_LAYERS.slice(1), ...FEATURES].sort());
  });

  it('lets a shared layer import only itself and the layers below it', () => {
    const upward = srcImportsWhere(
      (from, to) =>
        SHARED_LAYERS.includes(from) && !(SHARED_LAYERS.includes(to) && SHARED_LAYERS.indexOf(to) <= SHARED_LAYERS.indexOf(from)),
    );

    expect(upward).toEqual([]);
  });

  it('lets a feature import shared layers and itself, never another feature', () => {
    const across = srcImportsWhere((from, to) => FEATURES.includes(from) && FEATURES.includes(to) && from !== to);

    expect(across).toEqual([]);
  });

  it('keeps src/ free of imports from outside it, but for the workflow policy table', () => {
    const outside = tsFiles(SRC).flatMap((file) =>
      relativeImports(file)
        .filter((target) => relative(SRC, target).startsWith('..') && !SHARED_DATA.includes(target))
        .map((target) => show(file, target)),
    );

    expect(outside).toEqual([]);
  });
});

describe('functions/', () => {
  it('holds handlers that import src/ and packages only, never one another', () => {
    const functions = join(ROOT, 'functions');
    const notSrc = tsFiles(functions).flatMap((file) =>
      relativeImports(file)
        .filter((target) => relative(SRC, target).startsWith('..'))
        .map((target) => show(file, target)),
    );

    expect(notSrc).toEqual([]);
  });
});
