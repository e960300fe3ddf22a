import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { RequestId } from '../contracts/identifiers.js';
import { ApiError, RequestIdConflictError } from '../errors.js';
import type { ApiResponse } from '../lambda/http.js';
import { parseWith } from '../validation.js';
import { executionArnFor, startWorkflow } from './start-workflow.js';

/** The workflow behind a request route: its state machine, and the Step Functions client to reach it. */
export interface WorkflowRoute {
  sfn: SFNClient;
  stateMachineArn: string;
}

/** Starts the workflow under the request id and answers 202; a request id taken by a different request is 409. */
export const acceptWorkflowRequest = async (route: WorkflowRoute, requestId: string, input: unknown): Promise<ApiResponse> => {
  const started = await startWorkflow(route.sfn, { stateMachineArn: route.stateMachineArn, name: requestId, input });
  if (started.state === 'conflict') {
    const conflict = new RequestIdConflictError(requestId);
    throw new ApiError(409, conflict.message, { error: conflict.name, requestId });
  }
  return {
    statusCode: 202,
    body: { requestId, status: started.state === 'started' ? 'ACCEPTED' : 'ALREADY_ACCEPTED', executionArn: started.executionArn },
  };
};

/**
 * The status of the request's execution and, once it ended, the result it reported (a workflow's
 * output is its result event's detail); an unknown request id is 404, naming `what` was asked for.
 */
export const describeWorkflowRequest = async (
  route: WorkflowRoute,
  requestIdParameter: string | undefined,
  what: string,
): Promise<ApiResponse> => {
  const requestId = parseWith(RequestId, requestIdParameter, 'path parameter requestId');
  try {
    const execution = await route.sfn.send(
      new DescribeExecutionCommand({ executionArn: executionArnFor(route.stateMachineArn, requestId) }),
    );
    const result: unknown = execution.output ? JSON.parse(execution.output) : null;
    return {
      statusCode: 200,
      body: {
        requestId,
        status: execution.status,
        outcome: result && typeof result === 'object' && 'outcome' in result ? result.outcome : null,
        startedAt: execution.startDate?.toISOString() ?? null,
        stoppedAt: execution.stopDate?.toISOString() ?? null,
        result,
        ...(execution.error ? { error: { error: execution.error, message: execution.cause ?? '' } } : {}),
      },
    };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) throw new ApiError(404, `No ${what} ${requestId}`, { requestId });
    throw error;
  }
};
