import { UnshareRequest } from '../contracts/unshare-request.js';
import { toUnshareWorkflowInput } from '../intake/unshare-intake.js';
import type { ApiResponse } from './api.js';
import { type WorkflowRoute, acceptWorkflowRequest, describeWorkflowRequest } from './workflow-requests.js';

/** `DELETE /shares`: validates, starts the unshare workflow under the request id, answers 202. */
export const deleteShare = (request: { body?: string; isBase64Encoded?: boolean }, dependencies: WorkflowRoute): Promise<ApiResponse> =>
  acceptWorkflowRequest(request, {
    ...dependencies,
    schema: UnshareRequest,
    toInput: (unshareRequest, requestId) => toUnshareWorkflowInput(unshareRequest, requestId, 'api'),
  });

/** `GET /unshares/{requestId}`: the execution's status and, once it ended, the result it reported. */
export const getUnshare = (requestIdParameter: string | undefined, dependencies: WorkflowRoute): Promise<ApiResponse> =>
  describeWorkflowRequest(requestIdParameter, { ...dependencies, noun: 'unshare request' });
