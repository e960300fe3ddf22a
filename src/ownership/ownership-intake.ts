import { OwnershipTransferRequest, type OwnershipTransferWorkflowInput } from '../contracts/ownership-transfer.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import { parseWith } from '../validation.js';
import { type IntakeDependencies, type IntakeOutcome, takeRequestEvent } from '../workflow/request-event.js';
import { rejectedOwnershipTransferResult } from './transfer-result.js';

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

/**
 * An `Ownership Transfer Requested` event: started once under its request id (or the event id); an
 * invalid one ends in an `Ownership Transfer Failed` event that names the field.
 */
export const takeOwnershipTransferRequestEvent = (
  event: { id: string; detail: unknown },
  dependencies: IntakeDependencies,
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
