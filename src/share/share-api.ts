import { randomUUID } from 'node:crypto';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { ShareRequest } from '../contracts/share.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { type ApiResponse, apiRequester, type IamRequestContext, parseJsonBody } from '../lambda/http.js';
import { toShareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { type OutcomeStore, withAccountOutcomes } from '../workflow/account-outcomes.js';
import { acceptWorkflowRequest, describeWorkflowRequest } from '../workflow/workflow-api.js';
import { authorizeShare } from './authorize-share.js';

export interface ShareApiDependencies {
  sfn: SFNClient;
  organizations: OrganizationsClient;
  policy: SharingPolicy;
  hubAccountId: string;
  stateMachineArn: string;
}

/**
 * `POST /shares`: validates, checks the request against the policy (403 naming the rule, nothing
 * started), starts the share workflow under the request id, answers 202.
 */
export const createShare = async (
  request: { body?: string; isBase64Encoded?: boolean } & IamRequestContext,
  dependencies: ShareApiDependencies,
): Promise<ApiResponse> => {
  const shareRequest = parseWith(ShareRequest, parseJsonBody(request.body, request.isBase64Encoded), 'request body');
  const requestId = shareRequest.requestId ?? randomUUID();
  const input = toShareWorkflowInput(shareRequest, requestId, apiRequester(request));
  await authorizeShare(input, dependencies);
  return acceptWorkflowRequest(dependencies, requestId, input);
};

/**
 * `GET /shares/{requestId}`: the execution's status and, once it ended, the result it reported, with
 * every account outcome recorded so far (the result event lists a bounded sample; this lists them all).
 */
export const getShare = async (
  requestIdParameter: string | undefined,
  dependencies: Pick<ShareApiDependencies, 'sfn' | 'stateMachineArn'> & { store: OutcomeStore },
): Promise<ApiResponse> =>
  withAccountOutcomes(await describeWorkflowRequest(dependencies, requestIdParameter, 'share request'), dependencies.store, 'share');
