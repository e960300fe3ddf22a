import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getAccountPortfolios } from '../../src/access/access-api.js';
import { ACCOUNT_PORTFOLIOS_SESSION_POLICY } from '../../src/access/account-portfolios.js';
import { stsClient } from '../../src/aws/clients.js';
import { deployedMemberRoleName } from '../../src/aws/member-roles.js';
import { type MemberServiceCatalog, memberServiceCatalog } from '../../src/aws/member-session.js';
import { lambdaHandler } from '../../src/lambda/handler.js';
import { httpErrors, toHttpResult } from '../../src/lambda/http.js';

let sessions: MemberServiceCatalog | undefined;

/** `GET /accounts/{accountId}/portfolios` */
export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2) => {
  const roleName = deployedMemberRoleName('readOnly');
  // Sessions narrowed to the one listing call, although the member role allows more; cached per container.
  sessions ??= memberServiceCatalog({
    sts: stsClient(),
    roleName,
    sessionName: 'portfolio-share-orchestrator-listing',
    sessionPolicy: ACCOUNT_PORTFOLIOS_SESSION_POLICY,
  });
  return toHttpResult(await getAccountPortfolios(event.pathParameters, { memberServiceCatalog: sessions, roleName }));
}).use(httpErrors());
