import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { organizationsClient, sfnClient } from '../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { createShare } from '../../src/share/share-api.js';

/** `POST /shares` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2WithIAMAuthorizer) =>
  toHttpResult(
    await createShare(event, {
      sfn: sfnClient(),
      organizations: organizationsClient(),
      policy: loadPolicy(),
      hubAccountId: requiredEnv('HUB_ACCOUNT_ID'),
      stateMachineArn: requiredEnv('SHARE_STATE_MACHINE_ARN'),
    }),
  ),
).use(httpErrors());
