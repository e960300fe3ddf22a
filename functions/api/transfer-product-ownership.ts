import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { transferProductOwnership } from '../../src/ownership/ownership-api.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

/** `PUT /provisioned-products/{id}/owner` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(
    await transferProductOwnership(event, {
      sfn: sfnClient(),
      policy: loadPolicy(),
      stateMachineArn: requiredEnv('OWNERSHIP_TRANSFER_STATE_MACHINE_ARN'),
    }),
  ),
).use(httpErrors());
