/**
 * AWS Step Functions for the local AWS endpoint (awsJson 1.0, target prefix `AWSStepFunctions`),
 * running Standard workflows on the aws-local-stepfunctions interpreter.
 *
 *   const stepFunctions = createStepFunctionsModule({ region, accountId, clock: localAws.clock, bindTasks });
 *   localAws.registerService(stepFunctions.registration);
 *   const { stateMachineArn } = stepFunctions.registerStateMachine({ name: 'share-portfolio', definition });
 *
 * Wire operations: CreateStateMachine (STANDARD only), DescribeStateMachine, ListStateMachines,
 * StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution. State
 * machines and executions belong to an account and region; callers see only their own.
 *
 * Task states are bound by `bindTasks` (Lambda functions, SDK integrations), except
 * `arn:aws:states:::states:startExecution[.sync|.sync:2]`, which this module runs itself as a
 * child execution. `bindTasks` receives the definition with those states turned into Pass states.
 *
 * Time: Wait states and Retry intervals follow the endpoint's simulated clock (a 30 s Wait takes
 * 30 / scale real seconds); Task timeouts and a definition's TimeoutSeconds count real seconds, as
 * the work behind a task takes real time.
 */
import { stepFunctionsAuthorizations } from '../iam/arns.js';
import '../polyfills.js';
import type { ServiceRegistration } from '../server.js';
import { stepFunctionsApi } from './api.js';
import type { AslDefinition } from './asl.js';
import { ExecutionWaitTimeoutError } from './errors.js';
import type { ClosedStatus, ExecutionStatus, LocalExecution } from './execution.js';
import { type HistoryEvent, wireHistoryEvent } from './history.js';
import { type ExecutionEventListener, type StepFunctionsModuleOptions, StepFunctionsService } from './service.js';

export { STEP_FUNCTIONS_TARGET } from './api.js';
export { ExecutionWaitTimeoutError, StatesError } from './errors.js';
export type { ClosedStatus, ExecutionStatus } from './execution.js';
export type { ExecutionEvent, ExecutionEventListener, ExecutionRefs, StepFunctionsModuleOptions } from './service.js';
export { StateMachineRestoreError } from './service.js';
export type { BindTasks, TaskContext, TaskHandler } from './state-machines.js';

/** An execution as the local runtime and tests read it: input and output parsed, dates as Dates. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Times the execution was redriven after a restart of a persisted endpoint. */
  redriveCount: number;
}

export interface StartExecutionRequest {
  stateMachineArn: string;
  name?: string;
  /** Any JSON value; serialised as the execution input. */
  input?: unknown;
}

export interface StepFunctionsModule {
  readonly registration: ServiceRegistration;
  /** Registers a state machine in the module's account and region (idempotent for the same definition). */
  registerStateMachine(request: { name: string; definition: AslDefinition; roleArn?: string }): { stateMachineArn: string };
  /** StartExecution in the module's account, with the API's checks and idempotency. */
  startExecution(request: StartExecutionRequest): { executionArn: string; startDate: Date };
  describeExecution(executionArn: string): ExecutionDescription;
  /** The execution's history events as GetExecutionHistory returns them on the wire. */
  executionHistory(executionArn: string): Record<string, unknown>[];
  /** Resolves when the execution closes; rejects with ExecutionWaitTimeoutError after `timeoutMs` real ms. */
  waitForExecution(executionArn: string, timeoutMs: number): Promise<ExecutionDescription & { status: ClosedStatus }>;
  stopExecution(executionArn: string, failure?: { error?: string; cause?: string }): { stopDate: Date };
  /** Executions still running. */
  running(): number;
  /**
   * With a persisted state: redrives every execution the restart interrupted (run again from its
   * first state, ExecutionRedriven recorded). Call it once the Task bindings can run; returns how many.
   */
  resume(): number;
  /** Stops every running execution and waits until nothing is left running (shutdown, tests). */
  stopAll(): Promise<void>;
  /** Each execution started, state entered (Map iterations included) and execution ended; `String(event)` is one line. */
  onExecutionEvent(listener: ExecutionEventListener): () => void;
  /** Executions started and state transitions (states entered, Map iterations included) since the module was created. */
  stats(): { executions: number; stateTransitions: number };
}

function describe(execution: LocalExecution): ExecutionDescription {
  const description: ExecutionDescription = {
    executionArn: execution.arn,
    stateMachineArn: execution.machine.arn,
    name: execution.name,
    status: execution.status,
    startDate: new Date(execution.startDate),
    input: execution.input,
    redriveCount: execution.redriveCount,
  };
  if (execution.stopDate !== undefined) description.stopDate = new Date(execution.stopDate);
  if (execution.output !== undefined) description.output = JSON.parse(execution.output) as unknown;
  if (execution.error !== undefined) description.error = execution.error;
  if (execution.cause !== undefined) description.cause = execution.cause;
  return description;
}

export function createStepFunctionsModule(options: StepFunctionsModuleOptions): StepFunctionsModule {
  const service = new StepFunctionsService(options);
  const scope = service.ownScope;
  const find = (executionArn: string) => service.execution(scope, executionArn);

  return {
    registration: {
      module: stepFunctionsApi(service),
      name: 'stepfunctions',
      protocol: 'awsJson1_0',
      authorizations: stepFunctionsAuthorizations,
    },
    registerStateMachine: ({ name, definition, roleArn }) => {
      const { machine } = service.registerStateMachine(scope, { name, definition, ...(roleArn === undefined ? {} : { roleArn }) });
      return { stateMachineArn: machine.arn };
    },
    startExecution: ({ stateMachineArn, name, input }) => {
      const execution = service.startExecution(scope, {
        stateMachineArn,
        ...(name === undefined ? {} : { name }),
        ...(input === undefined ? {} : { inputText: JSON.stringify(input) }),
      });
      return { executionArn: execution.arn, startDate: new Date(execution.startDate) };
    },
    describeExecution: (executionArn) => describe(find(executionArn)),
    executionHistory: (executionArn) => find(executionArn).history.events.map((event: HistoryEvent) => wireHistoryEvent(event, true)),
    waitForExecution: async (executionArn, timeoutMs) => {
      const execution = find(executionArn);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new ExecutionWaitTimeoutError(`${executionArn} was still ${execution.status} after ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([execution.closed, timedOut]);
      } finally {
        clearTimeout(timer);
      }
      return describe(execution) as ExecutionDescription & { status: ClosedStatus };
    },
    stopExecution: (executionArn, failure = {}) => ({ stopDate: new Date(find(executionArn).stop(failure.error, failure.cause)) }),
    running: () => service.running(),
    resume: () => service.resume(),
    stopAll: () => service.stopAll(),
    onExecutionEvent: (listener) => service.onExecutionEvent(listener),
    stats: () => service.stats(),
  };
}
