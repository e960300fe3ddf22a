import { randomUUID } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { ShareRequest } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { type ApiResponse, parseJsonBody } from '../lambda/http.js';
import { toShareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { acceptWorkflowRequest, describeWorkflowRequest } from '../workflow/workflow-api.js';

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
  return acceptWorkflowRequest(dependencies, requestId, toShareWorkflowInput(shareRequest, requestId, 'api', dependencies.policy));
};

/** `GET /shares/{requestId}`: the execution's status and, once it ended, the result it reported. */
export const getShare = (
  requestIdParameter: string | undefined,
  dependencies: Pick<ShareApiDependencies, 'sfn' | 'stateMachineArn'>,
): Promise<ApiResponse> => describeWorkflowRequest(dependencies, requestIdParameter, 'share request');
