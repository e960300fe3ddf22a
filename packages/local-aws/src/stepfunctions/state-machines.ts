// Registered state machines: the definition as registered, its states indexed by name, and the
// local handlers of its Task states.
import { StateMachine } from 'aws-local-stepfunctions';
import { checkName, stateMachineArn } from './arns.js';
import { type AslDefinition, type AslObject, type AslState, mapStates } from './asl.js';
import { indexStates, runnableDefinition, type StateInfo, unsupportedFeature } from './definition.js';
import { invalidDefinition } from './errors.js';

/**
 * What a Task state runs locally: its effective input in, its result out; a thrown error's `name` is
 * what Retry and Catch match. `context.idempotencyKey` is the same for the same call when an
 * execution runs again after a restart: an integration that sends it to the endpoint (the
 * `x-local-aws-idempotency-key` header) has a call that changes something carried out once.
 */
export type TaskHandler = (input: unknown, context?: TaskContext) => Promise<unknown>;

export interface TaskContext {
  idempotencyKey: string;
}

/** Binds the Task states of a definition to local handlers by state name (Lambda functions, SDK integrations). */
export type BindTasks = (definition: AslDefinition, stateMachineArn: string) => Record<string, TaskHandler>;

/** The Step Functions integrations this service runs itself: a child execution, with or without waiting for it. */
const START_EXECUTION_RESOURCE = /^arn:aws[\w-]*:states:::states:startExecution(\.sync(?::2)?)?$/;

export type StartExecutionPattern = 'start' | 'sync' | 'sync:2';

export function startExecutionPattern(resource: unknown): StartExecutionPattern | undefined {
  const match = typeof resource === 'string' ? START_EXECUTION_RESOURCE.exec(resource) : null;
  if (!match) return undefined;
  if (match[1] === '.sync') return 'sync';
  return match[1] === '.sync:2' ? 'sync:2' : 'start';
}

export interface RegisteredStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly definition: AslDefinition;
  /** The definition as DescribeStateMachine returns it. */
  readonly definitionText: string;
  readonly roleArn: string;
  /** Simulated epoch ms. */
  readonly creationDate: number;
  readonly states: ReadonlyMap<string, StateInfo>;
  /** Handlers from `bindTasks`, by Task state name (not the ones this service binds itself). */
  readonly handlers: Readonly<Record<string, TaskHandler>>;
  /** The copy the interpreter runs at a time scale. */
  runnable(scale: number): AslDefinition;
}

export interface StateMachineSpec {
  name: string;
  definition: unknown;
  definitionText?: string;
  roleArn: string;
  region: string;
  accountId: string;
  creationDate: number;
}

const isObject = (value: unknown): value is AslObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a definition as Step Functions would, binds its Task states, and fails with InvalidName / InvalidDefinition. */
export function prepareStateMachine(spec: StateMachineSpec, bindTasks: BindTasks): RegisteredStateMachine {
  checkName(spec.name);
  const definition = spec.definition;
  if (!isObject(definition) || typeof definition.StartAt !== 'string' || !isObject(definition.States)) {
    throw invalidDefinition('SCHEMA_VALIDATION_FAILED: a definition needs StartAt and States');
  }
  const asl = structuredClone(definition) as AslDefinition;
  const unsupported = unsupportedFeature(asl);
  if (unsupported) throw invalidDefinition(`UNSUPPORTED_FEATURE: ${unsupported}`);
  try {
    // The interpreter's own validation (asl-validator, which writes defaults into what it checks);
    // resources are checked when they are bound.
    new StateMachine(structuredClone(asl) as never, { validationOptions: { checkArn: false } });
  } catch (error) {
    throw invalidDefinition(
      `SCHEMA_VALIDATION_FAILED: ${error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error)}`,
    );
  }
  const states = indexStates(asl);
  const arn = stateMachineArn({ region: spec.region, accountId: spec.accountId, name: spec.name });

  let handlers: Record<string, TaskHandler>;
  try {
    handlers = bindTasks(withoutOwnTasks(asl), arn);
  } catch (error) {
    throw invalidDefinition(`UNSUPPORTED_RESOURCE: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const info of states.values()) {
    if (info.type === 'Task' && !startExecutionPattern(info.definition.Resource) && typeof handlers[info.name] !== 'function') {
      throw invalidDefinition(`UNSUPPORTED_RESOURCE: no local binding for state "${info.name}" (${String(info.definition.Resource)})`);
    }
  }

  const runnables = new Map<number, AslDefinition>();
  return {
    arn,
    name: spec.name,
    region: spec.region,
    accountId: spec.accountId,
    definition: asl,
    definitionText: spec.definitionText ?? JSON.stringify(asl, null, 2),
    roleArn: spec.roleArn,
    creationDate: spec.creationDate,
    states,
    handlers,
    runnable(scale) {
      let runnable = runnables.get(scale);
      if (!runnable) {
        runnable = runnableDefinition(asl, scale);
        runnables.set(scale, runnable);
      }
      return runnable;
    },
  };
}

/** What `bindTasks` sees: the definition without the Task states this service binds itself. */
function withoutOwnTasks(machine: AslDefinition): AslDefinition {
  return mapStates(machine, (state): AslState => {
    if (state.Type !== 'Task' || !startExecutionPattern(state.Resource)) return state;
    const { Resource: _resource, Parameters: _parameters, ...rest } = state;
    return { ...rest, Type: 'Pass' };
  });
}

/** Registering a name again is idempotent for the same definition, as CreateStateMachine is (a different role is ignored). */
export function sameDefinition(machine: RegisteredStateMachine, definition: unknown): boolean {
  return JSON.stringify(machine.definition) === JSON.stringify(definition);
}
