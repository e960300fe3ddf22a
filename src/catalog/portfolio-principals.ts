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
