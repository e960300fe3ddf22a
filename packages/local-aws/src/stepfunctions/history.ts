// The execution history of a Standard workflow, as GetExecutionHistory returns it, derived from the
// interpreter's event log and from the Task handler calls (the interpreter reports neither the
// parameters a task was scheduled with nor its raw result).
//
// Events form chains through previousEventId as AWS records them: the top level (whose first state
// is left unchained, previousEventId 0), each Map iteration (starting at MapIterationStarted, which
// points at MapStateStarted) and each Parallel branch. The interpreter numbers Map iterations only
// for the outermost Map, so the iterations of a Map nested in another Map share one chain.
import type { SimulationClock } from '../contract.js';
import { epochSeconds } from '../time-format.js';
import type { AslObject } from './asl.js';
import type { StateInfo } from './definition.js';
import { MAX_PAYLOAD_BYTES } from './errors.js';
import { simulatedTimeOf } from './scaled-time.js';
import { readReferencePath } from './simple-path.js';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  type: string;
  /** Simulated epoch ms. */
  timestamp: number;
  /** The details member of the HistoryEvent shape, e.g. `stateEnteredEventDetails`. */
  detailsMember?: string;
  details?: Record<string, unknown>;
}

/** Step Functions fails an execution whose history would exceed this many events. */
export const MAX_HISTORY_EVENTS = 25_000;

/** One call of a Task state's handler: one attempt of the task. */
export interface TaskCall {
  readonly state: string;
  /** The input of the interpreter run that made the call (the execution, or a Map iteration). */
  readonly runInput: unknown;
  readonly parameters: unknown;
  readonly scheduledAt: number;
  submitted?: { at: number; output: unknown };
  ended?: { at: number; output?: unknown; error?: { name: string; cause: string } };
  consumed: boolean;
}

/** What the interpreter's event log carries; read loosely, since its types omit members it sends (MapIterationStarted's input). */
interface LibraryEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  index?: number;
  parentState?: { name: string; type: string };
  input?: unknown;
  Error?: string;
  Cause?: unknown;
}

export interface StateEnteredNotice {
  state: string;
  type: string;
  mapIteration?: number;
  timestamp: number;
}

export interface ExecutionHistoryOptions {
  states: ReadonlyMap<string, StateInfo>;
  region: string;
  clock: SimulationClock;
  /** The value passed to the interpreter as the execution input (Task calls at the top level carry it). */
  rootInput: unknown;
  /** The context object, for Map ItemsPath that read `$$`. */
  context: unknown;
  onStateEntered: (notice: StateEnteredNotice) => void;
  /** Called once when the history is full; the execution then fails. */
  onLimitReached: () => void;
  /** Called for each event recorded (a persisted state commits it). */
  onAppended?: (event: HistoryEvent) => void;
  /** Called when a state's output is over the payload quota (its exit is not recorded); the execution then fails. */
  onOutputTooLarge: (state: string) => void;
}

interface Lane {
  last: number;
  /** The input of the run behind the lane (Map iterations), to tell their Task calls apart. */
  input?: unknown;
}

interface ContainerRun {
  startedId: number;
  lastEndId: number;
  lanes: Set<string>;
  iterations: Map<number, { ended: boolean }>;
}

/** The failure a state reported last: a Fail state's Error and Cause decide whether the execution reports any. */
export interface StateFailure {
  state: string;
  type: string;
}

const ROOT_LANE = 'root';
const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;
const STATES_RESOURCE = /^arn:aws[\w-]*:states:::([\w-]+):(.+)$/;

const json = (value: unknown): string => JSON.stringify(value ?? null);
const dataDetails = { truncated: false };

/** Resources that invoke a Lambda function: its ARN, or the optimised `lambda:invoke` integration. */
export const invokesLambda = (resource: unknown): boolean =>
  typeof resource === 'string' &&
  (LAMBDA_FUNCTION_ARN.test(resource) || /^arn:aws[\w-]*:states:::lambda:invoke(\.waitForTaskToken)?$/.test(resource));

/** How a Task's resource is named in its events; Lambda function ARNs get the LambdaFunction* events. */
function resourceNaming(resource: string): { lambda: true } | { lambda: false; resourceType: string; resource: string } {
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { lambda: true };
  const integration = STATES_RESOURCE.exec(resource);
  if (!integration) return { lambda: false, resourceType: 'unknown', resource };
  const [, service = '', action = ''] = integration;
  if (service === 'aws-sdk') return { lambda: false, resourceType: 'aws-sdk', resource: action };
  return { lambda: false, resourceType: service, resource: action };
}

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** States entered, Map iterations included: the state transitions AWS bills. */
  transitions = 0;
  lastFailure: StateFailure | undefined;
  /** The state that exited last, whose output an execution's output is. */
  lastExited: string | undefined;
  readonly #options: ExecutionHistoryOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #containers = new Map<string, ContainerRun>();
  readonly #calls: TaskCall[] = [];
  #sealed = false;
  #full = false;

  constructor(options: ExecutionHistoryOptions) {
    this.#options = options;
    this.#lanes.set(ROOT_LANE, { last: 0, input: options.rootInput });
  }

  started(input: string, roleArn: string, timestamp: number): void {
    this.#append('ExecutionStarted', 0, timestamp, 'executionStartedEventDetails', { input, inputDetails: dataDetails, roleArn });
  }

  /** The events of a persisted state, as recorded before a restart; a closed execution's history takes nothing more. */
  restore(events: HistoryEvent[], closed: boolean): void {
    this.events.push(...events);
    this.#sealed = closed;
  }

  /**
   * ExecutionRedriven, as RedriveExecution records it: the execution runs again, and the events of
   * the new run follow this one.
   */
  redriven(redriveCount: number, timestamp: number): void {
    const previous = this.events.at(-1)?.id ?? 0;
    const lane = this.#lane(ROOT_LANE);
    lane.last = this.#append('ExecutionRedriven', previous, timestamp, 'executionRedrivenEventDetails', { redriveCount }) || lane.last;
  }

  /** The terminal event; nothing is recorded after it. ExecutionAborted and ExecutionTimedOut point at no event, as AWS records them. */
  end(
    type: 'ExecutionSucceeded' | 'ExecutionFailed' | 'ExecutionAborted' | 'ExecutionTimedOut',
    details: Record<string, unknown>,
    timestamp: number,
  ): void {
    if (this.#sealed) return;
    const member = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    const previous = type === 'ExecutionAborted' || type === 'ExecutionTimedOut' ? 0 : this.#lane(ROOT_LANE).last;
    this.#append(type, previous, timestamp, member, details, true);
    this.#sealed = true;
  }

  /** Records a handler call as it starts; the caller fills in `submitted` and `ended`. */
  taskCall(state: string, runInput: unknown, parameters: unknown): TaskCall {
    const call: TaskCall = { state, runInput, parameters, scheduledAt: this.#options.clock.now(), consumed: false };
    this.#calls.push(call);
    return call;
  }

  handle(event: LibraryEvent): void {
    if (this.#sealed) return;
    const at = simulatedTimeOf(this.#options.clock, event.timestamp);
    switch (event.type) {
      case 'StateEntered':
        this.#stateEntered(event, at);
        return;
      case 'StateExited':
        this.#stateExited(event, at);
        return;
      case 'StateFailed':
        this.#stateFailed(event, at);
        return;
      case 'MapIterationStarted':
        this.#iterationStarted(event, at);
        return;
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.#iterationEnded(event.parentState?.name ?? '', event.index ?? 0, event.type, at);
        return;
    }
  }

  #stateEntered(event: LibraryEvent, at: number): void {
    const name = event.state?.name ?? '';
    const info = this.#options.states.get(name);
    const type = info?.type ?? event.state?.type ?? 'Task';
    this.transitions += 1;
    const laneKey = this.#laneKeyOf(name, event.index);
    const lane = this.#lane(laneKey);
    const entered = this.#append(`${type}StateEntered`, lane.last, at, 'stateEnteredEventDetails', {
      name,
      input: json(event.state?.input),
      inputDetails: dataDetails,
    });
    lane.last = entered || lane.last;
    if ((type === 'Map' || type === 'Parallel') && entered) {
      const details = type === 'Map' ? this.#mapLength(info, event.state?.input) : {};
      const started = this.#append(
        `${type}StateStarted`,
        entered,
        at,
        type === 'Map' ? 'mapStateStartedEventDetails' : undefined,
        type === 'Map' ? details : undefined,
      );
      this.#containers.set(name, { startedId: started, lastEndId: started, lanes: new Set(), iterations: new Map() });
      lane.last = started || lane.last;
    }
    const notice: StateEnteredNotice = { state: name, type, timestamp: at };
    if (info?.container?.kind === 'Map' && event.index !== undefined) notice.mapIteration = event.index;
    this.#options.onStateEntered(notice);
  }

  #stateExited(event: LibraryEvent, at: number): void {
    const name = event.state?.name ?? '';
    const type = this.#options.states.get(name)?.type ?? event.state?.type ?? 'Task';
    const laneKey = this.#laneKeyOf(name, event.index);
    if (type === 'Task') this.#taskEvents(laneKey, name, at);
    if (type === 'Map' || type === 'Parallel') this.#containerEnded(laneKey, name, type, 'Succeeded', at);
    const output = json(event.state?.output);
    if (Buffer.byteLength(output, 'utf8') > MAX_PAYLOAD_BYTES) {
      this.#options.onOutputTooLarge(name);
      return;
    }
    this.lastExited = name;
    const lane = this.#lane(laneKey);
    lane.last =
      this.#append(`${type}StateExited`, lane.last, at, 'stateExitedEventDetails', { name, output, outputDetails: dataDetails }) ||
      lane.last;
  }

  #stateFailed(event: LibraryEvent, at: number): void {
    const name = event.state?.name ?? '';
    const type = this.#options.states.get(name)?.type ?? event.state?.type ?? 'Task';
    this.lastFailure = { state: name, type };
    const laneKey = this.#laneKeyOf(name, event.index);
    // The interpreter reports an error's `cause` when it has one, its message otherwise.
    const cause = typeof event.Cause === 'string' ? event.Cause : event.Cause instanceof Error ? event.Cause.message : json(event.Cause);
    const failure = { name: event.Error ?? 'States.Runtime', cause };
    if (type === 'Task') this.#taskEvents(laneKey, name, at, failure);
    if (type === 'Map' || type === 'Parallel') this.#containerEnded(laneKey, name, type, 'Failed', at);
  }

  #iterationStarted(event: LibraryEvent, at: number): void {
    const map = event.parentState?.name ?? '';
    const index = event.index ?? 0;
    const container = this.#containers.get(map);
    const id = this.#append('MapIterationStarted', container?.startedId ?? 0, at, 'mapIterationStartedEventDetails', { name: map, index });
    const laneKey = `${map}#${index}`;
    this.#lanes.set(laneKey, { last: id, input: event.input });
    container?.lanes.add(laneKey);
    container?.iterations.set(index, { ended: false });
  }

  #iterationEnded(map: string, index: number, type: string, at: number): void {
    const container = this.#containers.get(map);
    const iteration = container?.iterations.get(index);
    if (iteration?.ended) return;
    if (iteration) iteration.ended = true;
    const lane = this.#lane(`${map}#${index}`);
    const member = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    const id = this.#append(type, lane.last, at, member, { name: map, index });
    lane.last = id || lane.last;
    if (container && id) container.lastEndId = Math.max(container.lastEndId, id);
  }

  /**
   * MapStateSucceeded / MapStateFailed (or the Parallel ones). The interpreter forwards iteration
   * events asynchronously, so an iteration whose end it has not reported yet is closed here as its
   * Map ended: succeeded with it, or aborted when the Map failed.
   */
  #containerEnded(laneKey: string, name: string, type: 'Map' | 'Parallel', outcome: 'Succeeded' | 'Failed', at: number): void {
    const container = this.#containers.get(name);
    if (!container) return;
    if (type === 'Map') {
      for (const [index, iteration] of container.iterations) {
        if (!iteration.ended)
          this.#iterationEnded(name, index, outcome === 'Succeeded' ? 'MapIterationSucceeded' : 'MapIterationAborted', at);
      }
    } else {
      for (const key of container.lanes) container.lastEndId = Math.max(container.lastEndId, this.#lane(key).last);
    }
    this.#containers.delete(name);
    const lane = this.#lane(laneKey);
    lane.last = this.#append(`${type}State${outcome}`, container.lastEndId, at) || lane.last;
  }

  /** The events of one attempt of a Task: scheduled, started, (submitted,) and its outcome. */
  #taskEvents(laneKey: string, state: string, at: number, failure?: { name: string; cause: string }): void {
    const laneInput = this.#lane(laneKey).input;
    const open = this.#calls.filter((call) => !call.consumed && call.state === state);
    const call = open.find((candidate) => candidate.runInput === laneInput) ?? open[0];
    if (!call) return;
    call.consumed = true;
    this.#calls.splice(this.#calls.indexOf(call), 1);
    const definition: AslObject = this.#options.states.get(state)?.definition ?? {};
    const resource = String(definition.Resource ?? '');
    const timeout = typeof definition.TimeoutSeconds === 'number' ? { timeoutInSeconds: definition.TimeoutSeconds } : {};
    const naming = resourceNaming(resource);
    const lane = this.#lane(laneKey);
    const chain = (type: string, timestamp: number, member?: string, details?: Record<string, unknown>) => {
      lane.last = this.#append(type, lane.last, timestamp, member, details) || lane.last;
    };
    const endedAt = call.ended?.at ?? at;
    const timedOut = failure?.name === 'States.Timeout';
    if (naming.lambda) {
      chain('LambdaFunctionScheduled', call.scheduledAt, 'lambdaFunctionScheduledEventDetails', {
        resource,
        input: json(call.parameters),
        inputDetails: dataDetails,
        ...timeout,
      });
      chain('LambdaFunctionStarted', call.scheduledAt);
      if (!failure)
        chain('LambdaFunctionSucceeded', endedAt, 'lambdaFunctionSucceededEventDetails', {
          output: json(call.ended?.output),
          outputDetails: dataDetails,
        });
      else if (timedOut)
        chain('LambdaFunctionTimedOut', endedAt, 'lambdaFunctionTimedOutEventDetails', { error: failure.name, cause: failure.cause });
      else chain('LambdaFunctionFailed', endedAt, 'lambdaFunctionFailedEventDetails', { error: failure.name, cause: failure.cause });
      return;
    }
    const named = { resourceType: naming.resourceType, resource: naming.resource };
    chain('TaskScheduled', call.scheduledAt, 'taskScheduledEventDetails', {
      ...named,
      region: this.#options.region,
      parameters: json(call.parameters),
      ...timeout,
    });
    chain('TaskStarted', call.scheduledAt, 'taskStartedEventDetails', named);
    if (call.submitted)
      chain('TaskSubmitted', call.submitted.at, 'taskSubmittedEventDetails', {
        ...named,
        output: json(call.submitted.output),
        outputDetails: dataDetails,
      });
    if (!failure)
      chain('TaskSucceeded', endedAt, 'taskSucceededEventDetails', {
        ...named,
        output: json(call.ended?.output),
        outputDetails: dataDetails,
      });
    else if (timedOut) chain('TaskTimedOut', endedAt, 'taskTimedOutEventDetails', { ...named, error: failure.name, cause: failure.cause });
    else chain('TaskFailed', endedAt, 'taskFailedEventDetails', { ...named, error: failure.name, cause: failure.cause });
  }

  #mapLength(info: StateInfo | undefined, rawInput: unknown): Record<string, unknown> {
    const definition: AslObject = info?.definition ?? {};
    const inputPath = definition.InputPath;
    const input =
      inputPath === null ? {} : typeof inputPath === 'string' ? readReferencePath(inputPath, rawInput, this.#options.context) : rawInput;
    const itemsPath = typeof definition.ItemsPath === 'string' ? definition.ItemsPath : '$';
    const items = readReferencePath(itemsPath, input, this.#options.context);
    return Array.isArray(items) ? { length: items.length } : {};
  }

  #laneKeyOf(state: string, index: number | undefined): string {
    const container = this.#options.states.get(state)?.container;
    if (!container) return ROOT_LANE;
    if (container.kind === 'Map') return `${container.state}#${index ?? 0}`;
    return `${container.state}/${container.branch}`;
  }

  #lane(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (!lane) {
      const containerName = key.split(/[#/]/)[0] ?? '';
      const container = this.#containers.get(containerName);
      lane = { last: container?.startedId ?? 0 };
      container?.lanes.add(key);
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** Returns the new event's id, or 0 when nothing more is recorded. */
  #append(
    type: string,
    previousEventId: number,
    timestamp: number,
    detailsMember?: string,
    details?: Record<string, unknown>,
    terminal = false,
  ): number {
    if (this.#sealed || (this.#full && !terminal)) return 0;
    if (!terminal && this.events.length >= MAX_HISTORY_EVENTS - 1) {
      this.#full = true;
      this.#options.onLimitReached();
      return 0;
    }
    // Interpreter events carry real-clock milliseconds, coarse at a high time scale: keep the order.
    const previous = this.events.at(-1)?.timestamp ?? timestamp;
    const event: HistoryEvent = { id: this.events.length + 1, previousEventId, type, timestamp: Math.round(Math.max(timestamp, previous)) };
    if (detailsMember) {
      event.detailsMember = detailsMember;
      event.details = details ?? {};
    }
    this.events.push(event);
    this.#options.onAppended?.(event);
    return event.id;
  }
}

const DATA_MEMBERS = new Set(['input', 'output']);

/** A history event as the wire carries it; without execution data, inputs and outputs are left out. */
export function wireHistoryEvent(event: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    timestamp: epochSeconds(event.timestamp),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  if (event.detailsMember) {
    wire[event.detailsMember] = includeExecutionData
      ? event.details
      : Object.fromEntries(Object.entries(event.details ?? {}).filter(([key]) => !DATA_MEMBERS.has(key)));
  }
  return wire;
}
