import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { RequestId } from '../contracts/identifiers.js';
import { executionArnFor, startWorkflow } from '../intake/start-workflow.js';
import { parseWith } from '../validation.js';
import { ApiError, type ApiResponse, parseJsonBody } from './api.js';

/** The workflow behind a request route. */
export interface WorkflowRoute {
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * A request route (`POST /shares`, `DELETE /shares`): validates the JSON body, starts the workflow
 * under the request id (the client's, or a new one), answers 202; a reused id with another body is 409.
 */
export const acceptWorkflowRequest = async <S extends z.ZodType<{ requestId?: string | undefined }>>(
  request: { body?: string; isBase64Encoded?: boolean },
  route: WorkflowRoute & { schema: S; toInput: (request: z.infer<S>, requestId: string) => unknown },
): Promise<ApiResponse> => {
  const body = parseWith(route.schema, parseJsonBody(request.body, request.isBase64Encoded), 'request body');
  const requestId = body.requestId ?? randomUUID();
  const started = await startWorkflow(route.sfn, {
    stateMachineArn: route.stateMachineArn,
    name: requestId,
    input: route.toInput(body, requestId),
  });
  if (started.state === 'conflict') {
    throw new ApiError(409, `requestId ${requestId} is already used by a different request`, { requestId });
  }
  return {
    statusCode: 202,
    body: { requestId, status: started.state === 'started' ? 'ACCEPTED' : 'ALREADY_ACCEPTED', executionArn: started.executionArn },
  };
};

/** A status route (`GET /shares/{requestId}`, `GET /unshares/{requestId}`): the execution's status and, once it ended, its result. */
export const describeWorkflowRequest = async (
  requestIdParameter: string | undefined,
  route: WorkflowRoute & { noun: string },
): Promise<ApiResponse> => {
  const requestId = parseWith(RequestId, requestIdParameter, 'path parameter requestId');
  try {
    const execution = await route.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnFor(route.stateMachineArn, requestId) }));
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
    if (error instanceof ExecutionDoesNotExist) throw new ApiError(404, `No ${route.noun} ${requestId}`, { requestId });
    throw error;
  }
};
