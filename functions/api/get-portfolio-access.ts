import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getPortfolioAccess } from '../../src/access/access-api.js';
import { serviceCatalogClient } from '../../src/aws/clients.js';
import { lambdaHandler } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';

/** `GET /portfolios/{portfolioId}/access` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(await getPortfolioAccess(event.pathParameters, event.queryStringParameters, serviceCatalogClient())),
).use(httpErrors());
