// One execution of a Standard workflow: the interpreter run, its status as the API reports it, its
// history, and the Task handler calls it makes.
import { createHash } from 'node:crypto';
import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { SimulationClock } from '../contract.js';
import { EXECUTION_CONTEXT_ALIAS, type StateInfo, TASK_INPUT_KEY, TASK_RUN_KEY } from './definition.js';
import {
  DATA_LIMIT_EXCEEDED,
  DataLimitExceededError,
  dataInputCause,
  dataLimitCause,
  ExecutionStoppedError,
  MAX_PAYLOAD_BYTES,
  payloadBytes,
  StatesError,
} from './errors.js';
import {
  ExecutionHistory,
  type HistoryEvent,
  invokesLambda,
  MAX_HISTORY_EVENTS,
  type StateEnteredNotice,
  type TaskCall,
} from './history.js';
import { sleepUntil } from './scaled-time.js';
import type { RegisteredStateMachine } from './state-machines.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type ClosedStatus = Exclude<ExecutionStatus, 'RUNNING'>;

/**
 * A Task handler as this service calls it: the effective input, and what it needs to report a child
 * execution or stop. `idempotencyKey` names this call of the execution the same way however often
 * the execution runs again (a redrive): the state, the input of the run it belongs to (the execution
 * or a Map iteration), and how many calls with both came before it.
 */
export type LocalTaskHandler = (
  parameters: unknown,
  task: { call: TaskCall; signal: AbortSignal; idempotencyKey: string; execution: LocalExecution },
) => Promise<unknown>;

/** An execution as a persisted state keeps it; its history is kept in pages beside it. */
export interface SavedExecution {
  arn: string;
  name: string;
  stateMachineArn: string;
  inputText: string;
  traceHeader?: string;
  startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
  /** Child executions this one started through its own integrations, by the idempotency key of the call. */
  children: Array<[string, string]>;
}

export interface ExecutionOptions {
  arn: string;
  name: string;
  machine: RegisteredStateMachine;
  inputText: string;
  traceHeader?: string;
  clock: SimulationClock;
  region: string;
  /** Handlers of the Task states this service binds itself, by state name. */
  ownHandlers: Record<string, LocalTaskHandler>;
  onStateEntered: (execution: LocalExecution, notice: StateEnteredNotice) => void;
  onClosed: (execution: LocalExecution) => void;
  /** Something a persisted state keeps changed: the execution, or (with an event) its history. */
  onChanged?: (execution: LocalExecution, event?: HistoryEvent) => void;
  /** The execution as a persisted state kept it, with its history: it continues from there. */
  restored?: { saved: SavedExecution; events: HistoryEvent[] };
}

// The model's limits of SensitiveError and SensitiveCause.
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;
const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A function's error as Step Functions reports a Lambda invocation's: Error is the error type and
 * Cause the Lambda error payload, `{"errorType", "errorMessage", "trace"}`, as the Node.js runtime writes it.
 */
function lambdaFailure(error: unknown): Error {
  if (error instanceof StatesError || error instanceof ExecutionStoppedError) return error;
  const failure = error instanceof Error ? error : new Error(String(error));
  const payload = { errorType: failure.name, errorMessage: failure.message, trace: (failure.stack ?? '').split('\n') };
  return new StatesError(failure.name, JSON.stringify(payload));
}

const truncate = (text: string | undefined, max: number) => (text === undefined ? undefined : [...text].slice(0, max).join(''));

/** Whether a state's Retry or Catch names an error itself (not through a wildcard). */
const names = (policies: unknown, error: string): boolean =>
  Array.isArray(policies) &&
  policies.some(
    (policy: unknown) =>
      Array.isArray((policy as { ErrorEquals?: unknown })?.ErrorEquals) &&
      (policy as { ErrorEquals: unknown[] }).ErrorEquals.includes(error),
  );

/** `States.DataLimitExceeded` as a state raises it: retried or caught only where the state names it. */
const dataLimitExceeded = (info: StateInfo, cause: string): DataLimitExceededError =>
  new DataLimitExceededError(cause, {
    retry: names(info.definition.Retry, DATA_LIMIT_EXCEEDED),
    catch: names(info.definition.Catch, DATA_LIMIT_EXCEEDED),
  });

/**
 * Lets the interpreter's event log, read asynchronously, catch up: a state output over the quota,
 * which the history sees in the state's exit event, has then failed the execution before the next
 * Task state acts.
 */
const eventLogCaughtUp = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Closing {
  status: ClosedStatus;
  output?: string;
  error?: string;
  cause?: string;
}

export class LocalExecution {
  readonly arn: string;
  readonly name: string;
  readonly machine: RegisteredStateMachine;
  readonly inputText: string;
  readonly input: unknown;
  readonly traceHeader: string | undefined;
  /** Simulated epoch ms. */
  readonly startDate: number;
  readonly history: ExecutionHistory;
  status: ExecutionStatus = 'RUNNING';
  stopDate: number | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  /** How many times the execution was redriven (after a restart of a persisted endpoint), and when last. */
  redriveCount = 0;
  redriveDate: number | undefined;
  /** Child executions started by this one's own integrations, by the idempotency key of the call that started them. */
  readonly children = new Map<string, string>();
  /** Resolves when the execution closes (its status leaves RUNNING). */
  readonly closed: Promise<void>;
  /** Resolves when the interpreter has wound down and no handler call is in flight. */
  readonly settled: Promise<void>;

  readonly #options: ExecutionOptions;
  readonly #context: Record<string, unknown>;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Task calls so far in this run, by state and run input: what the idempotency key counts. */
  readonly #callCounts = new Map<string, number>();
  #started = false;
  #markClosed!: () => void;
  #markSettled!: () => void;
  #abortRun: () => void = () => undefined;

  constructor(options: ExecutionOptions) {
    this.#options = options;
    this.arn = options.arn;
    this.name = options.name;
    this.machine = options.machine;
    this.inputText = options.inputText;
    this.input = JSON.parse(options.inputText) as unknown;
    this.traceHeader = options.traceHeader;
    const restored = options.restored?.saved;
    this.startDate = restored ? restored.startDate : Math.round(options.clock.now());
    this.closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
    this.settled = new Promise((resolve) => {
      this.#markSettled = resolve;
    });
    const context = {
      [EXECUTION_CONTEXT_ALIAS]: {
        Id: this.arn,
        Input: this.input,
        Name: this.name,
        RoleArn: this.machine.roleArn,
        StartTime: new Date(this.startDate).toISOString(),
        RedriveCount: 0,
      },
      StateMachine: { Id: this.machine.arn, Name: this.machine.name },
    };
    this.history = new ExecutionHistory({
      states: this.machine.states,
      region: options.region,
      clock: options.clock,
      rootInput: this.input,
      context,
      onStateEntered: (notice) => options.onStateEntered(this, notice),
      onLimitReached: () => this.#close({ status: 'FAILED', error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE }),
      onAppended: (event) => options.onChanged?.(this, event),
      // A state's output over the payload quota is terminal, whatever its Catch says.
      onOutputTooLarge: (state) => this.#close({ status: 'FAILED', error: DATA_LIMIT_EXCEEDED, cause: dataLimitCause(state) }),
    });
    this.#context = context;
    if (!options.restored) {
      this.history.started(this.inputText, this.machine.roleArn, this.startDate);
      return;
    }
    const { saved, events } = options.restored;
    this.status = saved.status;
    this.stopDate = saved.stopDate;
    this.output = saved.output;
    this.error = saved.error;
    this.cause = saved.cause;
    this.redriveCount = saved.redriveCount;
    this.redriveDate = saved.redriveDate;
    for (const [key, child] of saved.children) this.children.set(key, child);
    this.history.restore(events, saved.status !== 'RUNNING');
    if (saved.status !== 'RUNNING') {
      this.#markClosed();
      this.#markSettled();
    }
  }

  /** Runs the interpreter; separate from construction so that the execution is findable before its first handler runs. */
  start(): void {
    this.#started = true;
    void this.#run(this.#context).finally(() => this.#markSettled());
  }

  /**
   * Runs an execution that a restart interrupted again from its first state, as RedriveExecution
   * does (which AWS starts from the state that failed): its ARN, name, input and history stay,
   * ExecutionRedriven is recorded and RedriveCount goes up. The workflows are idempotent, and the
   * calls that change something are answered from the first run by their idempotency keys.
   */
  redrive(): void {
    if (this.status !== 'RUNNING' || this.#started) return;
    this.redriveCount += 1;
    const now = Math.max(this.startDate, Math.round(this.#options.clock.now()));
    this.redriveDate = now;
    (this.#context[EXECUTION_CONTEXT_ALIAS] as Record<string, unknown>).RedriveCount = this.redriveCount;
    this.history.redriven(this.redriveCount, now);
    this.#options.onChanged?.(this);
    this.start();
  }

  /** What a persisted state keeps of the execution (its history aside). */
  saved(): SavedExecution {
    const saved: SavedExecution = {
      arn: this.arn,
      name: this.name,
      stateMachineArn: this.machine.arn,
      inputText: this.inputText,
      startDate: this.startDate,
      status: this.status,
      redriveCount: this.redriveCount,
      children: [...this.children],
    };
    if (this.traceHeader !== undefined) saved.traceHeader = this.traceHeader;
    if (this.stopDate !== undefined) saved.stopDate = this.stopDate;
    if (this.output !== undefined) saved.output = this.output;
    if (this.error !== undefined) saved.error = this.error;
    if (this.cause !== undefined) saved.cause = this.cause;
    if (this.redriveDate !== undefined) saved.redriveDate = this.redriveDate;
    return saved;
  }

  /** Records a child execution started by the call with this key, so that a redrive's same call finds it. */
  recordChild(idempotencyKey: string, childArn: string): void {
    this.children.set(idempotencyKey, childArn);
    this.#options.onChanged?.(this);
  }

  /** StopExecution: closes a running execution as ABORTED and returns its stop date. */
  stop(error?: string, cause?: string): number {
    if (this.status === 'RUNNING')
      this.#close({ status: 'ABORTED', ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) });
    return this.stopDate as number;
  }

  async #run(context: Record<string, unknown>): Promise<void> {
    const interpreter = new StateMachine(this.machine.runnable(this.#options.clock.scale) as never, {
      validationOptions: { noValidate: true },
    });
    const run = interpreter.run(this.input as never, {
      // Handlers return JSON; the interpreter's type wants it spelled as its own JSONValue.
      overrides: { taskResourceLocalHandlers: this.#handlers() as never },
      context: context as never,
    });
    this.#abortRun = run.abort;
    if (this.status !== 'RUNNING') run.abort();
    const drained = (async () => {
      for await (const event of run.eventLogs) this.history.handle(event as never);
    })();
    const outcome = await run.result.then(
      (output) => ({ ok: true as const, output }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // The interpreter reports the end before its event log has been read to the end.
    await drained;
    this.#close(outcome.ok ? this.#success(outcome.output) : this.#failure(outcome.error));
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** SUCCEEDED with the output, unless it is over the payload quota (the last state's exit, which the history checks, says so first). */
  #success(output: unknown): Closing {
    const text = JSON.stringify(output ?? null);
    if (Buffer.byteLength(text, 'utf8') <= MAX_PAYLOAD_BYTES) return { status: 'SUCCEEDED', output: text };
    return { status: 'FAILED', error: DATA_LIMIT_EXCEEDED, cause: dataLimitCause(this.history.lastExited ?? this.machine.name) };
  }

  #failure(error: unknown): Closing {
    if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
    const failure = error instanceof ExecutionError ? error.cause : error;
    if (!(failure instanceof Error)) return { status: 'FAILED', error: 'States.Runtime', cause: String(failure) };
    const closing: Closing = {
      status: 'FAILED',
      error: failure.name,
      cause: typeof failure.cause === 'string' ? failure.cause : failure.message,
    };
    // A Fail state without Error or Cause reports none; the interpreter would invent a name and a message.
    const last = this.history.lastFailure;
    const failState = last?.type === 'Fail' ? this.machine.states.get(last.state)?.definition : undefined;
    if (failState) {
      if (failState.Error === undefined && failState.ErrorPath === undefined) delete closing.error;
      if (failState.Cause === undefined && failState.CausePath === undefined) delete closing.cause;
    }
    return closing;
  }

  #close(closing: Closing): void {
    if (this.status !== 'RUNNING') return;
    const now = Math.max(this.startDate, Math.round(this.#options.clock.now()));
    this.status = closing.status;
    this.stopDate = now;
    this.output = closing.output;
    this.error = truncate(closing.error, MAX_ERROR_LENGTH);
    this.cause = truncate(closing.cause, MAX_CAUSE_LENGTH);
    const failure = {
      ...(this.error === undefined ? {} : { error: this.error }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
    };
    switch (closing.status) {
      case 'SUCCEEDED':
        this.history.end('ExecutionSucceeded', { output: this.output, outputDetails: { truncated: false } }, now);
        break;
      case 'FAILED':
        this.history.end('ExecutionFailed', failure, now);
        break;
      case 'TIMED_OUT':
        this.history.end('ExecutionTimedOut', failure, now);
        break;
      case 'ABORTED':
        this.history.end('ExecutionAborted', failure, now);
        break;
    }
    // Work still under way belongs to a closed execution (a stopped run, or a Parallel branch the
    // interpreter abandoned): handlers that can stop, stop.
    this.#abort.abort(new ExecutionStoppedError(`${this.arn} is ${closing.status}`));
    this.#abortRun();
    this.#markClosed();
    // An interrupted execution stopped before it was redriven has no interpreter to wind down.
    if (!this.#started) this.#markSettled();
    this.#options.onChanged?.(this);
    this.#options.onClosed(this);
  }

  /** Every Task state's handler, wrapped to record the call and to refuse work once the execution stopped. */
  #handlers(): Record<string, (raw: unknown) => Promise<unknown>> {
    const handlers: Record<string, (raw: unknown) => Promise<unknown>> = {};
    for (const info of this.machine.states.values()) {
      if (info.type === 'Wait') handlers[info.name] = (raw) => this.#track(this.#wait(info, raw));
      if (info.type !== 'Task') continue;
      const own = this.#options.ownHandlers[info.name];
      const bound = this.machine.handlers[info.name];
      const handler: LocalTaskHandler | undefined =
        own ?? (bound ? (parameters, task) => bound(parameters, { idempotencyKey: task.idempotencyKey }) : undefined);
      if (handler) handlers[info.name] = (raw) => this.#track(this.#callTask(info, handler, raw));
    }
    return handlers;
  }

  async #callTask(info: StateInfo, handler: LocalTaskHandler, raw: unknown): Promise<unknown> {
    await eventLogCaughtUp();
    this.#refuseWhenStopped();
    const wrapped = (raw ?? {}) as Record<string, unknown>;
    const parameters = wrapped[TASK_INPUT_KEY];
    const run = wrapped[TASK_RUN_KEY] as { Input?: unknown } | undefined;
    // The state's input after Parameters is held to the quota too: refused before the task is scheduled.
    if (payloadBytes(parameters) > MAX_PAYLOAD_BYTES) throw dataLimitExceeded(info, dataInputCause(info.name));
    const call = this.history.taskCall(info.name, run?.Input, parameters);
    const idempotencyKey = this.#idempotencyKey(info.name, run?.Input);
    try {
      // A function that returns nothing gives null, as a Lambda function's empty payload does.
      const output = (await handler(parameters, { call, signal: this.#abort.signal, idempotencyKey, execution: this })) ?? null;
      // A Lambda payload or an integration's output over the quota fails the task, whose events then say so.
      if (payloadBytes(output) > MAX_PAYLOAD_BYTES) throw dataLimitExceeded(info, dataLimitCause(String(info.definition.Resource)));
      call.ended = { at: this.#options.clock.now(), output };
      return output;
    } catch (error) {
      const failure = invokesLambda(info.definition.Resource)
        ? lambdaFailure(error)
        : error instanceof Error
          ? error
          : new StatesError('States.TaskFailed', String(error));
      call.ended = { at: this.#options.clock.now(), error: { name: failure.name, cause: failure.message } };
      throw failure;
    }
  }

  /** A Wait state, run as a Task: sleeps on the simulated clock, then passes its input on. */
  async #wait(info: StateInfo, raw: unknown): Promise<unknown> {
    this.#refuseWhenStopped();
    const { clock } = this.#options;
    const parameters = (raw ?? {}) as { seconds?: unknown; timestamp?: unknown } & Record<string, unknown>;
    let until: number;
    if (parameters.seconds !== undefined) {
      const seconds = parameters.seconds;
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw new StatesError(
          'States.Runtime',
          `Wait state ${info.name}: the seconds to wait must be a non-negative integer, got ${JSON.stringify(seconds)}`,
        );
      }
      until = clock.now() + seconds * 1000;
    } else {
      const timestamp = parameters.timestamp;
      if (typeof timestamp !== 'string' || !RFC3339.test(timestamp)) {
        throw new StatesError(
          'States.Runtime',
          `Wait state ${info.name}: the timestamp must be an RFC 3339 string, got ${JSON.stringify(timestamp)}`,
        );
      }
      until = Date.parse(timestamp);
    }
    await sleepUntil(clock, until, this.#abort.signal);
    return parameters[TASK_INPUT_KEY] ?? null;
  }

  /** `<execution ARN>|<digest>`: the prefix lets the endpoint forget an ended execution's keys at once. */
  #idempotencyKey(state: string, runInput: unknown): string {
    const run = `${state}\n${JSON.stringify(runInput ?? null)}`;
    const count = (this.#callCounts.get(run) ?? 0) + 1;
    this.#callCounts.set(run, count);
    return `${this.arn}|${createHash('sha256').update(`${run}\n${count}`).digest('base64url')}`;
  }

  #refuseWhenStopped(): void {
    if (this.#abort.signal.aborted) throw new ExecutionStoppedError(`${this.arn} is ${this.status}; the interpreter is winding down`);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const forget = () => this.#inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }
}
