// Principal associations. Each account associates principals with a portfolio it owns or imported;
// an organization share with SharePrincipals carries the owner's IAM_PATTERN associations to recipients.
import type {
  AssociatePrincipalWithPortfolioInput,
  DisassociatePrincipalFromPortfolioInput,
  ListPrincipalsForPortfolioInput,
} from '@aws-sdk/client-service-catalog';
import { invalidParameters, limitExceeded, resourceNotFound } from './errors.js';
import { paginate } from './paging.js';
import { type OperationTable, operation, type Portfolio, type PrincipalType, type Scope } from './state.js';
import { type PortfolioAccess, usablePortfolio } from './visibility.js';

const IAM_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):(?:user|role|group)\/.+$/;
const IAM_PATTERN_ARN = /^arn:aws(?:-cn|-us-gov)?:iam:::(?:user|role|group)\/.+$/;
/** "You can associate a maximum of 10 Principals with a portfolio using PrincipalType as IAM_PATTERN." */
export const MAX_PATTERN_PRINCIPALS = 10;

/** Checks an ARN against its principal type; IAM ARNs must name an entity of the associating account. */
export function checkPrincipalArn(arn: string, type: PrincipalType, accountId: string): void {
  if (type === 'IAM_PATTERN') {
    if (!IAM_PATTERN_ARN.test(arn)) {
      throw invalidParameters(
        `PrincipalARN ${arn} is not a valid IAM_PATTERN ARN: it must have no account id, e.g. arn:aws:iam:::role/Developer*.`,
      );
    }
    return;
  }
  const match = IAM_ARN.exec(arn);
  if (!match) throw invalidParameters(`PrincipalARN ${arn} is not a valid IAM user, group or role ARN.`);
  if (match[1] !== accountId) {
    throw invalidParameters(`PrincipalARN ${arn} must belong to account ${accountId}.`);
  }
}

function associationsOf(portfolio: Portfolio, accountId: string): Map<string, PrincipalType> {
  let associations = portfolio.principals.get(accountId);
  if (!associations) {
    associations = new Map();
    portfolio.principals.set(accountId, associations);
  }
  return associations;
}

export function patternCount(associations: ReadonlyMap<string, PrincipalType>): number {
  return [...associations.values()].filter((type) => type === 'IAM_PATTERN').length;
}

/** The principals that grant access in `accountId`: its own associations plus patterns shared with it. */
export function effectivePrincipals(portfolio: Portfolio, accountId: string, access: PortfolioAccess): Map<string, PrincipalType> {
  const principals = new Map(portfolio.principals.get(accountId) ?? []);
  if (!access.owner && access.orgShares.some((share) => share.sharePrincipals)) {
    for (const [arn, type] of portfolio.principals.get(portfolio.ownerAccountId) ?? []) {
      if (type === 'IAM_PATTERN') principals.set(arn, type);
    }
  }
  return principals;
}

const associatePrincipal = operation<AssociatePrincipalWithPortfolioInput>((input, scope: Scope) => {
  const { portfolio } = usablePortfolio(scope, input.PortfolioId ?? '');
  const arn = input.PrincipalARN ?? '';
  const type = input.PrincipalType ?? 'IAM';
  checkPrincipalArn(arn, type, scope.caller.accountId);
  const associations = associationsOf(portfolio, scope.caller.accountId);
  if (type === 'IAM_PATTERN' && associations.get(arn) !== 'IAM_PATTERN' && patternCount(associations) >= MAX_PATTERN_PRINCIPALS) {
    throw limitExceeded(
      `Portfolio ${portfolio.id} already has ${MAX_PATTERN_PRINCIPALS} principals of type IAM_PATTERN, the most a portfolio can have.`,
    );
  }
  associations.set(arn, type);
  scope.state.principalsChanged(portfolio.id, scope.caller.accountId);
  return {};
});

const disassociatePrincipal = operation<DisassociatePrincipalFromPortfolioInput>((input, scope: Scope) => {
  const { portfolio } = usablePortfolio(scope, input.PortfolioId ?? '');
  const arn = input.PrincipalARN ?? '';
  const associations = portfolio.principals.get(scope.caller.accountId);
  const type = associations?.get(arn);
  if (!associations || !type || (input.PrincipalType !== undefined && input.PrincipalType !== type)) {
    throw resourceNotFound(`Principal ${arn} is not associated with portfolio ${portfolio.id}.`);
  }
  associations.delete(arn);
  scope.state.principalsChanged(portfolio.id, scope.caller.accountId);
  return {};
});

const listPrincipals = operation<ListPrincipalsForPortfolioInput>((input, scope: Scope) => {
  const { portfolio, access } = usablePortfolio(scope, input.PortfolioId ?? '');
  const principals = [...effectivePrincipals(portfolio, scope.caller.accountId, access)].map(([arn, type]) => ({
    PrincipalARN: arn,
    PrincipalType: type,
  }));
  const page = paginate(
    principals,
    `ListPrincipalsForPortfolio:${portfolio.id}:${scope.caller.accountId}`,
    input.PageToken,
    input.PageSize,
  );
  return { Principals: page.items, NextPageToken: page.nextPageToken };
});

export const principalOperations: OperationTable = {
  AssociatePrincipalWithPortfolio: associatePrincipal,
  DisassociatePrincipalFromPortfolio: disassociatePrincipal,
  ListPrincipalsForPortfolio: listPrincipals,
};
