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

/** What the member account must leave alone when it rejects unentitled imported shares. */
export const RejectionRequest = z.object({
  accountId: AccountId,
  memberRoleName: z.string().min(1),
  /** Portfolios the policy entitles the account to. */
  entitledPortfolioIds: z.array(z.string()),
  /** Portfolios whose shares to the account the hub removes in the same run: rejecting them too would race that removal. */
  removedByHubPortfolioIds: z.array(z.string()),
});
export type RejectionRequest = z.infer<typeof RejectionRequest>;

/** The imported portfolios to reject: neither entitled nor being removed by the hub. */
export const selectRejections = (importedPortfolioIds: string[], request: RejectionRequest): string[] => {
  const leaveAlone = new Set([...request.entitledPortfolioIds, ...request.removedByHubPortfolioIds]);
  return [...new Set(importedPortfolioIds)].filter((portfolioId) => !leaveAlone.has(portfolioId));
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
 * In the member account, rejects (RejectPortfolioShare, IMPORTED) every accepted imported share the
 * policy does not entitle the account to. A share that is gone by the time it is rejected (its owner
 * unshared it meanwhile) counts as rejected. An unavailable member role is thrown, for the state
 * machine to retry; a failed rejection is reported per portfolio.
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
