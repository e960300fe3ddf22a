// The state of the local Step Functions service: registered state machines and their executions,
// and the operations the wire API and the local runtime share.
import { createHash, randomUUID } from 'node:crypto';
import type { AwsServiceError, SimulationClock } from '../contract.js';
import type { AuthorizationRequest } from '../iam/evaluator.js';
import { ChangedRecords } from '../persistence/records.js';
import type { PersistedPart } from '../persistence/store.js';
import { checkName, executionArn, parseExecutionArn, parseStateMachineArn, stateMachineArn } from './arns.js';
import {
  executionAlreadyExists,
  executionDoesNotExist,
  invalidExecutionInput,
  MAX_PAYLOAD_BYTES,
  stateMachineAlreadyExists,
  stateMachineDoesNotExist,
  validationFailed,
} from './errors.js';
import { LocalExecution, type LocalTaskHandler, type SavedExecution } from './execution.js';
import type { HistoryEvent, StateEnteredNotice } from './history.js';
import { startExecutionIntegration } from './integrations.js';
import {
  type BindTasks,
  prepareStateMachine,
  type RegisteredStateMachine,
  sameDefinition,
  startExecutionPattern,
} from './state-machines.js';

/** Where a request acts: the caller's account and the region it signed for. */
export interface Scope {
  accountId: string;
  region: string;
}

export interface StartRequest {
  stateMachineArn: string;
  name?: string;
  /** The execution input as JSON text; `{}` when absent. */
  inputText?: string;
  traceHeader?: string;
}

export interface ExecutionRefs {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
}

/** What `onExecutionEvent` listeners receive; `String(event)` is one readable line. */
export type ExecutionEvent =
  | { type: 'ExecutionStarted'; execution: ExecutionRefs; timestamp: Date }
  | { type: 'StateEntered'; execution: ExecutionRefs; state: string; stateType: string; mapIteration?: number; timestamp: Date }
  | { type: 'ExecutionEnded'; execution: ExecutionRefs; status: string; error?: string; cause?: string; timestamp: Date };

export type ExecutionEventListener = (event: ExecutionEvent) => void;

export interface StepFunctionsModuleOptions {
  region: string;
  accountId: string;
  /** The endpoint's clock; simulated time runs `clock.scale` times faster than real time. */
  clock: SimulationClock;
  /** Local handlers of a definition's Task states by state name, e.g. built with bindTaskStates. */
  bindTasks: BindTasks;
  /**
   * Evaluates, for the integrations this service runs itself (`states:startExecution`), the IAM
   * authorizations the state machine's role needs; an error refuses the task. Nothing is evaluated without it.
   */
  authorizeIntegration?: (stateMachineArn: string, requests: AuthorizationRequest[]) => Promise<AwsServiceError | undefined>;
  /** Where a failing `onExecutionEvent` listener is reported; by default the error is rethrown outside the execution. */
  onListenerError?: (error: unknown) => void;
  /**
   * The endpoint's state directory (`LocalAws.state`): state machines and executions with their
   * history are kept there, and the module continues from what it holds. Executions a restart
   * interrupted wait for `resume()`.
   */
  state?: {
    readonly restored: boolean;
    recordsOf(part: string): Map<string, unknown>;
    attach(part: PersistedPart): () => void;
  };
}

/** A state machine as a persisted state keeps it: enough to prepare it again. */
interface SavedStateMachine {
  name: string;
  definition: unknown;
  definitionText: string;
  roleArn: string;
  region: string;
  accountId: string;
  creationDate: number;
}

/** History events per record of a persisted state: a running execution rewrites only its last page. */
const HISTORY_PAGE = 100;

/** A state machine of a persisted state whose definition cannot be bound any more. */
export class StateMachineRestoreError extends Error {
  override name = 'StateMachineRestoreError';
}

const CAUSE_IN_LINE = 160;

const refsOf = (execution: LocalExecution): ExecutionRefs => ({
  executionArn: execution.arn,
  name: execution.name,
  stateMachineArn: execution.machine.arn,
  stateMachineName: execution.machine.name,
});

/** A UUID-shaped name drawn from a text. */
function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A Lambda error payload reads as its message. */
function readableCause(cause: string): string {
  try {
    const payload = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof payload.errorMessage === 'string' ? payload.errorMessage : cause;
  } catch {
    return cause;
  }
}

function line(event: ExecutionEvent): string {
  const who = `${event.execution.stateMachineName}/${event.execution.name}`;
  switch (event.type) {
    case 'ExecutionStarted':
      return `${who} started`;
    case 'StateEntered':
      return `${who} → ${event.state}${event.mapIteration === undefined ? '' : ` [${event.mapIteration}]`}`;
    case 'ExecutionEnded': {
      const said = event.cause === undefined ? undefined : readableCause(event.cause);
      const cause = said === undefined ? '' : `: ${said.length > CAUSE_IN_LINE ? `${said.slice(0, CAUSE_IN_LINE)}…` : said}`;
      return `${who} ${event.status}${event.error === undefined ? '' : ` ${event.error}`}${cause}`;
    }
  }
}

/** Attaches the one-line rendering without making it part of the event's data. */
function printable<T extends ExecutionEvent>(event: T): T {
  Object.defineProperty(event, 'toString', { value: () => line(event), enumerable: false });
  return event;
}

export class StepFunctionsService {
  readonly options: StepFunctionsModuleOptions;
  readonly #machines = new Map<string, RegisteredStateMachine>();
  readonly #executions = new Map<string, LocalExecution>();
  readonly #listeners = new Set<ExecutionEventListener>();
  /** State machines read from a persisted state: registering one again with another definition updates it, as a deploy does. */
  readonly #restoredMachines = new Set<string>();
  /** Executions a restart interrupted, waiting for `resume()`. */
  readonly #interrupted = new Set<LocalExecution>();
  readonly #records = new ChangedRecords(
    (key) => this.#record(key),
    () => this.#recordKeys(),
  );
  #executionsStarted = 0;
  #stateTransitions = 0;

  constructor(options: StepFunctionsModuleOptions) {
    this.options = options;
    const { state } = options;
    if (!state) return;
    if (state.restored) this.#restore(state.recordsOf('stepfunctions'));
    this.#records.part('stepfunctions', (part) => state.attach(part));
  }

  /** Redrives every execution a restart interrupted; call it once the Task bindings can run. */
  resume(): number {
    let redriven = 0;
    for (const execution of this.#executions.values()) {
      if (execution.status !== 'RUNNING' || !this.#interrupted.has(execution)) continue;
      this.#interrupted.delete(execution);
      execution.redrive();
      redriven += 1;
    }
    return redriven;
  }

  *#recordKeys(): Generator<string> {
    for (const arn of this.#machines.keys()) yield `machine:${arn}`;
    for (const execution of this.#executions.values()) {
      yield `execution:${execution.arn}`;
      for (let page = 0; page * HISTORY_PAGE < execution.history.events.length; page += 1) yield `history:${execution.arn}#${page}`;
    }
  }

  #record(key: string): unknown {
    if (key.startsWith('machine:')) {
      const machine = this.#machines.get(key.slice('machine:'.length));
      if (!machine) return undefined;
      return {
        name: machine.name,
        definition: machine.definition,
        definitionText: machine.definitionText,
        roleArn: machine.roleArn,
        region: machine.region,
        accountId: machine.accountId,
        creationDate: machine.creationDate,
      } satisfies SavedStateMachine;
    }
    if (key.startsWith('execution:')) return this.#executions.get(key.slice('execution:'.length))?.saved();
    if (key.startsWith('history:')) {
      const hash = key.lastIndexOf('#');
      const execution = this.#executions.get(key.slice('history:'.length, hash));
      const page = Number(key.slice(hash + 1));
      return execution?.history.events.slice(page * HISTORY_PAGE, (page + 1) * HISTORY_PAGE);
    }
    return undefined;
  }

  #restore(records: Map<string, unknown>): void {
    const executions: SavedExecution[] = [];
    const pages = new Map<string, HistoryEvent[][]>();
    for (const [key, value] of records) {
      if (key.startsWith('machine:')) {
        const saved = value as SavedStateMachine;
        let machine: RegisteredStateMachine;
        try {
          machine = prepareStateMachine(saved, this.options.bindTasks);
        } catch (error) {
          throw new StateMachineRestoreError(
            `State machine ${saved.name} of the persisted state cannot be prepared again: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        this.#machines.set(machine.arn, machine);
        this.#restoredMachines.add(machine.arn);
      } else if (key.startsWith('execution:')) executions.push(value as SavedExecution);
      else if (key.startsWith('history:')) {
        const hash = key.lastIndexOf('#');
        const arn = key.slice('history:'.length, hash);
        const list = pages.get(arn) ?? [];
        list[Number(key.slice(hash + 1))] = value as HistoryEvent[];
        pages.set(arn, list);
      }
    }
    for (const saved of executions) {
      const machine = this.#machines.get(saved.stateMachineArn);
      if (!machine) continue;
      const execution = this.#newExecution(machine, saved.name, saved.inputText, saved.traceHeader, {
        saved,
        events: (pages.get(saved.arn) ?? []).flat(),
      });
      this.#executions.set(execution.arn, execution);
      if (execution.status === 'RUNNING') this.#interrupted.add(execution);
    }
  }

  get ownScope(): Scope {
    return { accountId: this.options.accountId, region: this.options.region };
  }

  /** Registers (or, for the same definition, finds) a state machine; InvalidName / InvalidDefinition / StateMachineAlreadyExists otherwise. */
  registerStateMachine(
    scope: Scope,
    spec: { name: string; definition: unknown; definitionText?: string; roleArn?: string },
  ): { machine: RegisteredStateMachine; created: boolean } {
    checkName(spec.name);
    const arn = stateMachineArn({ region: scope.region, accountId: scope.accountId, name: spec.name });
    const existing = this.#machines.get(arn);
    if (existing) {
      if (sameDefinition(existing, spec.definition)) return { machine: existing, created: false };
      if (!this.#restoredMachines.has(arn)) throw stateMachineAlreadyExists(arn);
    }
    const machine = prepareStateMachine(
      {
        name: spec.name,
        definition: spec.definition,
        ...(spec.definitionText === undefined ? {} : { definitionText: spec.definitionText }),
        roleArn: spec.roleArn ?? `arn:aws:iam::${scope.accountId}:role/service-role/StepFunctions-${spec.name}-role`,
        region: scope.region,
        accountId: scope.accountId,
        creationDate: Math.round(this.options.clock.now()),
      },
      this.options.bindTasks,
    );
    if (existing) {
      // A persisted state's machine, defined anew by whoever runs the endpoint (an edited
      // definition): updated in place, so that its executions, and those to be redriven, follow it.
      this.#restoredMachines.delete(arn);
      Object.assign(existing, { ...machine, creationDate: existing.creationDate });
      this.#records.touch(`machine:${arn}`);
      return { machine: existing, created: false };
    }
    this.#machines.set(arn, machine);
    this.#records.touch(`machine:${arn}`);
    return { machine, created: true };
  }

  /** The state machine behind an ARN, visible only to its own account and region. */
  stateMachine(scope: Scope, arn: string, member = 'stateMachineArn'): RegisteredStateMachine {
    const ref = parseStateMachineArn(arn, member);
    const machine = this.#machines.get(arn);
    if (ref.qualifier !== undefined || !machine || ref.accountId !== scope.accountId || ref.region !== scope.region)
      throw stateMachineDoesNotExist(arn);
    return machine;
  }

  stateMachines(scope: Scope): RegisteredStateMachine[] {
    return [...this.#machines.values()].filter((machine) => machine.accountId === scope.accountId && machine.region === scope.region);
  }

  /** StartExecution. The same name and input while the execution runs returns it again (Standard workflows are idempotent so). */
  startExecution(scope: Scope, request: StartRequest): LocalExecution {
    parseStateMachineArn(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    checkName(name);
    const inputText = request.inputText ?? '{}';
    if (Buffer.byteLength(inputText, 'utf8') > MAX_PAYLOAD_BYTES) {
      throw validationFailed('input', `${inputText.slice(0, 32)}…`, `Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`);
    }
    try {
      JSON.parse(inputText);
    } catch (error) {
      throw invalidExecutionInput(error instanceof Error ? error.message : String(error));
    }
    const machine = this.stateMachine(scope, request.stateMachineArn);
    const arn = executionArn({ region: machine.region, accountId: machine.accountId, name: machine.name, executionName: name });
    const existing = this.#executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.inputText === inputText) return existing;
      throw executionAlreadyExists(arn);
    }
    const execution = this.#newExecution(machine, name, inputText, request.traceHeader);
    this.#executions.set(arn, execution);
    this.#records.touch(`execution:${arn}`);
    this.#executionsStarted += 1;
    this.#emit(printable({ type: 'ExecutionStarted', execution: refsOf(execution), timestamp: new Date(execution.startDate) }));
    execution.start();
    return execution;
  }

  /** The execution behind an ARN, visible only to its own account and region. */
  execution(scope: Scope, arn: string, member = 'executionArn'): LocalExecution {
    const ref = parseExecutionArn(arn, member);
    const execution = this.#executions.get(arn);
    if (!execution || ref.accountId !== scope.accountId || ref.region !== scope.region) throw executionDoesNotExist(arn);
    return execution;
  }

  /** Executions of a state machine, newest first. */
  executionsOf(machine: RegisteredStateMachine): LocalExecution[] {
    return [...this.#executions.values()].filter((execution) => execution.machine === machine).reverse();
  }

  running(): number {
    let count = 0;
    for (const execution of this.#executions.values()) if (execution.status === 'RUNNING') count += 1;
    return count;
  }

  /** Stops every running execution and waits until no interpreter and no handler call is left. */
  async stopAll(): Promise<void> {
    for (;;) {
      for (const execution of this.#executions.values()) execution.stop();
      await Promise.all([...this.#executions.values()].map((execution) => execution.settled));
      if (this.running() === 0) return;
    }
  }

  onExecutionEvent(listener: ExecutionEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): { executions: number; stateTransitions: number } {
    return { executions: this.#executionsStarted, stateTransitions: this.#stateTransitions };
  }

  #newExecution(
    machine: RegisteredStateMachine,
    name: string,
    inputText: string,
    traceHeader: string | undefined,
    restored?: { saved: SavedExecution; events: HistoryEvent[] },
  ): LocalExecution {
    return new LocalExecution({
      arn: executionArn({ region: machine.region, accountId: machine.accountId, name: machine.name, executionName: name }),
      name,
      machine,
      inputText,
      ...(traceHeader === undefined ? {} : { traceHeader }),
      clock: this.options.clock,
      region: machine.region,
      ownHandlers: this.#ownHandlers(machine),
      onStateEntered: (entered, notice) => this.#stateEntered(entered, notice),
      onClosed: (closed) => this.#closed(closed),
      onChanged: (changed, event) =>
        this.#records.touch(event ? `history:${changed.arn}#${Math.floor((event.id - 1) / HISTORY_PAGE)}` : `execution:${changed.arn}`),
      ...(restored ? { restored } : {}),
    });
  }

  #ownHandlers(machine: RegisteredStateMachine): Record<string, LocalTaskHandler> {
    const children = {
      start: (
        request: { stateMachineArn: string; name?: string; inputText: string },
        caller: { parent: LocalExecution; idempotencyKey: string },
      ) => {
        // The child the same call of a redriven parent started before: the parent waits for it again.
        const known = this.#executions.get(caller.parent.children.get(caller.idempotencyKey) ?? '');
        if (known) return known;
        // Unnamed, a child is named after the call (as UUID-shaped as Step Functions' names), so that a parent killed
        // before it recorded the child finds it by the same name.
        const name = request.name ?? uuidOf(caller.idempotencyKey);
        const child = this.startExecution({ accountId: machine.accountId, region: machine.region }, { ...request, name });
        caller.parent.recordChild(caller.idempotencyKey, child.arn);
        return child;
      },
      stop: (execution: LocalExecution) => void execution.stop(),
    };
    const handlers: Record<string, LocalTaskHandler> = {};
    for (const info of machine.states.values()) {
      const pattern = info.type === 'Task' ? startExecutionPattern(info.definition.Resource) : undefined;
      if (pattern) {
        const authorize = this.options.authorizeIntegration;
        handlers[info.name] = startExecutionIntegration(
          pattern,
          children,
          this.options.clock,
          authorize && ((requests) => authorize(machine.arn, requests)),
        );
      }
    }
    return handlers;
  }

  #stateEntered(execution: LocalExecution, notice: StateEnteredNotice): void {
    this.#stateTransitions += 1;
    this.#emit(
      printable({
        type: 'StateEntered',
        execution: refsOf(execution),
        state: notice.state,
        stateType: notice.type,
        ...(notice.mapIteration === undefined ? {} : { mapIteration: notice.mapIteration }),
        timestamp: new Date(notice.timestamp),
      }),
    );
  }

  #closed(execution: LocalExecution): void {
    this.#emit(
      printable({
        type: 'ExecutionEnded',
        execution: refsOf(execution),
        status: execution.status,
        ...(execution.error === undefined ? {} : { error: execution.error }),
        ...(execution.cause === undefined ? {} : { cause: execution.cause }),
        timestamp: new Date(execution.stopDate ?? execution.startDate),
      }),
    );
  }

  #emit(event: ExecutionEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        if (this.options.onListenerError) this.options.onListenerError(error);
        else
          queueMicrotask(() => {
            throw error;
          });
      }
    }
  }
}
