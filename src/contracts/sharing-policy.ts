import { z } from 'zod';
import { PortfolioId, ShareTarget } from './identifiers.js';

/** An IAM user or role path in the recipient account, e.g. `role/Developer`; its ARN is built per account. */
const IamPrincipalPath = z
  .string()
  .regex(/^(role|user)\/[\w+=,.@/-]{1,512}$/, 'must be an IAM path such as role/Developer (the account is added per recipient)');

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
          .regex(/^[\w+=,.@-]{1,64}$/)
          .default('PortfolioShareMemberRole'),
        /** Whether the workflow may call EnableAWSOrganizationsAccess when organization sharing is off. */
        allowEnableOrganizationsAccess: z.boolean().default(false),
        /** Whether member accounts reject (RejectPortfolioShare) imported account shares the policy does not entitle them to. */
        rejectUnentitledShares: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
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
