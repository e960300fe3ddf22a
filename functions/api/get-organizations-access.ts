import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getOrganizationsAccess } from '../../src/access/access-api.js';
import { organizationsClient, serviceCatalogClient, stsClient } from '../../src/aws/clients.js';
import { lambdaHandler } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';

/** `GET /organizations-access` */
export const handler = lambdaHandler(async (_event: APIGatewayProxyEventV2) =>
  toHttpResult(
    await getOrganizationsAccess({ serviceCatalog: serviceCatalogClient(), organizations: organizationsClient(), sts: stsClient() }),
  ),
).use(httpErrors());
