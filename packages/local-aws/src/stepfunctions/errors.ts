// Step Functions' error vocabulary on the wire. `code` is the model's error shape name (what SDKs
// match on); messages follow AWS's `Kind: 'detail'` style.
import { AwsServiceError } from '../contract.js';

export const stateMachineDoesNotExist = (arn: string): AwsServiceError =>
  new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);

export const stateMachineAlreadyExists = (arn: string): AwsServiceError =>
  new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);

export const executionDoesNotExist = (arn: string): AwsServiceError =>
  new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);

export const executionAlreadyExists = (arn: string): AwsServiceError =>
  new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);

export const invalidArn = (detail: string): AwsServiceError => new AwsServiceError('InvalidArn', `Invalid Arn: '${detail}'`);

export const invalidName = (name: string): AwsServiceError => new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);

export const invalidExecutionInput = (detail: string): AwsServiceError =>
  new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`);

export const invalidDefinition = (detail: string): AwsServiceError =>
  new AwsServiceError('InvalidDefinition', `Invalid State Machine Definition: '${detail}'`);

export const invalidToken = (detail: string): AwsServiceError => new AwsServiceError('InvalidToken', `Invalid Token: '${detail}'`);

export const stateMachineTypeNotSupported = (message: string): AwsServiceError =>
  new AwsServiceError('StateMachineTypeNotSupported', message);

/** The request framework's answer to input that breaks the model's constraints (one violation). */
export const validationFailed = (member: string, value: unknown, constraint: string): AwsServiceError =>
  new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

/** The request framework's answer to JSON of the wrong type for a member. */
export const serializationFailed = (member: string): AwsServiceError =>
  new AwsServiceError('SerializationException', `Unexpected value type for member '${member}'.`);

/** `waitForExecution` gave up before the execution closed. */
export class ExecutionWaitTimeoutError extends Error {
  override name = 'ExecutionWaitTimeoutError';
}

/**
 * A failure a state reports under a States Language or integration error name, which Retry and
 * Catch match on (`States.Runtime`, `States.TaskFailed`, `StepFunctions.ExecutionAlreadyExistsException`).
 */
export class StatesError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A Task handler called after its execution was stopped; the interpreter only winds down then. */
export class ExecutionStoppedError extends Error {
  override name = 'ExecutionStoppedError';
}

/** Step Functions' payload quota (the model's SensitiveData limit): a state's input and output, a task's result, an execution's input and output, in UTF-8 bytes. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** The size of a payload as Step Functions counts it: its JSON in UTF-8. */
export const payloadBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');

export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/** The cause Step Functions gives for a result over the quota, naming the state or the task's resource. */
export const dataLimitCause = (subject: string): string =>
  `The state/task '${subject}' returned a result with a size exceeding the maximum number of bytes service limit.`;

/** The cause for a state's input over the quota after Parameters (AWS documents the error, not this cause: the wording is the endpoint's). */
export const dataInputCause = (state: string): string =>
  `The state/task '${state}' received an input with a size exceeding the maximum number of bytes service limit.`;

/**
 * `States.DataLimitExceeded`, a terminal error: `States.ALL` never catches or retries it, so the
 * interpreter is told it is neither retryable nor catchable unless the failing state's own Retry or
 * Catch names it (which AWS honours; such an entry comes before any `States.ALL`, which must be last).
 */
export class DataLimitExceededError extends StatesError {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(cause: string, named: { retry: boolean; catch: boolean }) {
    super(DATA_LIMIT_EXCEEDED, cause);
    this.isRetryable = named.retry;
    this.isCatchable = named.catch;
  }
}
