import {
  paginateListAcceptedPortfolioShares,
  RejectPortfolioShareCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import type { RejectedShare, RejectionRequest } from '../contracts/onboarding.js';
import { describeError, isErrorNamed, MemberRoleDeniedError } from '../errors.js';

/** The portfolios to reject: accepted imports and pending offers the policy does not entitle the account to. */
export const selectRejections = (acceptedPortfolioIds: string[], request: RejectionRequest): string[] => {
  const entitled = new Set(request.entitledPortfolioIds);
  return [...new Set([...acceptedPortfolioIds, ...request.pendingPortfolioIds])].filter((portfolioId) => !entitled.has(portfolioId));
};

/** The portfolios the account imported through account shares and accepted (all pages). */
export const acceptedImportedPortfolios = async (client: ServiceCatalogClient, accountId: string, roleName: string): Promise<string[]> => {
  const portfolioIds: string[] = [];
  try {
    for await (const page of paginateListAcceptedPortfolioShares({ client, pageSize: 100 }, { PortfolioShareType: 'IMPORTED' })) {
      for (const portfolio of page.PortfolioDetails ?? []) if (portfolio.Id) portfolioIds.push(portfolio.Id);
    }
  } catch (error) {
    if (isErrorNamed(error, 'AccessDenied', 'AccessDeniedException')) {
      throw new MemberRoleDeniedError(
        accountId,
        `${roleName} in ${accountId} does not allow servicecatalog:ListAcceptedPortfolioShares (${error.message}): update the member-account role (templates/member-account-role.yml) before turning rejectUnentitledShares on.`,
        { cause: error },
      );
    }
    throw error;
  }
  return portfolioIds;
};

/**
 * In the member account, rejects (RejectPortfolioShare, IMPORTED) every account share, accepted or
 * offered, that the policy does not entitle the account to. A share that is gone by the time it is
 * rejected (its owner unshared it meanwhile) counts as rejected. An unavailable member role is
 * thrown, for the state machine to retry; a failed rejection is reported per portfolio.
 */
export const rejectUnentitledShares = async (
  request: RejectionRequest,
  dependencies: { memberServiceCatalog: MemberServiceCatalog; roleName: string },
): Promise<{ rejectedShares: RejectedShare[] }> => {
  const client = await dependencies.memberServiceCatalog(request.accountId);
  const rejectedShares: RejectedShare[] = [];
  const accepted = await acceptedImportedPortfolios(client, request.accountId, dependencies.roleName);
  for (const portfolioId of selectRejections(accepted, request)) {
    try {
      await client.send(new RejectPortfolioShareCommand({ PortfolioId: portfolioId, PortfolioShareType: 'IMPORTED' }));
      rejectedShares.push({ portfolioId, outcome: 'SUCCEEDED', failure: null });
    } catch (error) {
      if (isErrorNamed(error, 'ResourceNotFoundException')) rejectedShares.push({ portfolioId, outcome: 'SUCCEEDED', failure: null });
      else rejectedShares.push({ portfolioId, outcome: 'FAILED', failure: describeError(error) });
    }
  }
  return { rejectedShares };
};
