// `npm run docs:diagrams`: draws every state machine of statemachines/ as a Mermaid flowchart into
// its page under docs/workflows/, between the diagram markers, so the diagrams follow the ASL.
//   npm run docs:diagrams [-- --check]   (--check: exit 1 when a page's diagram is stale)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AslDefinition, type AslState, type AslStateEntry, aslStates } from '@portfolio-share-orchestrator/local-aws';
import { loadDefinition } from '../statemachines/substitution.cjs';

export const STATE_MACHINES_DIR = join(import.meta.dirname, '..', 'statemachines');
export const WORKFLOW_DOCS_DIR = join(import.meta.dirname, '..', 'docs', 'workflows');
export const DIAGRAM_START = '<!-- diagram: generated from the ASL by npm run docs:diagrams; do not edit -->';
export const DIAGRAM_END = '<!-- end of diagram -->';

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
const taskTarget = (state: AslState): string => {
  const resource = state.Resource ?? '';
  const child = /^stateMachine:(\w+)$/.exec(String((state.Parameters as { StateMachineArn?: unknown } | undefined)?.StateMachineArn));
  if (child) return `child ${child[1]} (${resource.replace('arn:aws:states:::', '')})`;
  const sdk = /^arn:aws:states:::aws-sdk:(\w+):(\w+)$/.exec(resource);
  if (sdk) return `${sdk[1]}:${sdk[2]}`;
  const service = /^arn:aws:states:::(.+)$/.exec(resource);
  if (service) return service[1] as string;
  const fn = /^function:(\w+)$/.exec(resource);
  if (fn) return `λ ${fn[1]}`;
  return resource;
};

// Mermaid labels are quoted; a quote inside is written as an entity.
const label = (text: string) => `"${text.replaceAll('"', '#quot;')}"`;

type Catcher = { ErrorEquals: string[]; Next: string };

/**
 * The flowchart of one definition. Map and Parallel states are drawn as subgraphs around their
 * inner states; Catch edges are dotted and name the errors they catch.
 */
export const renderMermaid = (definition: AslDefinition): string => {
  const entries = aslStates(definition);
  const ids = new Map(entries.map((entry, index) => [entry, `s${index}`]));
  const idOf = (entry: AslStateEntry) => ids.get(entry) as string;
  // Next, Choices and Catch name states of the same definition: the entries that share it.
  const named = (from: AslStateEntry, name: string): string => {
    const target = entries.find((entry) => entry.definition === from.definition && entry.name === name);
    if (!target) throw new Error(`State ${from.name} leads to ${name}, which is not beside it`);
    return idOf(target);
  };
  const lines = ['flowchart TD'];
  const edges: string[] = [];
  const draw = (inside: AslStateEntry | undefined, indent: string) => {
    for (const entry of entries.filter(({ parent }) => parent === inside)) {
      const { name, state } = entry;
      const id = idOf(entry);
      if (entries.some(({ parent }) => parent === entry)) {
        lines.push(`${indent}subgraph ${id}[${label(`${state.Type}: ${name}`)}]`);
        lines.push(`${indent}  ${id}_in(( ))`);
        draw(entry, `${indent}  `);
        lines.push(`${indent}end`);
        // Each item (or branch) starts at the StartAt of its definition.
        for (const first of entries.filter((nested) => nested.parent === entry && nested.name === nested.definition.StartAt)) {
          edges.push(`${id}_in --> ${idOf(first)}`);
        }
      } else {
        lines.push(`${indent}${id}${shape(state, name)}`);
      }
      if (typeof state.Next === 'string') edges.push(`${id} --> ${named(entry, state.Next)}`);
      for (const rule of (state.Choices as Record<string, unknown>[] | undefined) ?? [])
        edges.push(`${id} -->|${label(describeRule(rule))}| ${named(entry, String(rule.Next))}`);
      if (typeof state.Default === 'string') edges.push(`${id} -->|default| ${named(entry, state.Default)}`);
      for (const catcher of (state.Catch as Catcher[] | undefined) ?? [])
        edges.push(`${id} -.->|${label(`catch ${catcher.ErrorEquals.join(', ')}`)}| ${named(entry, catcher.Next)}`);
    }
  };
  draw(undefined, '  ');
  const first = entries.find((entry) => entry.parent === undefined && entry.name === definition.StartAt);
  if (first) lines.push(`  start(( )) --> ${idOf(first)}`);
  return [...lines, ...edges.map((edge) => `  ${edge}`)].join('\n');
};

const shape = (state: AslState, name: string): string => {
  if (state.Type === 'Choice') return `{${label(name)}}`;
  if (state.Type === 'Task') return `[${label(`${name}<br/>${taskTarget(state)}`)}]`;
  if (state.Type === 'Succeed' || state.Type === 'Fail') return `([${label(`${name}<br/>${state.Type}`)}])`;
  return `(${label(name)})`;
};

/** A definition as the diagrams show it: policies filled in, functions and state machines by name. */
export const diagramDefinition = (file: string): AslDefinition =>
  loadDefinition(file, {
    functionArn: (name) => `function:${name}`,
    stateMachineArn: (name) => `stateMachine:${name}`,
    eventBusName: () => 'EventBus',
  }) as AslDefinition;

/** The ASL files of statemachines/, by workflow name: share-portfolio.asl.json → share-portfolio. */
export const workflowFiles = (): { workflow: string; file: string }[] =>
  readdirSync(STATE_MACHINES_DIR)
    .filter((file) => file.endsWith('.asl.json'))
    .sort()
    .map((file) => ({ workflow: file.replace(/\.asl\.json$/, ''), file }));

/** The page with its diagram block replaced by a fresh rendering of the definition. */
export const withDiagram = (page: string, definition: AslDefinition, pagePath: string): string => {
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
    const updated = withDiagram(page, diagramDefinition(file), pagePath);
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
