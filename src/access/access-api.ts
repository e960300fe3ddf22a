import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import { describePortfolioShares, listOrganizationPortfolioAccess } from '../catalog/portfolio-access.js';
import { AccountId, ORGANIZATION_NODE_TYPES, PortfolioId } from '../contracts/identifiers.js';
import type { SharingPolicy } from '../contracts/sharing-policy.js';
import {
  AccessChangeInProgressError,
  ApiError,
  DelegatedAdministratorsRegisteredError,
  MemberRoleDeniedError,
  MemberRoleUnavailableError,
  NotManagementAccountError,
  OrganizationAccessUnavailableError,
  PortfolioNotFoundError,
} from '../errors.js';
import { type ApiResponse, apiRequester, type IamRequestContext, parseJsonBody } from '../lambda/http.js';
import { authorizeRequester } from '../policy/authorization.js';
import { parseWith } from '../validation.js';
import { type AccountPortfolio, listAccountPortfolios } from './account-portfolios.js';
import {
  type AccessChangeOptions,
  type AccessClients,
  changeOrganizationsAccess,
  readOrganizationsAccess,
} from './organizations-access.js';

type PathParameters = Record<string, string | undefined> | undefined;
type QueryParameters = Record<string, string | undefined> | undefined;

/** `GET /organizations-access` */
export const getOrganizationsAccess = async (clients: AccessClients): Promise<ApiResponse> => ({
  statusCode: 200,
  body: { ...(await readOrganizationsAccess(clients)) },
});

const AccessChangeRequest = z.object({ enabled: z.boolean() }).strict();

/** `PUT /organizations-access` `{"enabled": true|false}`: 200 once settled (or unchanged), 202 while still UNDER_CHANGE. */
export const putOrganizationsAccess = async (
  request: { body?: string; isBase64Encoded?: boolean } & IamRequestContext,
  clients: AccessClients,
  options: AccessChangeOptions & { policy: SharingPolicy; hubAccountId: string },
): Promise<ApiResponse> => {
  const { enabled } = parseWith(AccessChangeRequest, parseJsonBody(request.body, request.isBase64Encoded), 'request body');
  // Turning trusted access off stops every organization share of the organization: only the
  // requesters the policy names (by default, principals of the hub account) may ask.
  authorizeRequester(options.policy, 'organizationsAccess', apiRequester(request), options.hubAccountId);
  try {
    const change = await changeOrganizationsAccess(enabled, clients, options);
    return { statusCode: change.settled ? 200 : 202, body: { ...change } };
  } catch (error) {
    if (error instanceof NotManagementAccountError) throw new ApiError(403, error.message, { error: error.name, hub: error.hub });
    if (error instanceof DelegatedAdministratorsRegisteredError) {
      throw new ApiError(409, error.message, { error: error.name, delegatedAdministrators: error.delegatedAdministrators });
    }
    if (error instanceof AccessChangeInProgressError) throw new ApiError(409, error.message, { error: error.name });
    throw error;
  }
};

const PortfolioPath = z.object({ portfolioId: PortfolioId });

// API Gateway joins a repeated query parameter with commas: `?type=OU&type=ACCOUNT` arrives as `OU,ACCOUNT`.
const AccessQuery = z
  .object({
    type: z
      .preprocess((value) => (typeof value === 'string' ? value.split(',') : value), z.array(z.enum(ORGANIZATION_NODE_TYPES)).min(1))
      .optional(),
  })
  .strict();

const portfolioNotFound = (error: unknown): never => {
  if (error instanceof PortfolioNotFoundError)
    throw new ApiError(404, error.message, { error: error.name, portfolioId: error.portfolioId });
  throw error;
};

/** `GET /portfolios/{portfolioId}/access[?type=ORGANIZATION|ORGANIZATIONAL_UNIT|ACCOUNT]`: every node type unless `type` narrows it. */
export const getPortfolioAccess = async (
  pathParameters: PathParameters,
  query: QueryParameters,
  serviceCatalog: ServiceCatalogClient,
): Promise<ApiResponse> => {
  const { portfolioId } = parseWith(PortfolioPath, pathParameters ?? {}, 'path parameter');
  const { type } = parseWith(AccessQuery, query ?? {}, 'query parameter');
  try {
    const access = await listOrganizationPortfolioAccess(serviceCatalog, portfolioId, type ? [...new Set(type)] : ORGANIZATION_NODE_TYPES);
    return { statusCode: 200, body: { ...access } };
  } catch (error) {
    if (error instanceof OrganizationAccessUnavailableError) throw new ApiError(409, error.message, { error: error.name, portfolioId });
    return portfolioNotFound(error);
  }
};

/** `GET /portfolios/{portfolioId}/shares` */
export const getPortfolioShares = async (pathParameters: PathParameters, serviceCatalog: ServiceCatalogClient): Promise<ApiResponse> => {
  const { portfolioId } = parseWith(PortfolioPath, pathParameters ?? {}, 'path parameter');
  try {
    return { statusCode: 200, body: { ...(await describePortfolioShares(serviceCatalog, portfolioId)) } };
  } catch (error) {
    return portfolioNotFound(error);
  }
};

const AccountPath = z.object({ accountId: AccountId });

/** `GET /accounts/{accountId}/portfolios`: the member role that cannot be used answers 502, naming it. */
export const getAccountPortfolios = async (
  pathParameters: PathParameters,
  dependencies: { memberServiceCatalog: MemberServiceCatalog; roleName: string },
): Promise<ApiResponse> => {
  const { accountId } = parseWith(AccountPath, pathParameters ?? {}, 'path parameter');
  let listing: { accountId: string; portfolios: AccountPortfolio[] };
  try {
    listing = await listAccountPortfolios(accountId, dependencies);
  } catch (error) {
    if (error instanceof MemberRoleUnavailableError || error instanceof MemberRoleDeniedError) {
      throw new ApiError(502, error.message, { error: error.name, accountId, roleName: dependencies.roleName });
    }
    throw error;
  }
  return { statusCode: 200, body: { ...listing, roleName: dependencies.roleName } };
};
