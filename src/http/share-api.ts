import type { SFNClient } from '@aws-sdk/client-sfn';
import { ShareRequest } from '../contracts/share-request.js';
import { toShareWorkflowInput } from '../intake/share-intake.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import type { ApiResponse } from './api.js';
import { acceptWorkflowRequest, describeWorkflowRequest } from './workflow-requests.js';

export interface ShareApiDependencies {
  sfn: SFNClient;
  policy: SharingPolicy;
  stateMachineArn: string;
}

/** `POST /shares`: validates, starts the share workflow under the request id, answers 202. */
export const createShare = (request: { body?: string; isBase64Encoded?: boolean }, dependencies: ShareApiDependencies): Promise<ApiResponse> =>
  acceptWorkflowRequest(request, {
    ...dependencies,
    schema: ShareRequest,
    toInput: (shareRequest, requestId) => toShareWorkflowInput(shareRequest, requestId, 'api', dependencies.policy),
  });

/** `GET /shares/{requestId}`: the execution's status and, once it ended, the result it reported. */
export const getShare = (
  requestIdParameter: string | undefined,
  dependencies: Pick<ShareApiDependencies, 'sfn' | 'stateMachineArn'>,
): Promise<ApiResponse> => describeWorkflowRequest(requestIdParameter, { ...dependencies, noun: 'share request' });
