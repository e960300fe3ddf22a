import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { deleteShare } from '../../src/unshare/unshare-api.js';

/** `DELETE /shares` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(await deleteShare(event, { sfn: sfnClient(), stateMachineArn: requiredEnv('UNSHARE_STATE_MACHINE_ARN') })),
).use(httpErrors());
