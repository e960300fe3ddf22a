import { OwnershipTransferRequest, type OwnershipTransferWorkflowInput } from '../contracts/ownership-transfer.js';
import { rejectedOwnershipTransferResult } from '../ownership/transfer-result.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEventDependencies, takeRequestEvent } from './request-event.js';

/** Turns a valid request into the transfer workflow's input, with the member role the policy names. */
export const toOwnershipTransferWorkflowInput = (
  request: OwnershipTransferRequest,
  requestId: string,
  origin: OwnershipTransferWorkflowInput['origin'],
  policy: SharingPolicy,
): OwnershipTransferWorkflowInput => ({
  requestId,
  accountId: request.accountId,
  ownerArn: request.ownerArn,
  provisionedProductId: request.provisionedProductId ?? null,
  fromOwnerArn: request.fromOwnerArn ?? null,
  origin,
  memberRoleName: policy.settings.memberRoleName,
});

export interface OwnershipIntakeDependencies extends RequestEventDependencies {
  policy: SharingPolicy;
}

/**
 * An `Ownership Transfer Requested` event: started once under its request id (or the event id); an
 * invalid one ends in an `Ownership Transfer Failed` event that names the field.
 */
export const takeOwnershipTransferRequestEvent = (
  event: { id: string; detail: unknown },
  dependencies: OwnershipIntakeDependencies,
): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId) =>
        toOwnershipTransferWorkflowInput(parseWith(OwnershipTransferRequest, detail, 'Ownership Transfer Requested detail'), requestId, 'event', dependencies.policy),
      rejected: (detail, failure) => rejectedOwnershipTransferResult(detail, failure),
    },
    dependencies,
  );
