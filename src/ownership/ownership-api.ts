import { randomUUID } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { OwnershipTransferRequest } from '../contracts/ownership-transfer.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { ValidationError } from '../errors.js';
import { type ApiResponse, apiRequester, type IamRequestContext, parseJsonBody } from '../lambda/http.js';
import { authorizeRequester } from '../policy/authorization.js';
import { toOwnershipTransferWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { acceptWorkflowRequest, describeWorkflowRequest } from '../workflow/workflow-api.js';

export interface OwnershipApiDependencies {
  sfn: SFNClient;
  policy: SharingPolicy;
  hubAccountId: string;
  stateMachineArn: string;
}

/**
 * `PUT /provisioned-products/{id}/owner`: the body `{accountId, ownerArn, requestId?}` with the id
 * from the path is validated as a transfer request, started under its request id, answered 202.
 */
export const transferProductOwnership = async (
  request: { body?: string; isBase64Encoded?: boolean; pathParameters?: Record<string, string | undefined> } & IamRequestContext,
  dependencies: OwnershipApiDependencies,
): Promise<ApiResponse> => {
  const body = parseJsonBody(request.body, request.isBase64Encoded);
  const fromPath = { provisionedProductId: request.pathParameters?.id };
  // A body that names another product than the path is refused, not silently overridden.
  const merged = body && typeof body === 'object' && !Array.isArray(body) ? { ...fromPath, ...body } : body;
  const transfer = parseWith(OwnershipTransferRequest, merged, 'request');
  if (transfer.provisionedProductId !== fromPath.provisionedProductId) {
    const message = `must be the id in the path (${fromPath.provisionedProductId ?? ''}) or left out`;
    throw new ValidationError(`Invalid request: provisionedProductId: ${message}`, [{ path: 'provisionedProductId', message }]);
  }
  const requestId = transfer.requestId ?? randomUUID();
  const input = toOwnershipTransferWorkflowInput(transfer, requestId, apiRequester(request));
  authorizeRequester(dependencies.policy, 'ownershipTransfer', input.requestedBy, dependencies.hubAccountId);
  return acceptWorkflowRequest(dependencies, requestId, input);
};

/** `GET /ownership-transfers/{requestId}`: the transfer's status and, once it ended, its result. */
export const getOwnershipTransfer = (
  requestIdParameter: string | undefined,
  dependencies: Pick<OwnershipApiDependencies, 'sfn' | 'stateMachineArn'>,
): Promise<ApiResponse> => describeWorkflowRequest(dependencies, requestIdParameter, 'ownership transfer');
