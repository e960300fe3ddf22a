import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { transferProductOwnership } from '../../src/ownership/ownership-api.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

/** `PUT /provisioned-products/{id}/owner` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2WithIAMAuthorizer) =>
  toHttpResult(
    await transferProductOwnership(event, {
      sfn: sfnClient(),
      policy: loadPolicy(),
      hubAccountId: requiredEnv('HUB_ACCOUNT_ID'),
      stateMachineArn: requiredEnv('OWNERSHIP_TRANSFER_STATE_MACHINE_ARN'),
    }),
  ),
).use(httpErrors());
