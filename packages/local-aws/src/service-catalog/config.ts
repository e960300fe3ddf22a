// Schemas of the fixture's `serviceCatalog:` section and the `simulation.serviceCatalog` knobs
// (their format is documented in the package README). Types derive from the schemas.
import { z } from 'zod';
import { ServiceCatalogConfigError } from './errors.js';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const simulatedMs = z.number().int().min(0);
const tagText = z.string().min(1).max(256);

const fixtureProvisionedProductSchema = z
  .object({
    id: z
      .string()
      .regex(/^pp-[a-z0-9]{13}$/, 'must look like pp-abcdefghij123')
      .optional(),
    accountId,
    name: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/, 'must be a provisioned product name (letters, digits, . _ -, at most 128)'),
    /** An IAM user or role of `accountId`: it owns the product, as if it had launched it. */
    ownerArn: z.string().min(1).max(1024),
  })
  .strict();

export type FixtureProvisionedProduct = z.output<typeof fixtureProvisionedProductSchema>;

const fixtureProductSchema = z
  .object({
    id: z
      .string()
      .regex(/^prod-[a-z0-9]{13}$/, 'must look like prod-abcdefghij123')
      .optional(),
    name: z.string().min(1).max(8191),
    owner: z.string().min(1).max(8191),
    /** Already launched in accounts, with a SUCCEEDED PROVISION_PRODUCT record at start. */
    provisionedProducts: z.array(fixtureProvisionedProductSchema).default([]),
  })
  .strict();

const fixturePrincipalSchema = z
  .object({
    type: z.enum(['IAM', 'IAM_PATTERN']),
    arn: z.string().min(1).max(1000),
  })
  .strict();

const fixtureTagOptionSchema = z
  .object({
    key: z.string().min(1).max(128),
    value: tagText,
    active: z.boolean().default(true),
  })
  .strict();

export const fixturePortfolioSchema = z
  .object({
    id: z
      .string()
      .regex(/^port-[a-z0-9]{13}$/, 'must look like port-abcdefghij123')
      .optional(),
    name: z.string().min(1).max(100),
    providerName: z.string().min(1).max(50),
    description: z.string().max(2000).optional(),
    ownerAccountId: accountId.optional(),
    products: z.array(fixtureProductSchema).default([]),
    principals: z.array(fixturePrincipalSchema).default([]),
    tagOptions: z.array(fixtureTagOptionSchema).default([]),
  })
  .strict();

export const fixtureSchema = z
  .array(fixturePortfolioSchema)
  .nullish()
  .transform((portfolios) => portfolios ?? []);

export type FixturePortfolio = z.output<typeof fixturePortfolioSchema>;

const shareErrorsSchema = z
  .object({
    /** Share of recipient accounts (0..1) that fail with ThrottlingException in each organization-node share action, drawn from the seeded random source. */
    throttleFraction: z.number().min(0).max(1).default(0),
    /** Accounts that fail with ThrottlingException in the next `throttleAttempts` share actions that reach them. */
    throttleAccounts: z.array(accountId).default([]),
    throttleAttempts: z.number().int().min(1).default(1),
  })
  .strict();

const quotasSchema = z
  .object({
    portfoliosPerAccount: z.number().int().min(1).default(100),
    sharedAccountsPerPortfolio: z.number().int().min(1).default(5000),
  })
  .strict();

export const knobsSchema = z
  .object({
    tokenVisibilityDelayMs: simulatedMs.default(500),
    shareStartDelayMs: simulatedMs.default(250),
    sharePropagationBaseMs: simulatedMs.default(2000),
    sharePropagationPerAccountMs: simulatedMs.default(25),
    accessChangeMs: simulatedMs.default(2000),
    provisioningMs: simulatedMs.default(3000),
    recordCompletionMs: simulatedMs.default(500),
    /**
     * Roles whose IAM policy allows the provisioned-product actions with no servicecatalog:userLevel or
     * roleLevel condition, which AWS treats as account level: their sessions see and manage every
     * provisioned product and record of their account, as the account root does.
     */
    accountLevelRoles: z
      .array(z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'))
      .default(['OrganizationAccountAccessRole']),
    shareErrors: shareErrorsSchema.prefault({}),
    quotas: quotasSchema.prefault({}),
  })
  .strict();

export const knobsSectionSchema = knobsSchema.nullish().transform((knobs) => knobs ?? knobsSchema.parse({}));

export type Knobs = z.output<typeof knobsSchema>;
/** What `setKnobs` takes: any subset, nested sections merged member by member. */
export type KnobsPatch = Partial<Omit<Knobs, 'shareErrors' | 'quotas'>> & {
  shareErrors?: Partial<Knobs['shareErrors']>;
  quotas?: Partial<Knobs['quotas']>;
};

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

export function parseFixture(section: unknown): FixturePortfolio[] {
  const result = fixtureSchema.safeParse(section);
  if (!result.success) {
    throw new ServiceCatalogConfigError(`Invalid serviceCatalog fixture section: ${describeIssues(result.error)}`);
  }
  return result.data;
}

export function parseKnobs(section: unknown): Knobs {
  const result = knobsSectionSchema.safeParse(section);
  if (!result.success) {
    throw new ServiceCatalogConfigError(`Invalid simulation.serviceCatalog knobs: ${describeIssues(result.error)}`);
  }
  return result.data;
}

export function mergeKnobs(current: Knobs, patch: KnobsPatch): Knobs {
  return parseKnobs({
    ...current,
    ...patch,
    shareErrors: { ...current.shareErrors, ...patch.shareErrors },
    quotas: { ...current.quotas, ...patch.quotas },
  });
}
