import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { getUnshare } from '../../src/unshare/unshare-api.js';

/** `GET /unshares/{requestId}` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(
    await getUnshare(event.pathParameters?.requestId, { sfn: sfnClient(), stateMachineArn: requiredEnv('UNSHARE_STATE_MACHINE_ARN') }),
  ),
).use(httpErrors());
