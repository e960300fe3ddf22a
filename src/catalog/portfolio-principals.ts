import { paginateListPrincipalsForPortfolio, type ServiceCatalogClient } from '@aws-sdk/client-service-catalog';

/** The portfolio's IAM_PATTERN principals (e.g. `arn:aws:iam:::role/Developer*`), which principal sharing shares by name. */
export const listPatternPrincipals = async (serviceCatalog: ServiceCatalogClient, portfolioId: string): Promise<string[]> => {
  const patterns: string[] = [];
  for await (const page of paginateListPrincipalsForPortfolio({ client: serviceCatalog }, { PortfolioId: portfolioId })) {
    for (const principal of page.Principals ?? []) {
      if (principal.PrincipalType === 'IAM_PATTERN' && principal.PrincipalARN) patterns.push(principal.PrincipalARN);
    }
  }
  return patterns;
};

/**
 * What principal sharing exposes for a portfolio: its IAM_PATTERN principals are shared by name, so in
 * every recipient account any role or user whose name matches gets the portfolio, and an
 * administrator there can create one (AWS documents this). One warning, or none.
 */
export const principalSharingWarnings = async (serviceCatalog: ServiceCatalogClient, portfolioId: string): Promise<string[]> => {
  const patterns = await listPatternPrincipals(serviceCatalog, portfolioId);
  return patterns.length
    ? [
        `sharePrincipals shares the portfolio's IAM_PATTERN principals by name (${patterns.join(', ')}): in every recipient account, ` +
          'any role or user whose name matches gets the portfolio, and an administrator there can create one (see docs/authorization.md, Principal sharing)',
      ]
    : [];
};
