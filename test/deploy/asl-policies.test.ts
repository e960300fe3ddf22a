// The workflows' policies are written once (statemachines/policies.json): every Task of every state
// machine retries through a named policy, catches what it does not retry into a state that reports
// the outcome, and no tuning number is written in an ASL file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AslDefinition, type AslState, type AslStateEntry, aslStates } from '@portfolio-share-orchestrator/local-aws';
import { describe, expect, it } from 'vitest';
import { loadDefinition, localSubstitutions } from '../../local/runtime/definitions.js';
import { policies, readSource } from '../../statemachines/substitution.cjs';

const files = readdirSync('statemachines').filter((file) => file.endsWith('.asl.json'));
const source = (file: string) => readSource(file) as AslDefinition;
const expanded = (file: string) =>
  loadDefinition(file, localSubstitutions({ region: 'us-east-1', accountId: '123456789012', eventBusName: 'bus' }));

const PUT_EVENTS = 'arn:aws:states:::events:putEvents';
const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
/** The definition files another workflow starts as a child execution (`"StateMachineArn": "${XStateMachineArn}"`). */
const STARTED_AS_CHILD = new Set(
  files.flatMap((file) =>
    aslStates(source(file)).flatMap(({ state }) => {
      const arn = (state.Parameters as { StateMachineArn?: unknown } | undefined)?.StateMachineArn;
      const machine = typeof arn === 'string' ? /^\$\{(\w+)StateMachineArn\}$/.exec(arn) : null;
      return machine ? [`${kebab(machine[1] as string)}.asl.json`] : [];
    }),
  ),
);
type Catcher = { ErrorEquals: string[]; Next: string };

/** The Map and Parallel states around a state, outermost first. */
const within = (entry: AslStateEntry | undefined): AslStateEntry[] => (entry ? [...within(entry.parent), entry] : []);
const where = (file: string, { name, parent }: AslStateEntry) => [file, ...within(parent).map((outer) => outer.name), name].join(' › ');
const successors = (state: AslState): string[] =>
  [state.Next, state.Default, ...((state.Choices as { Next?: string }[] | undefined) ?? []).map((choice) => choice.Next)].filter(
    (next): next is string => typeof next === 'string',
  );
const ends = (state: AslState) => state.End === true || state.Type === 'Succeed';

/**
 * Whether a run that enters `name` (a state of `definition`, run inside `parent`) goes on, through
 * Next, Choices and Default, to a state that reports: one that emits a result event, or, in a child
 * workflow that emits none, the end, whose output the parent reports. An iteration that ends goes on
 * after its Map or Parallel state.
 */
const reachesReport = (
  definition: AslDefinition,
  parent: AslStateEntry | undefined,
  name: string,
  isChild: boolean,
  seen = new Set<string>(),
): boolean => {
  const key = [...within(parent).map((outer) => outer.name), name].join(' › ');
  if (seen.has(key)) return false;
  seen.add(key);
  const state = definition.States[name];
  if (!state) return false;
  if (state.Type === 'Task' && state.Resource === PUT_EVENTS) return true;
  if (successors(state).some((next) => reachesReport(definition, parent, next, isChild, seen))) return true;
  if (!ends(state)) return false;
  if (!parent) return isChild;
  return reachesReport(parent.definition, parent.parent, parent.name, isChild, seen);
};

describe.each(files)('%s', (file) => {
  it('retries every Task (and any other state that retries) through a named policy of the table', () => {
    const problems = aslStates(source(file)).flatMap((nested) => {
      const { Retry: retry, Type: type } = nested.state;
      if (retry === undefined) return type === 'Task' ? [`${where(file, nested)}: a Task without a retry policy`] : [];
      const named = typeof retry === 'string' ? /^\$\{Retry\.(\w+)\}$/.exec(retry) : null;
      if (!named) return [`${where(file, nested)}: Retry ${JSON.stringify(retry).slice(0, 60)}… is not a named policy "\${Retry.Name}"`];
      return (named[1] as string) in policies.Retry
        ? []
        : [`${where(file, nested)}: no retry policy ${named[1]} in statemachines/policies.json`];
    });
    expect(problems).toEqual([]);
  });

  it('catches everything a Task does not retry, and every Catch leads to a state that reports', () => {
    const machine = expanded(file);
    // A child that emits no result of its own reports through its output, which its parent reports;
    // every other workflow must reach a result event.
    const isChild = STARTED_AS_CHILD.has(file) && !aslStates(machine).some(({ state }) => state.Resource === PUT_EVENTS);
    const problems = aslStates(machine).flatMap((nested) => {
      const catchers = (nested.state.Catch as Catcher[] | undefined) ?? [];
      const reports = nested.state.Resource === PUT_EVENTS;
      return [
        // A PutEvents of the result is the report itself: its failure fails the execution.
        ...(nested.state.Type === 'Task' && !reports && !catchers.some((catcher) => catcher.ErrorEquals.includes('States.ALL'))
          ? [`${where(file, nested)}: a Task without a Catch for States.ALL`]
          : []),
        ...catchers.flatMap((catcher) =>
          reachesReport(nested.definition, nested.parent, catcher.Next, isChild)
            ? []
            : [`${where(file, nested)}: its Catch for ${catcher.ErrorEquals.join(', ')} → "${catcher.Next}" reaches no reporting state`],
        ),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('writes no tuning number: every number but 0 comes from the Tuning section of the table', () => {
    const numbers = (value: unknown, path: string): string[] => {
      if (typeof value === 'number') return value === 0 ? [] : [`${path} = ${value}`];
      if (Array.isArray(value)) return value.flatMap((item, index) => numbers(item, `${path}[${index}]`));
      if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => numbers(item, `${path} › ${key}`));
      return [];
    };
    expect(numbers(source(file), file)).toEqual([]);
  });
});

describe('child workflows', () => {
  it('are found from the parents that start them', () => {
    expect([...STARTED_AS_CHILD].sort()).toEqual(['await-share-action.asl.json', 'share-portfolio.asl.json', 'unshare-portfolio.asl.json']);
  });
});

describe('the policy table, statemachines/policies.json', () => {
  const sources = files.map((file) => readFileSync(join('statemachines', file), 'utf8'));
  const tsFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  const code = tsFiles('src').map((file) => readFileSync(file, 'utf8'));
  const sections = ['Tuning', 'Retrier', 'Retry', 'Catch', 'Initial'] as const;

  it('gives every entry its one-line reason', () => {
    for (const section of sections) {
      for (const [name, entry] of Object.entries(policies[section])) {
        expect((entry as { reason?: unknown }).reason, `${section}.${name}`).toMatch(/^[^\n]{10,}$/);
      }
    }
  });

  it('builds retry policies from retriers it defines, and uses every retrier', () => {
    const named = Object.values(policies.Retry).flatMap((policy) => policy.retriers);
    expect(named.filter((retrier) => !(retrier in policies.Retrier))).toEqual([]);
    expect(Object.keys(policies.Retrier).filter((retrier) => !named.includes(retrier))).toEqual([]);
  });

  it('has no entry that no workflow (or, for numbers and initial values, no src/ module) names', () => {
    const unused = (['Retry', 'Catch', 'Tuning', 'Initial'] as const).flatMap((section) =>
      Object.keys(policies[section])
        .map((name) => `${section}.${name}`)
        .filter(
          (name) => !sources.some((text) => text.includes(`"\${${name}}"`)) && !code.some((text) => text.includes(`policies.${name}.`)),
        ),
    );
    expect(unused).toEqual([]);
  });

  it('names a recurring Catch instead of repeating it inline', () => {
    const named = new Set(Object.values(policies.Catch).map((policy) => JSON.stringify(policy.value)));
    const inline = files.flatMap((file) =>
      aslStates(source(file)).flatMap((nested) =>
        Array.isArray(nested.state.Catch) ? [{ at: where(file, nested), json: JSON.stringify(nested.state.Catch) }] : [],
      ),
    );
    const repeated = inline.filter(({ json }, index) => named.has(json) || inline.some((other, at) => at !== index && other.json === json));
    expect(repeated.map(({ at }) => at)).toEqual([]);
  });
});
