import { randomUUID } from 'node:crypto';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { UnshareRequest } from '../contracts/unshare.js';
import { type ApiResponse, apiRequester, type IamRequestContext, parseJsonBody } from '../lambda/http.js';
import { toUnshareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { type OutcomeStore, withAccountOutcomes } from '../workflow/account-outcomes.js';
import { acceptWorkflowRequest, describeWorkflowRequest, type WorkflowRoute } from '../workflow/workflow-api.js';
import { authorizeUnshare } from './authorize-unshare.js';

/** `DELETE /shares`: validates, checks the policy (403 naming the rule), starts the unshare workflow under the request id, answers 202. */
export const deleteShare = (
  request: { body?: string; isBase64Encoded?: boolean } & IamRequestContext,
  dependencies: WorkflowRoute & { policy: SharingPolicy; hubAccountId: string },
): Promise<ApiResponse> => {
  const unshareRequest = parseWith(UnshareRequest, parseJsonBody(request.body, request.isBase64Encoded), 'request body');
  const requestId = unshareRequest.requestId ?? randomUUID();
  const input = authorizeUnshare(toUnshareWorkflowInput(unshareRequest, requestId, apiRequester(request)), dependencies);
  return acceptWorkflowRequest(dependencies, requestId, input);
};

/** `GET /unshares/{requestId}`: the execution's status and, once it ended, the result it reported, with every account outcome. */
export const getUnshare = async (
  requestIdParameter: string | undefined,
  dependencies: WorkflowRoute & { store: OutcomeStore },
): Promise<ApiResponse> =>
  withAccountOutcomes(await describeWorkflowRequest(dependencies, requestIdParameter, 'unshare request'), dependencies.store, 'unshare');
