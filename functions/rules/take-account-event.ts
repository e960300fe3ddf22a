import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, logger, requiredEnv } from '../../src/lambda/handler.js';
import { takeAccountEvent } from '../../src/onboarding/account-intake.js';

/** Target of the Organizations and Control Tower account rules: starts onboarding once per event. */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await takeAccountEvent(event, {
    sfn: sfnClient(),
    stateMachineArn: requiredEnv('ONBOARD_STATE_MACHINE_ARN'),
  });
  logger.info('Account event taken', { ...outcome });
  return outcome;
});
