import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { putOrganizationsAccess } from '../../src/access/access-api.js';
import { organizationsClient, serviceCatalogClient, stsClient } from '../../src/aws/clients.js';
import { now, sleep } from '../../src/clock.js';
import { lambdaHandler, requiredEnv } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

/** Time kept back from the function's timeout to answer after the last status poll. */
const ANSWER_MARGIN_MS = 3000;

/** `PUT /organizations-access` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2WithIAMAuthorizer, context) =>
  toHttpResult(
    await putOrganizationsAccess(
      event,
      { serviceCatalog: serviceCatalogClient(), organizations: organizationsClient(), sts: stsClient() },
      {
        clock: { now, sleep },
        waitBudgetMs: Math.max(0, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS),
        allowEnableOrganizationsAccess: loadPolicy().settings.allowEnableOrganizationsAccess,
        policy: loadPolicy(),
        hubAccountId: requiredEnv('HUB_ACCOUNT_ID'),
      },
    ),
  ),
).use(httpErrors());
