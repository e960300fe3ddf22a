// The state of the local Step Functions service: registered state machines and their executions,
// and the operations the wire API and the local runtime share.
import { randomUUID } from 'node:crypto';
import type { AwsServiceError, SimulationClock } from '../contract.js';
import type { AuthorizationRequest } from '../iam/evaluator.js';
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
import { LocalExecution, type LocalTaskHandler } from './execution.js';
import type { StateEnteredNotice } from './history.js';
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
}

const CAUSE_IN_LINE = 160;

const refsOf = (execution: LocalExecution): ExecutionRefs => ({
  executionArn: execution.arn,
  name: execution.name,
  stateMachineArn: execution.machine.arn,
  stateMachineName: execution.machine.name,
});

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
  #executionsStarted = 0;
  #stateTransitions = 0;

  constructor(options: StepFunctionsModuleOptions) {
    this.options = options;
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
      throw stateMachineAlreadyExists(arn);
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
    this.#machines.set(arn, machine);
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
    const execution = new LocalExecution({
      arn,
      name,
      machine,
      inputText,
      ...(request.traceHeader === undefined ? {} : { traceHeader: request.traceHeader }),
      clock: this.options.clock,
      region: machine.region,
      ownHandlers: this.#ownHandlers(machine),
      onStateEntered: (entered, notice) => this.#stateEntered(entered, notice),
      onClosed: (closed) => this.#closed(closed),
    });
    this.#executions.set(arn, execution);
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

  #ownHandlers(machine: RegisteredStateMachine): Record<string, LocalTaskHandler> {
    const children = {
      start: (request: { stateMachineArn: string; name?: string; inputText: string }) =>
        this.startExecution({ accountId: machine.accountId, region: machine.region }, request),
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
