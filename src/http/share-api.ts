import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { RequestId } from '../contracts/identifiers.js';
import { ShareRequest } from '../contracts/share-request.js';
import { toShareWorkflowInput } from '../intake/share-intake.js';
import { executionArnFor, startWorkflow } from '../intake/start-workflow.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import { parseWith } from '../validation.js';
import { ApiError, type ApiResponse, parseJsonBody } from './api.js';

export interface ShareApiDependencies {
  sfn: SFNClient;
  policy: SharingPolicy;
  stateMachineArn: string;
}

/** `POST /shares`: validates, starts the share workflow under the request id, answers 202. */
export const createShare = async (
  request: { body?: string; isBase64Encoded?: boolean },
  dependencies: ShareApiDependencies,
): Promise<ApiResponse> => {
  const shareRequest = parseWith(ShareRequest, parseJsonBody(request.body, request.isBase64Encoded), 'request body');
  const requestId = shareRequest.requestId ?? randomUUID();
  const started = await startWorkflow(dependencies.sfn, {
    stateMachineArn: dependencies.stateMachineArn,
    name: requestId,
    input: toShareWorkflowInput(shareRequest, requestId, 'api', dependencies.policy),
  });
  if (started.state === 'conflict') {
    throw new ApiError(409, `requestId ${requestId} is already used by a different request`, { requestId });
  }
  return {
    statusCode: 202,
    body: { requestId, status: started.state === 'started' ? 'ACCEPTED' : 'ALREADY_ACCEPTED', executionArn: started.executionArn },
  };
};

/** `GET /shares/{requestId}`: the execution's status and, once it ended, the result it reported. */
export const getShare = async (
  requestIdParameter: string | undefined,
  dependencies: Pick<ShareApiDependencies, 'sfn' | 'stateMachineArn'>,
): Promise<ApiResponse> => {
  const requestId = parseWith(RequestId, requestIdParameter, 'path parameter requestId');
  try {
    const execution = await dependencies.sfn.send(
      new DescribeExecutionCommand({ executionArn: executionArnFor(dependencies.stateMachineArn, requestId) }),
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
    if (error instanceof ExecutionDoesNotExist) throw new ApiError(404, `No share request ${requestId}`, { requestId });
    throw error;
  }
};
