import { type PortfolioShareType, paginateListAcceptedPortfolioShares } from '@aws-sdk/client-service-catalog';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import { isErrorNamed, MemberRoleDeniedError } from '../errors.js';

/** The only call the listing's member session may make (its session policy). */
export const ACCOUNT_PORTFOLIOS_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'servicecatalog:ListAcceptedPortfolioShares', Resource: '*' }],
});

/** How a portfolio reaches the account: an accepted account share, or an organization share. */
const SHARE_TYPES = ['IMPORTED', 'AWS_ORGANIZATIONS'] as const satisfies readonly PortfolioShareType[];

export interface AccountPortfolio {
  id: string;
  arn: string | null;
  name: string | null;
  description: string | null;
  provider: string | null;
  createdAt: string | null;
  /** `IMPORTED` (an accepted account share), `AWS_ORGANIZATIONS` (an organization, OU or member-account share), or both. */
  sharedAs: (typeof SHARE_TYPES)[number][];
}

/**
 * What an account sees: `ListAcceptedPortfolioShares` for imported and organization shares, every
 * page, in the account through its member role. A portfolio that reaches it both ways is listed once.
 */
export const listAccountPortfolios = async (
  accountId: string,
  dependencies: { memberServiceCatalog: MemberServiceCatalog; roleName: string },
): Promise<{ accountId: string; portfolios: AccountPortfolio[] }> => {
  const serviceCatalog = await dependencies.memberServiceCatalog(accountId);
  const portfolios = new Map<string, AccountPortfolio>();
  for (const shareType of SHARE_TYPES) {
    try {
      for await (const page of paginateListAcceptedPortfolioShares(
        { client: serviceCatalog, pageSize: 100 },
        { PortfolioShareType: shareType },
      )) {
        for (const detail of page.PortfolioDetails ?? []) {
          if (!detail.Id) continue;
          const known = portfolios.get(detail.Id);
          if (known) {
            known.sharedAs.push(shareType);
            continue;
          }
          portfolios.set(detail.Id, {
            id: detail.Id,
            arn: detail.ARN ?? null,
            name: detail.DisplayName ?? null,
            description: detail.Description ?? null,
            provider: detail.ProviderName ?? null,
            createdAt: detail.CreatedTime?.toISOString() ?? null,
            sharedAs: [shareType],
          });
        }
      }
    } catch (error) {
      if (isErrorNamed(error, 'AccessDenied', 'AccessDeniedException')) {
        throw new MemberRoleDeniedError(
          accountId,
          `${dependencies.roleName} in ${accountId} does not allow servicecatalog:ListAcceptedPortfolioShares (${error.message}): update the member-account role (templates/member-account-role.yml).`,
          { cause: error },
        );
      }
      throw error;
    }
  }
  return { accountId, portfolios: [...portfolios.values()] };
};
