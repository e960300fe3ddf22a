// Amazon States Language definitions as JSON, and the one walk over their states: top-level ones and
// those nested in a Map's ItemProcessor (or its older name, Iterator) and a Parallel's Branches.
// Definitions come from callers (CreateStateMachine, files), so every member beyond StartAt, States
// and a state's Type is checked at run time before it is used.

export type AslObject = Record<string, unknown>;

/** One state as the definition spells it. */
export interface AslState extends AslObject {
  Type: string;
  Resource?: string;
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  Branches?: AslDefinition[];
}

/** A state machine definition, or the definition nested in a Map or a Parallel branch. */
export interface AslDefinition extends AslObject {
  StartAt: string;
  States: Record<string, AslState>;
}

/** The Map or Parallel state a nested state belongs to. */
export interface AslContainer {
  state: string;
  kind: 'Map' | 'Parallel';
  /** The branch of a Parallel state; 0 for a Map's item processor. */
  branch: number;
}

export interface AslStateEntry {
  name: string;
  state: AslState;
  /** The definition whose States hold this state: where its Next, Choices and Catch names resolve. */
  definition: AslDefinition;
  /** The innermost Map or Parallel state; undefined at the top level. */
  container?: AslContainer;
  /** The entry of that Map or Parallel state, whose own parent leads further out. */
  parent?: AslStateEntry;
}

/** A definition whose States, or one of them, is not a JSON object. */
export class AslShapeError extends Error {
  override name = 'AslShapeError';
}

const isObject = (value: unknown): value is AslObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function statesOf(definition: AslDefinition): [string, AslState][] {
  if (!isObject(definition.States)) throw new AslShapeError('States must be an object');
  return Object.entries(definition.States).map(([name, state]) => {
    if (!isObject(state)) throw new AslShapeError(`state ${name} must be an object`);
    return [name, state];
  });
}

/** The definitions nested in a state, in order: a Map's ItemProcessor or Iterator, a Parallel's Branches. */
function nestedDefinitions(state: AslState): AslDefinition[] {
  const nested: AslDefinition[] = [];
  for (const inner of [state.ItemProcessor, state.Iterator]) if (isObject(inner)) nested.push(inner);
  if (Array.isArray(state.Branches)) nested.push(...state.Branches.filter(isObject));
  return nested;
}

/** Every state of a definition with its name, depth first in definition order, nested states right after their Map or Parallel. */
export function aslStates(definition: AslDefinition): AslStateEntry[] {
  const entries: AslStateEntry[] = [];
  const visit = (machine: AslDefinition, container: AslContainer | undefined, parent: AslStateEntry | undefined) => {
    for (const [name, state] of statesOf(machine)) {
      const entry: AslStateEntry =
        container && parent ? { name, state, definition: machine, container, parent } : { name, state, definition: machine };
      entries.push(entry);
      const kind = state.Type === 'Parallel' ? 'Parallel' : 'Map';
      nestedDefinitions(state).forEach((inner, branch) => {
        visit(inner, { state: name, kind, branch }, entry);
      });
    }
  };
  visit(definition, undefined, undefined);
  return entries;
}

/** A copy of the definition with every state, nested ones included, replaced by what `change` makes of it. */
export function mapStates(definition: AslDefinition, change: (state: AslState, name: string) => AslState): AslDefinition {
  const states = statesOf(definition).map(([name, state]): [string, AslState] => {
    const changed: AslState = { ...change(state, name) };
    if (isObject(changed.ItemProcessor)) changed.ItemProcessor = mapStates(changed.ItemProcessor, change);
    if (isObject(changed.Iterator)) changed.Iterator = mapStates(changed.Iterator, change);
    if (Array.isArray(changed.Branches))
      changed.Branches = changed.Branches.map((branch) => (isObject(branch) ? mapStates(branch, change) : branch));
    return [name, changed];
  });
  return { ...definition, States: Object.fromEntries(states) };
}
