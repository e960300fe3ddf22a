// The Step Functions integration this service runs itself: `arn:aws:states:::states:startExecution`
// starts a child execution here and returns at once; `.sync` and `.sync:2` wait for it and return
// its description (`.sync:2` with Input and Output as JSON), failing with States.TaskFailed when the
// child does not succeed, as Step Functions does.
import { AwsServiceError, type SimulationClock } from '../contract.js';
import type { AuthorizationRequest } from '../iam/evaluator.js';
import { StatesError } from './errors.js';
import type { LocalExecution, LocalTaskHandler } from './execution.js';
import type { StartExecutionPattern } from './state-machines.js';

export interface ChildExecutions {
  /**
   * StartExecution on behalf of the parent's account and region (idempotent for the same name and
   * input); the child the parent's call with this idempotency key started before (a redriven parent)
   * is found instead of started again.
   */
  start(
    request: { stateMachineArn: string; name?: string; inputText: string },
    caller: { parent: LocalExecution; idempotencyKey: string },
  ): LocalExecution;
  stop(execution: LocalExecution): void;
}

/** Epoch ms, as the integration's output carries dates. */
const epochMs = (simulatedMs: number | undefined) => (simulatedMs === undefined ? undefined : Math.round(simulatedMs));

const parseJson = (text: string | undefined): unknown => (text === undefined ? undefined : (JSON.parse(text) as unknown));

/** DescribeExecution as the `.sync` integrations return it: PascalCase, dates in epoch ms. */
function describeChild(child: LocalExecution, pattern: 'sync' | 'sync:2'): Record<string, unknown> {
  const asJson = pattern === 'sync:2';
  const description: Record<string, unknown> = {
    ExecutionArn: child.arn,
    Input: asJson ? parseJson(child.inputText) : child.inputText,
    InputDetails: { Included: true },
    Name: child.name,
    RedriveCount: child.redriveCount,
    StartDate: epochMs(child.startDate),
    StateMachineArn: child.machine.arn,
    Status: child.status,
    StopDate: epochMs(child.stopDate),
  };
  if (child.output !== undefined) {
    description.Output = asJson ? parseJson(child.output) : child.output;
    description.OutputDetails = { Included: true };
  }
  if (child.status === 'SUCCEEDED') {
    description.RedriveStatus = 'NOT_REDRIVABLE';
    description.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  }
  if (child.error !== undefined) description.Error = child.error;
  if (child.cause !== undefined) description.Cause = child.cause;
  return description;
}

/** A refused StartExecution, named as the optimised integration names service errors. */
function integrationError(error: AwsServiceError): StatesError {
  return new StatesError(
    `StepFunctions.${error.code}Exception`,
    `${error.message} (Service: AWSStepFunctions; Status Code: ${error.statusCode}; Error Code: ${error.code}; Proxy: null)`,
  );
}

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** The IAM authorizations the state machine's role needs for this integration (Step Functions' documented policy for it). */
export function startExecutionAuthorizations(pattern: StartExecutionPattern, childStateMachineArn: string): AuthorizationRequest[] {
  const start: AuthorizationRequest[] = [{ action: 'states:StartExecution', resource: childStateMachineArn }];
  if (pattern === 'start') return start;
  const [, , , region, accountId, , name] = childStateMachineArn.split(':');
  const executions = `arn:aws:states:${region}:${accountId}:execution:${name}:*`;
  const rule = `arn:aws:events:${region}:${accountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`;
  return [
    ...start,
    { action: 'states:DescribeExecution', resource: executions },
    { action: 'states:StopExecution', resource: executions },
    ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action) => ({ action, resource: rule })),
  ];
}

/** Decides a state machine role's authorizations; an error refuses the task. */
export type AuthorizeIntegration = (requests: AuthorizationRequest[]) => Promise<AwsServiceError | undefined>;

export function startExecutionIntegration(
  pattern: StartExecutionPattern,
  children: ChildExecutions,
  clock: SimulationClock,
  authorize?: AuthorizeIntegration,
): LocalTaskHandler {
  return async (parameters, { call, signal, idempotencyKey, execution }) => {
    const request = (typeof parameters === 'object' && parameters !== null ? parameters : {}) as Record<string, unknown>;
    const input = request.Input;
    if (authorize && typeof request.StateMachineArn === 'string') {
      const refused = await authorize(startExecutionAuthorizations(pattern, request.StateMachineArn));
      if (refused) throw new StatesError(`StepFunctions.${refused.code}`, refused.message);
    }
    let child: LocalExecution;
    try {
      child = children.start(
        {
          stateMachineArn: typeof request.StateMachineArn === 'string' ? request.StateMachineArn : String(request.StateMachineArn),
          ...(typeof request.Name === 'string' ? { name: request.Name } : {}),
          inputText: input === undefined ? '{}' : typeof input === 'string' ? input : JSON.stringify(input),
        },
        { parent: execution, idempotencyKey },
      );
    } catch (error) {
      if (error instanceof AwsServiceError) throw integrationError(error);
      throw error;
    }
    const submitted = { ExecutionArn: child.arn, StartDate: epochMs(child.startDate) };
    if (pattern === 'start') return submitted;

    call.submitted = { at: clock.now(), output: submitted };
    // A stopped parent stops the child it waits for, as Step Functions cancels a .sync job.
    const stopChild = () => children.stop(child);
    signal.addEventListener('abort', stopChild, { once: true });
    try {
      await Promise.race([child.closed, whenAborted(signal)]);
    } finally {
      signal.removeEventListener('abort', stopChild);
    }
    const description = describeChild(child, pattern);
    if (child.status !== 'SUCCEEDED') throw new StatesError('States.TaskFailed', JSON.stringify(description));
    return description;
  };
}
