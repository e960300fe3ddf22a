import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { deleteShare } from '../../src/unshare/unshare-api.js';

/** `DELETE /shares` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2WithIAMAuthorizer) =>
  toHttpResult(
    await deleteShare(event, {
      sfn: sfnClient(),
      policy: loadPolicy(),
      hubAccountId: requiredEnv('HUB_ACCOUNT_ID'),
      stateMachineArn: requiredEnv('UNSHARE_STATE_MACHINE_ARN'),
    }),
  ),
).use(httpErrors());
