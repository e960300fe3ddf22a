import type { EventBridgeEvent } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, logger, requiredEnv } from '../../src/lambda/handler.js';
import { takeOwnershipTransferRequestEvent } from '../../src/ownership/ownership-intake.js';

/** Target of the `Ownership Transfer Requested` rule: validates and starts the transfer workflow once. */
export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>) => {
  const outcome = await takeOwnershipTransferRequestEvent(event, {
    sfn: sfnClient(),
    stateMachineArn: requiredEnv('OWNERSHIP_TRANSFER_STATE_MACHINE_ARN'),
  });
  logger.info('Ownership transfer request taken', { eventId: event.id, ...outcome });
  return outcome;
});
