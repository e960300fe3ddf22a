// `npm run docs:diagrams`: draws every state machine of statemachines/ as a Mermaid flowchart into
// its page under docs/workflows/, between the diagram markers, so the diagrams follow the ASL.
//   npm run docs:diagrams [-- --check]   (--check: exit 1 when a page's diagram is stale)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const STATE_MACHINES_DIR = join(import.meta.dirname, '..', 'statemachines');
export const WORKFLOW_DOCS_DIR = join(import.meta.dirname, '..', 'docs', 'workflows');
export const DIAGRAM_START = '<!-- diagram: generated from the ASL by npm run docs:diagrams; do not edit -->';
export const DIAGRAM_END = '<!-- end of diagram -->';

interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Record<string, unknown>[];
  Catch?: { ErrorEquals: string[]; Next: string }[] | string;
  ItemProcessor?: AslStates;
  Iterator?: AslStates;
  Branches?: AslStates[];
}
interface AslStates {
  StartAt: string;
  States: Record<string, AslState>;
}

const COMPARISONS: Record<string, string> = {
  StringEquals: '==',
  NumericEquals: '==',
  BooleanEquals: '==',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '>=',
  NumericLessThan: '<',
  NumericLessThanEquals: '<=',
  StringMatches: 'matches',
};

/** A Choice rule in a few words: `$.poll.attempt >= 60`, `not $.shareToken is null`. */
export const describeRule = (rule: Record<string, unknown>): string => {
  if (Array.isArray(rule.And)) return rule.And.map((inner) => describeRule(inner as Record<string, unknown>)).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map((inner) => describeRule(inner as Record<string, unknown>)).join(' or ');
  if (rule.Not) return `not ${describeRule(rule.Not as Record<string, unknown>)}`;
  const variable = String(rule.Variable ?? '?');
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next') continue;
    if (key === 'IsPresent') return value ? `${variable} present` : `${variable} absent`;
    if (key === 'IsNull') return value ? `${variable} is null` : `${variable} not null`;
    const operator = COMPARISONS[key.replace(/Path$/, '')];
    const operand = typeof value === 'string' && !key.endsWith('Path') ? value : String(value);
    return `${variable} ${operator ?? key} ${operand}`;
  }
  return variable;
};

/** What a Task calls, briefly: the SDK action, the startExecution flavour, or the function's name. */
const taskTarget = (resource = ''): string => {
  const sdk = /^arn:aws:states:::aws-sdk:(\w+):(\w+)$/.exec(resource);
  if (sdk) return `${sdk[1]}:${sdk[2]}`;
  const service = /^arn:aws:states:::(.+)$/.exec(resource);
  if (service) return service[1] as string;
  const placeholder = /^\$\{(\w+?)(FunctionArn)?\}$/.exec(resource);
  if (placeholder) return placeholder[2] ? `λ ${placeholder[1]}` : (placeholder[1] as string);
  return resource;
};

// Mermaid labels are quoted; a quote inside is written as an entity.
const label = (text: string) => `"${text.replaceAll('"', '#quot;')}"`;

/**
 * The flowchart of one definition. Map and Parallel states are drawn as subgraphs around their
 * inner states; Catch edges are dotted and name the errors they catch. Rendering follows the
 * nesting of the definition, so it walks the state sets itself, one level at a time.
 */
export const renderMermaid = (definition: AslStates): string => {
  const lines = ['flowchart TD'];
  const ids = new Map<string, string>();
  const idOf = (scope: string, name: string): string => {
    const key = `${scope}/${name}`;
    let id = ids.get(key);
    if (!id) {
      id = `s${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };
  const edges: string[] = [];
  const draw = (states: AslStates, scope: string, indent: string, exit: string | undefined): string => {
    for (const [name, state] of Object.entries(states.States)) {
      const id = idOf(scope, name);
      const inner = [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].filter((set): set is AslStates => set !== undefined);
      if (inner.length > 0) {
        lines.push(`${indent}subgraph ${id}[${label(`${state.Type}: ${name}`)}]`);
        inner.forEach((set, index) => {
          const innerScope = `${scope}/${name}#${index}`;
          const start = draw(set, innerScope, `${indent}  `, undefined);
          if (index === 0) lines.push(`${indent}  ${id}_in(( )) --> ${start}`);
          else edges.push(`${id}_in --> ${start}`);
        });
        lines.push(`${indent}end`);
      } else if (state.Type === 'Choice') {
        lines.push(`${indent}${id}{${label(name)}}`);
      } else if (state.Type === 'Task') {
        lines.push(`${indent}${id}[${label(`${name}<br/>${taskTarget(state.Resource)}`)}]`);
      } else if (state.Type === 'Succeed' || state.Type === 'Fail') {
        lines.push(`${indent}${id}([${label(`${name}<br/>${state.Type}`)}])`);
      } else {
        lines.push(`${indent}${id}(${label(name)})`);
      }
      if (state.Next) edges.push(`${id} --> ${idOf(scope, state.Next)}`);
      if (state.End && exit) edges.push(`${id} --> ${exit}`);
      for (const rule of state.Choices ?? []) edges.push(`${id} -->|${label(describeRule(rule))}| ${idOf(scope, String(rule.Next))}`);
      if (state.Default) edges.push(`${id} -->|default| ${idOf(scope, state.Default)}`);
      if (Array.isArray(state.Catch)) {
        for (const catcher of state.Catch)
          edges.push(`${id} -.->|${label(`catch ${catcher.ErrorEquals.join(', ')}`)}| ${idOf(scope, catcher.Next)}`);
      } else if (typeof state.Catch === 'string') {
        edges.push(`${id} -.->|${label(`catch ${state.Catch}`)}| ${id}`);
      }
    }
    return idOf(scope, states.StartAt);
  };
  const start = draw(definition, '', '  ', undefined);
  lines.push(`  start(( )) --> ${start}`);
  return [...lines, ...edges.map((edge) => `  ${edge}`)].join('\n');
};

/** The ASL source files, by workflow name: share-portfolio.asl.json → share-portfolio. */
export const workflowFiles = (): { workflow: string; file: string }[] =>
  readdirSync(STATE_MACHINES_DIR)
    .filter((file) => file.endsWith('.asl.json'))
    .sort()
    .map((file) => ({ workflow: file.replace(/\.asl\.json$/, ''), file: join(STATE_MACHINES_DIR, file) }));

/** The page with its diagram block replaced by a fresh rendering of the definition. */
export const withDiagram = (page: string, definition: AslStates, pagePath: string): string => {
  const start = page.indexOf(DIAGRAM_START);
  const end = page.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error(`${pagePath} has no diagram block (${DIAGRAM_START} … ${DIAGRAM_END})`);
  const block = `${DIAGRAM_START}\n\`\`\`mermaid\n${renderMermaid(definition)}\n\`\`\`\n`;
  return `${page.slice(0, start)}${block}${page.slice(end)}`;
};

const main = () => {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const stale: string[] = [];
  for (const { workflow, file } of workflowFiles()) {
    const pagePath = join(WORKFLOW_DOCS_DIR, `${workflow}.md`);
    const page = readFileSync(pagePath, 'utf8');
    const updated = withDiagram(page, JSON.parse(readFileSync(file, 'utf8')) as AslStates, pagePath);
    if (updated === page) continue;
    stale.push(pagePath);
    if (!values.check) writeFileSync(pagePath, updated);
  }
  if (values.check && stale.length > 0) {
    console.error(`Stale workflow diagrams (run npm run docs:diagrams): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(stale.length > 0 ? `Updated ${stale.join(', ')}` : 'Workflow diagrams are up to date.');
};

if (process.argv[1] && import.meta.filename === process.argv[1]) main();
