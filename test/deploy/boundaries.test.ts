// The dependency rules between the product, the local glue and the emulator package, read from every
// file's imports as TypeScript itself reads them (ts.preProcessFile: import and export declarations,
// `import type`, dynamic `import()` and `require()` with a literal specifier).
//
// - The product (src/, functions/) imports neither the emulator package nor anything under packages/
//   or local/: what deploys runs without them.
// - A workspace package imports only its own files, Node.js built-ins and the dependencies its
//   package.json declares: nothing of the product, of local/ or of another package by path.
// - Everything else reaches a workspace package by its name, never by a path into it.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const PRODUCT_DIRS = ['src', 'functions'];
const OTHER_DIRS = ['local', 'test', 'bench', 'scripts'];

interface SourceFile {
  /** Relative to the repository root, with `/`. */
  path: string;
  text: string;
}

interface WorkspacePackage {
  /** The package's folder relative to the root, e.g. `packages/local-aws`. */
  dir: string;
  name: string;
  dependencies: string[];
}

const toPosix = (path: string) => path.split(sep).join('/');

function sourceFiles(dir: string): SourceFile[] {
  const absolute = join(ROOT, dir);
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name))
    .map((entry) => toPosix(relative(ROOT, join(entry.parentPath, entry.name))))
    .filter((path) => !path.split('/').includes('node_modules'))
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

function workspacePackages(): WorkspacePackage[] {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = `packages/${entry.name}`;
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      return {
        dir,
        name: manifest.name,
        dependencies: Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies }),
      };
    });
}

const importsOf = (file: SourceFile): string[] =>
  ts.preProcessFile(file.text, true, true).importedFiles.map((reference) => reference.fileName);

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

const isInside = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** Where a relative specifier leads, relative to the root; a path through node_modules to a workspace package counts as that package's folder. */
function target(file: SourceFile, specifier: string, packages: WorkspacePackage[]): string {
  const path = toPosix(relative(ROOT, resolve(ROOT, dirname(file.path), specifier)));
  for (const pkg of packages) {
    const viaNodeModules = `node_modules/${pkg.name}`;
    const at = path.indexOf(viaNodeModules);
    if (at !== -1 && (at === 0 || path[at - 1] === '/')) return `${pkg.dir}${path.slice(at + viaNodeModules.length)}`;
  }
  return path;
}

/** Every import that breaks a rule, as `file: specifier (why)`. */
function boundaryViolations(files: SourceFile[], packages: WorkspacePackage[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const home = packages.find((pkg) => isInside(file.path, pkg.dir));
    const product = PRODUCT_DIRS.some((dir) => isInside(file.path, dir));
    for (const specifier of importsOf(file)) {
      const fail = (why: string) => violations.push(`${file.path}: ${specifier} (${why})`);
      const relativeImport = specifier.startsWith('.');
      const to = relativeImport ? target(file, specifier, packages) : undefined;
      const named = relativeImport ? undefined : packages.find((pkg) => packageName(specifier) === pkg.name);
      if (product) {
        if (named) fail(`the product imports the workspace package ${named.name}`);
        else if (to !== undefined && (isInside(to, 'packages') || isInside(to, 'local'))) fail(`the product imports ${to}`);
      } else if (home) {
        if (to !== undefined && !isInside(to, home.dir)) fail(`${home.name} imports ${to}, outside its package`);
        else if (
          !relativeImport &&
          !isBuiltin(specifier) &&
          packageName(specifier) !== home.name &&
          !home.dependencies.includes(packageName(specifier))
        ) {
          fail(`${home.name} imports ${packageName(specifier)}, which its package.json does not declare`);
        }
      } else if (to !== undefined) {
        const into = packages.find((pkg) => isInside(to, pkg.dir));
        if (into) fail(`reaches into ${into.name} by path; import it by name`);
      }
    }
  }
  return violations;
}

describe('import boundaries', () => {
  const packages = workspacePackages();

  it('hold for every file of the product, the local glue, the tests, the scripts and the packages', () => {
    const files = [...PRODUCT_DIRS, ...OTHER_DIRS, ...packages.map((pkg) => pkg.dir)].flatMap(sourceFiles);
    for (const dir of [...PRODUCT_DIRS, ...packages.map((pkg) => pkg.dir)])
      expect(
        files.some((file) => isInside(file.path, dir)),
        dir,
      ).toBe(true);
    expect(boundaryViolations(files, packages)).toEqual([]);
  });

  it('catch the product importing the emulator or the glue, and the emulator leaving its package', () => {
    const emulator: WorkspacePackage = {
      dir: 'packages/local-aws',
      name: '@portfolio-share-orchestrator/local-aws',
      dependencies: ['zod'],
    };
    const files: SourceFile[] = [
      { path: 'src/share/a.ts', text: "import { startLocalAws } from '@portfolio-share-orchestrator/local-aws';" },
      { path: 'src/share/b.ts', text: "export type { BusEvent } from '../../packages/local-aws/src/contract.js';" },
      { path: 'functions/c.ts', text: "const stack = await import('../local/runtime/local-stack.js');" },
      { path: 'functions/d.ts', text: "import { z } from 'zod';\nimport { now } from '../src/clock.js';" },
      { path: 'packages/local-aws/src/e.ts', text: "import type { Policy } from '../../../src/policy/sharing-policy.js';" },
      {
        path: 'packages/local-aws/src/f.ts',
        text: "import { z } from 'zod';\nimport { readFile } from 'node:fs/promises';\nimport { parse } from 'yaml';",
      },
      {
        path: 'packages/local-aws/test/g.test.ts',
        text: "import { clock } from '../src/clock.js';\nimport { lambdaContext } from '../../../local/runtime/lambda-context.js';",
      },
      { path: 'test/unit/h.test.ts', text: "import { SimulatedClock } from '../../packages/local-aws/src/clock.js';" },
      { path: 'local/runtime/i.ts', text: "import { SimulatedClock } from '@portfolio-share-orchestrator/local-aws';" },
    ];
    expect(boundaryViolations(files, [emulator])).toEqual([
      'src/share/a.ts: @portfolio-share-orchestrator/local-aws (the product imports the workspace package @portfolio-share-orchestrator/local-aws)',
      'src/share/b.ts: ../../packages/local-aws/src/contract.js (the product imports packages/local-aws/src/contract.js)',
      'functions/c.ts: ../local/runtime/local-stack.js (the product imports local/runtime/local-stack.js)',
      'packages/local-aws/src/e.ts: ../../../src/policy/sharing-policy.js (@portfolio-share-orchestrator/local-aws imports src/policy/sharing-policy.js, outside its package)',
      'packages/local-aws/src/f.ts: yaml (@portfolio-share-orchestrator/local-aws imports yaml, which its package.json does not declare)',
      'packages/local-aws/test/g.test.ts: ../../../local/runtime/lambda-context.js (@portfolio-share-orchestrator/local-aws imports local/runtime/lambda-context.js, outside its package)',
      'test/unit/h.test.ts: ../../packages/local-aws/src/clock.js (reaches into @portfolio-share-orchestrator/local-aws by path; import it by name)',
    ]);
  });
});
