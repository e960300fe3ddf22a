import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getPortfolioShares } from '../../src/access/access-api.js';
import { serviceCatalogClient } from '../../src/aws/clients.js';
import { lambdaHandler } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';

/** `GET /portfolios/{portfolioId}/shares` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) =>
  toHttpResult(await getPortfolioShares(event.pathParameters, serviceCatalogClient())),
).use(httpErrors());
