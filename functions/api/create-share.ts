import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { createShare } from '../../src/share/share-api.js';

/** `POST /shares` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(
    await createShare(event, { sfn: sfnClient(), policy: loadPolicy(), stateMachineArn: requiredEnv('SHARE_STATE_MACHINE_ARN') }),
  ),
).use(httpErrors());
