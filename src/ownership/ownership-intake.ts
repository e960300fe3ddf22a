import { OwnershipTransferRequest, type RefusedOwnershipTransferInput } from '../contracts/ownership-transfer.js';
import { toOwnershipTransferWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import {
  type IntakeOutcome,
  type RequestEnvelope,
  type RequestEventDependencies,
  readableField,
  takeRequestEvent,
} from '../workflow/request-event.js';

/**
 * An `Ownership Transfer Requested` event: started once under its request id (or the event id); an
 * invalid one starts the workflow with its refusal, which ends in one `Ownership Transfer Failed`
 * event that names the field.
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
      refusedInput: (detail, requestedBy, refused): RefusedOwnershipTransferInput => ({
        requestId: detail.requestId,
        accountId: readableField(detail.accountId),
        ownerArn: readableField(detail.ownerArn),
        provisionedProductId: readableField(detail.provisionedProductId),
        fromOwnerArn: readableField(detail.fromOwnerArn),
        requestedBy,
        refused,
      }),
    },
    dependencies,
  );
