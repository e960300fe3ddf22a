import { z } from 'zod';
import { AccountId, OrganizationalUnitId, OrganizationId, PortfolioId, ShareTarget } from './identifiers.js';

/** An IAM user or role path in the recipient account, e.g. `role/Developer`; its ARN is built per account. */
const IamPrincipalPath = z
  .string()
  .regex(/^(role|user)\/[\w+=,.@/-]{1,512}$/, 'must be an IAM path such as role/Developer (the account is added per recipient)');

/** The share options a request may set; the policy's own values apply when a request leaves them out. */
export const ShareOption = z.enum(['sharePrincipals', 'shareTagOptions']);
export type ShareOption = z.infer<typeof ShareOption>;

/** A target a request may name: a node, or (`descendants: true`) an OU and every OU below it. */
export const RequestableTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ORGANIZATION'), id: OrganizationId }).strict(),
  z
    .object({
      type: z.literal('ORGANIZATIONAL_UNIT'),
      id: OrganizationalUnitId,
      /** Also any OU below this one (its accounts are reached by the OU share either way). */
      descendants: z.boolean().default(false),
    })
    .strict(),
  z.object({ type: z.literal('ACCOUNT'), id: AccountId }).strict(),
  z.object({ type: z.literal('EXTERNAL_ACCOUNT'), id: AccountId }).strict(),
]);
export type RequestableTarget = z.infer<typeof RequestableTarget>;

/** What a share or unshare request may ask for a portfolio beyond the policy's own targets. */
export const PortfolioRequests = z
  .object({
    targets: z.array(RequestableTarget).default([]),
    /** Options a request may set to a value other than the policy's. */
    options: z.array(ShareOption).default([]),
  })
  .strict();

/** An IAM ARN pattern of a requesting principal, matched as ArnLike matches aws:PrincipalArn (`*` and `?` in any part). */
export const RequesterPattern = z
  .string()
  .max(2048)
  .regex(
    /^arn:(aws[a-z-]*|\*):iam::([0-9*?]{1,12}):\S+$/,
    'must be an IAM principal ARN pattern such as arn:aws:iam::111122223333:role/PlatformTeam* (account: 12 digits or a wildcard)',
  );

export const RequestAction = z.enum(['share', 'unshare', 'ownershipTransfer', 'organizationsAccess']);
export type RequestAction = z.infer<typeof RequestAction>;

/**
 * Who may ask for each action. An action left out may be asked for by any principal of the hub
 * account; an empty list lets nobody ask (onboarding and reconcile, which act on the policy itself,
 * are not requests).
 */
export const Authorization = z
  .object({
    requesters: z.partialRecord(RequestAction, z.array(RequesterPattern)).default({}),
  })
  .strict();
export type Authorization = z.infer<typeof Authorization>;

export const PortfolioPolicy = z
  .object({
    portfolioId: PortfolioId,
    name: z.string().min(1).optional(),
    /** Share the portfolio's IAM_PATTERN principal associations with organization shares. */
    sharePrincipals: z.boolean().default(false),
    shareTagOptions: z.boolean().default(false),
    /** IAM principals associated in every recipient account (the safe alternative to patterns). */
    associatePrincipals: z.array(IamPrincipalPath).default([]),
    targets: z.array(ShareTarget).min(1, 'must list at least one target'),
    /** What a request may ask for beyond `targets` (which a request may always name). */
    requests: PortfolioRequests.prefault({}),
    /** Whether a reconcile run removes shares of this portfolio that the policy does not list (otherwise it only reports them). */
    prune: z.boolean().default(false),
  })
  .strict();
export type PortfolioPolicy = z.infer<typeof PortfolioPolicy>;

export const SharingPolicy = z
  .object({
    version: z.literal(1),
    settings: z
      .object({
        /** The role every member account has (deployed by the StackSet in templates/). */
        memberRoleName: z
          .string()
          .regex(
            /^[\w+=,.@-]{1,46}$/,
            'must be 1-46 characters of letters, digits and +=,.@_- (each member role is <name>-<Duty>, at most 64)',
          )
          .default('PortfolioShareMemberRole'),
        /** Whether the workflow may call EnableAWSOrganizationsAccess when organization sharing is off. */
        allowEnableOrganizationsAccess: z.boolean().default(false),
        /** Whether member accounts reject (RejectPortfolioShare) imported account shares the policy does not entitle them to. */
        rejectUnentitledShares: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    authorization: Authorization.prefault({}),
    portfolios: z.array(PortfolioPolicy),
  })
  .strict()
  .superRefine((policy, context) => {
    const seen = new Set<string>();
    policy.portfolios.forEach((portfolio, index) => {
      if (seen.has(portfolio.portfolioId)) {
        context.addIssue({
          code: 'custom',
          path: ['portfolios', index, 'portfolioId'],
          message: `${portfolio.portfolioId} is listed more than once`,
        });
      }
      seen.add(portfolio.portfolioId);
    });
  });
export type SharingPolicy = z.infer<typeof SharingPolicy>;
