import type { ShareTarget } from '../contracts/identifiers.js';
import type { RequestedBy } from '../contracts/requested-by.js';
import { SHARE_PRINCIPALS_NODES_ONLY } from '../contracts/share.js';
import type { PortfolioPolicy, RequestAction, SharingPolicy } from '../contracts/sharing-policy.js';
import { NotAuthorizedError, ValidationError } from '../errors.js';

// Whether the sharing policy allows a request: who asked (authorization.requesters), the portfolio (it
// must be in the policy), the target (the portfolio's targets, or its requests.targets) and the share
// options (requests.options). Every refusal is a NotAuthorizedError naming the policy path that refused.
// Runs before an API route starts anything, and again as the first step of each workflow, so that an
// execution started by other means is held to the same rules.

/**
 * ArnLike as IAM applies it to aws:PrincipalArn: the pattern and the ARN are compared part by part
 * (the six colon-separated parts; the last may itself contain colons), `*` matching any run of
 * characters and `?` one character within a part. Written here because IAM's evaluator is not a
 * dependency of deployed functions (see README, Licences) and this is all the matching the policy needs.
 */
export const arnLike = (pattern: string, arn: string): boolean => {
  const parts = (value: string): string[] | null => {
    const split = value.split(':');
    return split.length < 6 ? null : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const patternParts = parts(pattern);
  const arnParts = parts(arn);
  if (!patternParts || !arnParts) return false;
  return patternParts.every((part, index) => globMatches(part, arnParts[index] as string));
};

const globMatches = (pattern: string, value: string): boolean => {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
};

/** The account of an ARN pattern's account part, as a glob (`*` for any). */
const accountPart = (pattern: string): string => pattern.split(':')[4] ?? '';

/** Requests come from callers; onboarding and reconcile children act on the policy itself. */
const isRequest = (requestedBy: RequestedBy): boolean =>
  requestedBy.type === 'api' || requestedBy.type === 'event' || requestedBy.type === 'caller';

/** Refuses a requester that authorization.requesters does not allow for the action. */
export const authorizeRequester = (policy: SharingPolicy, action: RequestAction, requestedBy: RequestedBy, hubAccountId: string): void => {
  if (requestedBy.type === 'workflow' || requestedBy.type === 'schedule') return;
  const patterns = policy.authorization.requesters[action];
  const rule = `authorization.requesters.${action}`;
  if (requestedBy.type === 'event') {
    // PutEvents carries no principal: the bus policy holds the principal to the same patterns; here
    // the account that put the event must be one the patterns (or the default) name.
    const allowed = patterns
      ? patterns.some((pattern) => globMatches(accountPart(pattern), requestedBy.accountId))
      : requestedBy.accountId === hubAccountId;
    if (!allowed) {
      throw new NotAuthorizedError(
        patterns
          ? `${rule} names no principal of account ${requestedBy.accountId}, which put this event`
          : `${rule} is not set, so only the hub account ${hubAccountId} may ask; this event was put by account ${requestedBy.accountId}`,
        rule,
      );
    }
    return;
  }
  const { principalArn } = requestedBy;
  if (!patterns) {
    if (requestedBy.accountId === hubAccountId) return;
    throw new NotAuthorizedError(
      `${rule} is not set, so only principals of the hub account ${hubAccountId} may ask; ${principalArn} is not one`,
      rule,
    );
  }
  if (!patterns.some((pattern) => arnLike(pattern, principalArn))) {
    throw new NotAuthorizedError(
      patterns.length === 0
        ? `${rule} is empty: nobody may ask for this`
        : `${principalArn} matches no pattern of ${rule} (${patterns.join(', ')})`,
      rule,
    );
  }
};

/** The portfolio's entry and its index in the policy, or a refusal that says it is not there. */
export const authorizedPortfolio = (policy: SharingPolicy, portfolioId: string): { portfolio: PortfolioPolicy; path: string } => {
  const index = policy.portfolios.findIndex((portfolio) => portfolio.portfolioId === portfolioId);
  const portfolio = policy.portfolios[index];
  if (!portfolio) throw new NotAuthorizedError(`Portfolio ${portfolioId} is not in the sharing policy (portfolios)`, 'portfolios');
  return { portfolio, path: `portfolios[${index}]` };
};

const sameTarget = (a: { type: string; id: string }, b: ShareTarget): boolean => a.type === b.type && a.id === b.id;

const describeTarget = (target: ShareTarget): string => `${target.type} ${target.id}`;

/**
 * Refuses a target the policy does not let this requester name for the portfolio. The policy's own
 * targets are always allowed; a request may also name its requests.targets, an OU rule with
 * `descendants` covering every OU below it (`ancestorsOf` lists an OU's parents, root first).
 */
export const authorizeTarget = async (
  portfolio: PortfolioPolicy,
  path: string,
  target: ShareTarget,
  requestedBy: RequestedBy,
  ancestorsOf: (organizationalUnitId: string) => Promise<string[]>,
): Promise<void> => {
  if (portfolio.targets.some((listed) => sameTarget(listed, target))) return;
  const name = portfolio.name ? ` (${portfolio.name})` : '';
  if (!isRequest(requestedBy)) {
    throw new NotAuthorizedError(
      `${path}.targets of ${portfolio.portfolioId}${name} does not list ${describeTarget(target)}`,
      `${path}.targets`,
    );
  }
  const rules = portfolio.requests.targets;
  if (rules.some((rule) => sameTarget(rule, target))) return;
  const below = rules.filter((rule) => rule.type === 'ORGANIZATIONAL_UNIT' && rule.descendants);
  if (target.type === 'ORGANIZATIONAL_UNIT' && below.length > 0) {
    const ancestors = await ancestorsOf(target.id);
    if (below.some((rule) => ancestors.includes(rule.id))) return;
  }
  throw new NotAuthorizedError(
    `Neither ${path}.targets nor ${path}.requests.targets of ${portfolio.portfolioId}${name} allows ${describeTarget(target)}` +
      (target.type === 'EXTERNAL_ACCOUNT' ? ' (an account outside the organization must be listed by id)' : ''),
    `${path}.requests.targets`,
  );
};

export interface ShareOptions {
  sharePrincipals: boolean;
  shareTagOptions: boolean;
}

/**
 * The options a share uses: the request's where requests.options lets it differ from the policy,
 * the policy's otherwise. SharePrincipals applies to organization and OU shares only (AWS refuses it
 * for a member account node): for any other target it is off, and a request that leaves it off asks
 * nothing of the policy.
 */
export const authorizedShareOptions = (
  portfolio: PortfolioPolicy,
  path: string,
  target: ShareTarget,
  requested: Partial<ShareOptions>,
): ShareOptions => {
  const nodeShare = target.type === 'ORGANIZATION' || target.type === 'ORGANIZATIONAL_UNIT';
  if (!nodeShare && requested.sharePrincipals) {
    // The request schemas refuse it at the edge; an execution started with it directly is refused here.
    throw new ValidationError(`sharePrincipals: ${SHARE_PRINCIPALS_NODES_ONLY}`, [
      { path: 'sharePrincipals', message: SHARE_PRINCIPALS_NODES_ONLY },
    ]);
  }
  const applicable = nodeShare ? (['sharePrincipals', 'shareTagOptions'] as const) : (['shareTagOptions'] as const);
  for (const option of applicable) {
    const asked = requested[option];
    if (asked !== undefined && asked !== portfolio[option] && !portfolio.requests.options.includes(option)) {
      throw new NotAuthorizedError(
        `${path}.requests.options does not include ${option}: a request for ${portfolio.portfolioId} may not set it to ${asked} (the policy says ${portfolio[option]})`,
        `${path}.requests.options`,
      );
    }
  }
  return {
    sharePrincipals: nodeShare && (requested.sharePrincipals ?? portfolio.sharePrincipals),
    shareTagOptions: requested.shareTagOptions ?? portfolio.shareTagOptions,
  };
};
