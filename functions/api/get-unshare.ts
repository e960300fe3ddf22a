import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { getUnshare } from '../../src/unshare/unshare-api.js';
import { deployedOutcomeStore } from '../../src/workflow/account-outcomes.js';

/** `GET /unshares/{requestId}` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(
    await getUnshare(event.pathParameters?.requestId, {
      sfn: sfnClient(),
      stateMachineArn: requiredEnv('UNSHARE_STATE_MACHINE_ARN'),
      store: deployedOutcomeStore(),
    }),
  ),
).use(httpErrors());
