import type { EventBridgeEvent } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, logger, requiredEnv } from '../../src/lambda/handler.js';
import { takeShareRequestEvent } from '../../src/share/share-intake.js';

/** Target of the `Portfolio Share Requested` rule: validates and starts the share workflow once. */
export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>) => {
  const outcome = await takeShareRequestEvent(event, {
    sfn: sfnClient(),
    stateMachineArn: requiredEnv('SHARE_STATE_MACHINE_ARN'),
  });
  logger.info('Share request taken', { eventId: event.id, ...outcome });
  return outcome;
});
