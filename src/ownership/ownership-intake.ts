import { OwnershipTransferRequest } from '../contracts/ownership-transfer.js';
import { toOwnershipTransferWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEnvelope, type RequestEventDependencies, takeRequestEvent } from '../workflow/request-event.js';
import { rejectedOwnershipTransferResult } from './transfer-result.js';

/**
 * An `Ownership Transfer Requested` event: started once under its request id (or the event id); an
 * invalid one ends in an `Ownership Transfer Failed` event that names the field.
 */
export const takeOwnershipTransferRequestEvent = (event: RequestEnvelope, dependencies: RequestEventDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId, requestedBy) =>
        toOwnershipTransferWorkflowInput(
          parseWith(OwnershipTransferRequest, detail, 'Ownership Transfer Requested detail'),
          requestId,
          requestedBy,
        ),
      rejected: (detail, failure, requestedBy) => rejectedOwnershipTransferResult(detail, failure, requestedBy),
    },
    dependencies,
  );
