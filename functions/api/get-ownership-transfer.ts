import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { getOwnershipTransfer } from '../../src/ownership/ownership-api.js';

/** `GET /ownership-transfers/{requestId}` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(
    await getOwnershipTransfer(event.pathParameters?.requestId, {
      sfn: sfnClient(),
      stateMachineArn: requiredEnv('OWNERSHIP_TRANSFER_STATE_MACHINE_ARN'),
    }),
  ),
).use(httpErrors());
