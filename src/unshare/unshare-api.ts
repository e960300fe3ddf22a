import { randomUUID } from 'node:crypto';
import { UnshareRequest } from '../contracts/unshare.js';
import { type ApiResponse, parseJsonBody } from '../lambda/http.js';
import { toUnshareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { acceptWorkflowRequest, describeWorkflowRequest, type WorkflowRoute } from '../workflow/workflow-api.js';

/** `DELETE /shares`: validates, starts the unshare workflow under the request id, answers 202. */
export const deleteShare = (request: { body?: string; isBase64Encoded?: boolean }, dependencies: WorkflowRoute): Promise<ApiResponse> => {
  const unshareRequest = parseWith(UnshareRequest, parseJsonBody(request.body, request.isBase64Encoded), 'request body');
  const requestId = unshareRequest.requestId ?? randomUUID();
  return acceptWorkflowRequest(dependencies, requestId, toUnshareWorkflowInput(unshareRequest, requestId, 'api'));
};

/** `GET /unshares/{requestId}`: the execution's status and, once it ended, the result it reported. */
export const getUnshare = (requestIdParameter: string | undefined, dependencies: WorkflowRoute): Promise<ApiResponse> =>
  describeWorkflowRequest(dependencies, requestIdParameter, 'unshare request');
