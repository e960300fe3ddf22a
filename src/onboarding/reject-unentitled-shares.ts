import {
  ListAcceptedPortfolioSharesCommand,
  RejectPortfolioShareCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import { AccountId } from '../contracts/identifiers.js';
import type { RejectedShare } from '../contracts/result-events.js';
import { describeError } from '../errors.js';

/** What the member account rejects: the account shares it holds or is offered that the policy does not entitle it to. */
export const RejectionRequest = z.object({
  accountId: AccountId,
  memberRoleName: z.string().min(1),
  /** Portfolios the policy entitles the account to: never rejected. */
  entitledPortfolioIds: z.array(z.string()),
  /** Policy portfolios with an account share offered to the account and not accepted (found from the hub). */
  pendingPortfolioIds: z.array(z.string()),
});
export type RejectionRequest = z.infer<typeof RejectionRequest>;

/** The portfolios to reject: accepted imports and pending offers the policy does not entitle the account to. */
export const selectRejections = (acceptedPortfolioIds: string[], request: RejectionRequest): string[] => {
  const entitled = new Set(request.entitledPortfolioIds);
  return [...new Set([...acceptedPortfolioIds, ...request.pendingPortfolioIds])].filter((portfolioId) => !entitled.has(portfolioId));
};

/** The portfolios the account imported through account shares and accepted (all pages). */
export const acceptedImportedPortfolios = async (client: ServiceCatalogClient): Promise<string[]> => {
  const portfolioIds: string[] = [];
  let PageToken: string | undefined;
  do {
    const page = await client.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'IMPORTED', PageToken, PageSize: 100 }));
    for (const portfolio of page.PortfolioDetails ?? []) if (portfolio.Id) portfolioIds.push(portfolio.Id);
    PageToken = page.NextPageToken;
  } while (PageToken);
  return portfolioIds;
};

/**
 * In the member account, rejects (RejectPortfolioShare, IMPORTED) every account share, accepted or
 * offered, that the policy does not entitle the account to. A share that is gone by the time it is
 * rejected (its owner unshared it meanwhile) counts as rejected. An unavailable member role is
 * thrown, for the state machine to retry; a failed rejection is reported per portfolio.
 */
export const rejectUnentitledShares = async (
  input: RejectionRequest,
  dependencies: { memberServiceCatalog: MemberServiceCatalog },
): Promise<{ rejectedShares: RejectedShare[] }> => {
  const request = RejectionRequest.parse(input);
  const client = await dependencies.memberServiceCatalog(request.accountId);
  const rejectedShares: RejectedShare[] = [];
  for (const portfolioId of selectRejections(await acceptedImportedPortfolios(client), request)) {
    try {
      await client.send(new RejectPortfolioShareCommand({ PortfolioId: portfolioId, PortfolioShareType: 'IMPORTED' }));
      rejectedShares.push({ portfolioId, outcome: 'SUCCEEDED', failure: null });
    } catch (error) {
      const failure = describeError(error);
      if (failure.error === 'ResourceNotFoundException') rejectedShares.push({ portfolioId, outcome: 'SUCCEEDED', failure: null });
      else rejectedShares.push({ portfolioId, outcome: 'FAILED', failure });
    }
  }
  return { rejectedShares };
};
