// The workflow pages of docs/workflows/ follow the ASL: every state machine has a page, every page a
// diagram block that is exactly what the renderer draws from the definition now, and the Retry and
// Catch policies and tuning numbers a page names are the ones its definition uses.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AslDefinition } from '@portfolio-share-orchestrator/local-aws';
import { describe, expect, it } from 'vitest';
import {
  DIAGRAM_END,
  DIAGRAM_START,
  describeRule,
  diagramDefinition,
  renderMermaid,
  WORKFLOW_DOCS_DIR,
  workflowFiles,
} from '../../scripts/workflow-diagrams.js';
import { MAX_PRODUCTS_PER_TRANSFER, TRANSFER_BATCH_SIZE } from '../../src/ownership/find-products.js';
import { MAX_STILL_VISIBLE_LISTED } from '../../src/unshare/still-visible.js';
import { policies, readSource } from '../../statemachines/substitution.cjs';

const ROOT = join(import.meta.dirname, '..', '..');
const RUN = 'run npm run docs:diagrams';
const workflows = workflowFiles();
const pagePath = (workflow: string) => join(WORKFLOW_DOCS_DIR, `${workflow}.md`);
const shown = (path: string) => relative(ROOT, path);

/** The text between the diagram markers of a page, or undefined when it has no (single, ordered) block. */
const diagramBlock = (page: string): string | undefined => {
  const start = page.indexOf(DIAGRAM_START);
  const end = page.indexOf(DIAGRAM_END);
  if (start < 0 || end < start || page.indexOf(DIAGRAM_START, start + 1) >= 0) return undefined;
  return page.slice(start + DIAGRAM_START.length, end);
};

/** Numbers a page may quote, by the name it quotes them under: `Name` (value). */
const QUOTABLE: Record<string, number> = {
  ...Object.fromEntries(Object.entries(policies.Tuning).map(([name, entry]) => [`Tuning.${name}`, entry.value as number])),
  MAX_PRODUCTS_PER_TRANSFER,
  TRANSFER_BATCH_SIZE,
  MAX_STILL_VISIBLE_LISTED,
};

/** The `${Section.Name}` placeholders of one section that an ASL file names, as `Section.Name`. */
const namedIn = (file: string, section: string): string[] =>
  [...new Set([...JSON.stringify(readSource(file)).matchAll(new RegExp(`\\$\\{(${section}\\.\\w+)\\}`, 'g'))].map((match) => match[1]))]
    .filter((name): name is string => name !== undefined)
    .sort();

/** The `Section.Name` references a page writes in code spans. */
const mentionedIn = (page: string, section: string): string[] =>
  [...new Set([...page.matchAll(new RegExp(`\`(${section}\\.\\w+)\``, 'g'))].map((match) => match[1]))]
    .filter((name): name is string => name !== undefined)
    .sort();

describe('docs/workflows', () => {
  it('has a page for every state machine and no page for a state machine that does not exist', () => {
    const missing = workflows.filter(({ workflow }) => !existsSync(pagePath(workflow))).map(({ workflow }) => shown(pagePath(workflow)));
    expect(missing, `write these pages with the diagram markers, then ${RUN}`).toEqual([]);
    const known = new Set(workflows.map(({ workflow }) => `${workflow}.md`));
    const orphans = readdirSync(WORKFLOW_DOCS_DIR).filter((name) => name.endsWith('.md') && name !== 'README.md' && !known.has(name));
    expect(orphans, 'pages of docs/workflows/ without a statemachines/*.asl.json').toEqual([]);
  });

  it('lists every workflow in its index', () => {
    const index = readFileSync(join(WORKFLOW_DOCS_DIR, 'README.md'), 'utf8');
    for (const { workflow } of workflows) expect(index, `docs/workflows/README.md links ${workflow}.md`).toContain(`](${workflow}.md)`);
  });
});

const pages = workflows.filter(({ workflow }) => existsSync(pagePath(workflow))).map(({ workflow, file }) => [workflow, file] as const);

describe.each(pages)('docs/workflows/%s.md', (workflow, file) => {
  const path = pagePath(workflow);
  const page = readFileSync(path, 'utf8');

  it('has one diagram block between the markers', () => {
    expect(diagramBlock(page), `${shown(path)} needs the two lines ${DIAGRAM_START} and ${DIAGRAM_END}, then ${RUN}`).toBeDefined();
  });

  it(`shows the diagram the renderer draws from statemachines/${file} now`, () => {
    const drawn = `\n\`\`\`mermaid\n${renderMermaid(diagramDefinition(file))}\n\`\`\`\n`;
    expect(diagramBlock(page), `${shown(path)}: the diagram is stale; ${RUN}`).toBe(drawn);
  });

  it('names exactly the Retry and Catch policies its definition uses', () => {
    for (const section of ['Retry', 'Catch']) {
      expect(mentionedIn(page, section), `${shown(path)}: the ${section} policies of statemachines/${file}`).toEqual(
        namedIn(file, section),
      );
    }
  });

  it('names every tuning number its definition uses, and quotes numbers as the table and code have them', () => {
    const mentioned = mentionedIn(page, 'Tuning');
    expect(
      namedIn(file, 'Tuning').filter((name) => !mentioned.includes(name)),
      `${shown(path)}: tuning numbers of statemachines/${file} it does not name`,
    ).toEqual([]);
    expect(
      mentioned.filter((name) => !(name.slice('Tuning.'.length) in policies.Tuning)),
      'names that statemachines/policies.json does not define',
    ).toEqual([]);
    const quoted = [...page.matchAll(/`([\w.]+)`\s+\((\d[\d,]*)/g)].flatMap(([, name = '', value = '']) =>
      name in QUOTABLE ? [{ name, value: Number(value.replaceAll(',', '')) }] : [],
    );
    expect(quoted, `${shown(path)}: numbers quoted as \`Name\` (value)`).toEqual(
      quoted.map(({ name }) => ({ name, value: QUOTABLE[name] })),
    );
  });
});

describe('renderMermaid', () => {
  // A Choice, a Task with a Catch, and a Map whose iterations run another Map.
  const definition = {
    StartAt: 'Choose path',
    States: {
      'Choose path': {
        Type: 'Choice',
        Choices: [{ Variable: '$.kind', StringEquals: 'BATCH', Next: 'Run batches' }],
        Default: 'Call service',
      },
      'Call service': {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:servicecatalog:describePortfolio',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Report failure' }],
        Next: 'Done',
      },
      'Run batches': {
        Type: 'Map',
        ItemsPath: '$.batches',
        ItemProcessor: {
          StartAt: 'Run items',
          States: {
            'Run items': {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemProcessor: {
                StartAt: 'Handle item',
                States: { 'Handle item': { Type: 'Task', Resource: 'function:HandleItem', End: true } },
              },
              End: true,
            },
          },
        },
        Next: 'Done',
      },
      'Report failure': { Type: 'Fail', Error: 'Failed' },
      Done: { Type: 'Succeed' },
    },
  } as unknown as AslDefinition;
  const lines = renderMermaid(definition)
    .split('\n')
    .map((line) => line.trim());
  /** The id the renderer gave a state, read from the line that declares it. */
  const idOf = (label: string): string => {
    const declared = lines.find((line) => line.includes(`"${label}`));
    if (!declared) throw new Error(`no state drawn as ${label}`);
    return /^(?:subgraph )?(s\d+)/.exec(declared)?.[1] ?? '';
  };

  it('draws a flowchart that starts at StartAt', () => {
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain(`start(( )) --> ${idOf('Choose path')}`);
  });

  it('labels a Choice edge with its rule and draws its default', () => {
    expect(lines).toContain(`${idOf('Choose path')}{"Choose path"}`);
    expect(lines).toContain(`${idOf('Choose path')} -->|"$.kind == BATCH"| ${idOf('Map: Run batches')}`);
    expect(lines).toContain(`${idOf('Choose path')} -->|default| ${idOf('Call service')}`);
  });

  it('draws a Catch as a dotted edge that names the errors, beside the Next edge', () => {
    const task = idOf('Call service');
    expect(lines).toContain(`${task}["Call service<br/>servicecatalog:describePortfolio"]`);
    expect(lines).toContain(`${task} -.->|"catch States.ALL"| ${idOf('Report failure')}`);
    expect(lines).toContain(`${task} --> ${idOf('Done')}`);
  });

  it('draws a Map as a subgraph around its states, a nested Map as a subgraph inside it', () => {
    const outer = idOf('Map: Run batches');
    const inner = idOf('Map: Run items');
    const item = idOf('Handle item');
    const at = (line: string) => lines.indexOf(line);
    expect(lines).toContain(`subgraph ${outer}["Map: Run batches"]`);
    expect(lines).toContain(`subgraph ${inner}["Map: Run items"]`);
    expect(lines).toContain(`${item}["Handle item<br/>λ HandleItem"]`);
    // The inner subgraph opens inside the outer one, the item inside the inner one, and both close.
    expect(at(`subgraph ${outer}["Map: Run batches"]`)).toBeLessThan(at(`subgraph ${inner}["Map: Run items"]`));
    expect(at(`subgraph ${inner}["Map: Run items"]`)).toBeLessThan(at(`${item}["Handle item<br/>λ HandleItem"]`));
    expect(lines.filter((line) => line === 'end')).toHaveLength(2);
    expect(lines).toContain(`${outer}_in --> ${inner}`);
    expect(lines).toContain(`${inner}_in --> ${item}`);
    expect(lines).toContain(`${outer} --> ${idOf('Done')}`);
  });

  it('draws Succeed and Fail as end states', () => {
    expect(lines).toContain(`${idOf('Done')}(["Done<br/>Succeed"])`);
    expect(lines).toContain(`${idOf('Report failure')}(["Report failure<br/>Fail"])`);
  });

  it('says And, Not and presence rules in words', () => {
    expect(
      describeRule({
        And: [{ Variable: '$.request.membership', IsPresent: true }, { Not: { Variable: '$.count', NumericGreaterThanEquals: 60 } }],
      }),
    ).toBe('$.request.membership present and not $.count >= 60');
  });
});
