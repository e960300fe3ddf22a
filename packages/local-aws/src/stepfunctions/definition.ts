// What the interpreter runs is a copy of the registered definition, changed only where
// aws-local-stepfunctions would otherwise diverge from AWS or from the endpoint's simulated clock:
//
// - Wait states become Task states of the same name bound to a handler that sleeps on the simulated
//   clock (SecondsPath / TimestampPath are only known at run time, so overrides cannot express them).
//   Parameters hand the handler the effective input, which it returns: the state's output is what a
//   Wait's would be, and the states entered stay the same.
// - Task states without a timeout get the largest one a timer can hold: the interpreter's default
//   of 60 s would cut a nested `.sync` execution or a slow function that AWS lets run (Standard
//   workflows have no task timeout unless the definition sets one).
// - Retriers run `scale` times faster: IntervalSeconds and MaxDelaySeconds are divided by the time
//   scale, so backoff, the delay cap and full jitter keep their shape in simulated time.
// - `$$.Execution` paths read an alias that holds what AWS gives (the interpreter overwrites
//   StartTime with the real clock and, inside Map iterations, Input with the item).
// - Task Parameters are wrapped so that the handler also receives the interpreter's per-run context
//   object, which tells the history which Map iteration called it.
// - Choice type tests written with `false` (`IsNull: false`, `IsPresent: false`, …), which the
//   interpreter never matches, become `Not` of the `true` test.
import {
  type AslContainer,
  type AslDefinition,
  type AslObject,
  AslShapeError,
  type AslState,
  type AslStateEntry,
  aslStates,
  mapStates,
} from './asl.js';
import { invalidDefinition } from './errors.js';

/** Where the runnable copy reads the execution's context object (`$$.Execution` in the registered definition). */
export const EXECUTION_CONTEXT_ALIAS = 'ExecutionContext';
/** Members of a wrapped Task's Parameters: the effective input, and the interpreter's context object of the run. */
export const TASK_INPUT_KEY = 'localTaskInput';
export const TASK_RUN_KEY = 'localTaskRun';
/** The resource Wait states run as. */
const WAIT_RESOURCE = 'arn:aws:states:::local:wait';
/** setTimeout holds at most 2^31 - 1 ms. */
const MAX_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export interface StateInfo {
  name: string;
  /** The type in the registered definition (a Wait stays a Wait). */
  type: string;
  definition: AslState;
  /** The innermost Map or Parallel state the state belongs to; undefined at the top level. */
  container?: AslContainer;
}

const isObject = (value: unknown): value is AslObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every state of the definition by name, nested ones included; names must be unique across it as the interpreter binds by name. */
export function indexStates(definition: AslDefinition): Map<string, StateInfo> {
  let entries: AslStateEntry[];
  try {
    entries = aslStates(definition);
  } catch (error) {
    if (error instanceof AslShapeError) throw invalidDefinition(`SCHEMA_VALIDATION_FAILED: ${error.message}`);
    throw error;
  }
  const states = new Map<string, StateInfo>();
  for (const { name, state, container } of entries) {
    if (states.has(name)) throw invalidDefinition(`DUPLICATE_STATE_NAME: Duplicate State name: ${name}`);
    const type = String(state.Type);
    states.set(name, container ? { name, type, definition: state, container } : { name, type, definition: state });
  }
  return states;
}

/** JSONata and variables are beyond what the local interpreter evaluates. */
export function unsupportedFeature(definition: AslDefinition): string | undefined {
  let found: string | undefined;
  const visit = (value: unknown) => {
    if (found || !isObject(value)) return;
    if (value.QueryLanguage === 'JSONata') found = 'JSONata is not supported by the local interpreter; use JSONPath';
    else if ('Assign' in value) found = 'Assign (variables) is not supported by the local interpreter';
    else if (isObject(value.ItemReader) || isObject(value.ResultWriter))
      found = 'Distributed Map (ItemReader / ResultWriter) is not supported by the local interpreter; use an inline Map';
    for (const inner of Object.values(value)) {
      if (Array.isArray(inner)) inner.forEach(visit);
      else visit(inner);
    }
  };
  visit(definition);
  return found;
}

const CONTEXT_EXECUTION = /\$\$\.Execution(?![\w])/g;
const isPathMember = (key: string) => key.endsWith('.$') || key.endsWith('Path') || key === 'Variable';

function aliasExecutionPaths(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(aliasExecutionPaths);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      typeof inner === 'string' && isPathMember(key)
        ? inner.replace(CONTEXT_EXECUTION, `$$$$.${EXECUTION_CONTEXT_ALIAS}`)
        : aliasExecutionPaths(inner),
    ]),
  );
}

function scaledRetriers(retry: unknown, scale: number): unknown {
  if (!Array.isArray(retry)) return retry;
  return retry.map((retrier: unknown) => {
    if (!isObject(retrier)) return retrier;
    const scaled: AslObject = {
      ...retrier,
      IntervalSeconds: (typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) / scale,
    };
    if (typeof retrier.MaxDelaySeconds === 'number') scaled.MaxDelaySeconds = retrier.MaxDelaySeconds / scale;
    return scaled;
  });
}

const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

function choiceRule(rule: unknown): unknown {
  if (!isObject(rule)) return rule;
  const copy: AslObject = { ...rule };
  if (Array.isArray(rule.And)) copy.And = rule.And.map(choiceRule);
  if (Array.isArray(rule.Or)) copy.Or = rule.Or.map(choiceRule);
  if (isObject(rule.Not)) copy.Not = choiceRule(rule.Not);
  const test = TYPE_TESTS.find((name) => rule[name] === false);
  if (!test) return copy;
  const { Next: next, ...negated } = copy;
  const positive = { ...negated, [test]: true };
  return next === undefined ? { Not: positive } : { Not: positive, Next: next };
}

const TRANSITION_MEMBERS = ['Comment', 'InputPath', 'OutputPath', 'Next', 'End'] as const;

function waitAsTask(state: AslState): AslState {
  const parameters: AslObject = { [`${TASK_INPUT_KEY}.$`]: '$' };
  if (state.Seconds !== undefined) parameters.seconds = state.Seconds;
  if (state.Timestamp !== undefined) parameters.timestamp = state.Timestamp;
  if (state.SecondsPath !== undefined) parameters['seconds.$'] = state.SecondsPath;
  if (state.TimestampPath !== undefined) parameters['timestamp.$'] = state.TimestampPath;
  const task: AslState = { Type: 'Task', Resource: WAIT_RESOURCE, Parameters: parameters, TimeoutSeconds: MAX_TASK_TIMEOUT_SECONDS };
  for (const member of TRANSITION_MEMBERS) if (member in state) task[member] = state[member];
  return task;
}

function runnableTask(state: AslState): AslState {
  const task: AslState = { ...state };
  task.Parameters = {
    ...('Parameters' in state ? { [TASK_INPUT_KEY]: state.Parameters } : { [`${TASK_INPUT_KEY}.$`]: '$' }),
    [`${TASK_RUN_KEY}.$`]: '$$.Execution',
  };
  if (state.TimeoutSecondsPath === undefined) {
    const timeout = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : MAX_TASK_TIMEOUT_SECONDS;
    task.TimeoutSeconds = Math.min(timeout, MAX_TASK_TIMEOUT_SECONDS);
  }
  return task;
}

function runnableState(state: AslState, scale: number): AslState {
  if (state.Type === 'Wait') return waitAsTask(state);
  const runnable = state.Type === 'Task' ? runnableTask(state) : { ...state };
  if (state.Type === 'Choice' && Array.isArray(state.Choices)) runnable.Choices = state.Choices.map(choiceRule);
  if ('Retry' in runnable) runnable.Retry = scaledRetriers(runnable.Retry, scale);
  return runnable;
}

/** The copy of a registered definition that the interpreter runs at the given time scale. */
export function runnableDefinition(definition: AslDefinition, scale: number): AslDefinition {
  return mapStates(aliasExecutionPaths(definition) as AslDefinition, (state) => runnableState(state, scale));
}
