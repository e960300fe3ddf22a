import type { EventBridgeEvent } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, logger, requiredEnv } from '../../src/lambda/handler.js';
import { takeUnshareRequestEvent } from '../../src/unshare/unshare-intake.js';

/** Target of the `Portfolio Unshare Requested` rule: validates and starts the unshare workflow once. */
export const handler = lambdaHandler(async (event: EventBridgeEvent<string, unknown>) => {
  const outcome = await takeUnshareRequestEvent(event, {
    sfn: sfnClient(),
    stateMachineArn: requiredEnv('UNSHARE_STATE_MACHINE_ARN'),
  });
  logger.info('Unshare request taken', { eventId: event.id, ...outcome });
  return outcome;
});
