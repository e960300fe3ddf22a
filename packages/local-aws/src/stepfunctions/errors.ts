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
