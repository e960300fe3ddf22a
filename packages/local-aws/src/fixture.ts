// The fixture file: the organization the local endpoint starts with, its accounts' roles and access
// keys, the event buses, the Service Catalog section (passed through to that module untouched) and
// the simulation knobs. Validated with zod; errors name the offending path. The format is documented
// in the package README.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MANAGEMENT_TEST_ACCESS_KEY } from './identity.js';

export const DEMO_FIXTURE_PATH = fileURLToPath(new URL('../fixtures/demo-organization.yml', import.meta.url));
export const DEFAULT_PROJECT_EVENT_BUS = 'portfolio-share-orchestrator';

export class FixtureError extends Error {
  override name = 'FixtureError';
}

const ACCOUNT_ID = /^\d{12}$/;
const NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const SELECTOR = /^(\*|[a-z0-9-]+:(\*|[A-Za-z0-9]+))$/;

const accountId = z.string().regex(ACCOUNT_ID, 'must be a 12-digit account id (quote it in YAML)');
const roleName = z.string().regex(NAME_PATTERN, 'must be an IAM role name');
const servicePrincipal = z.string().regex(/^[\w+=,.@-]+$/, 'must be a service principal such as servicecatalog.amazonaws.com');

const policyDocument = z.looseObject({ Version: z.string().optional(), Statement: z.unknown() });
const managedPolicyArn = z.string().regex(/^arn:aws:iam::aws:policy\/[\w+=,.@/-]+$/, 'must be an AWS managed policy ARN');

/** IAM permissions: inline documents and AWS managed policies by ARN. */
const permissions = {
  policies: z.array(z.object({ name: z.string().min(1).max(128), document: policyDocument }).strict()).optional(),
  managedPolicyArns: z.array(managedPolicyArn).optional(),
};

const accessKeySchema = z
  .object({
    accessKeyId: z.string().regex(/^[\w]{1,128}$/, 'must be letters, digits or _'),
    secretAccessKey: z.string().min(1),
    /** An IAM user of the account; without it the key is the account root's. */
    user: z.string().regex(NAME_PATTERN, 'must be an IAM user name').optional(),
    /** The user's permissions; AdministratorAccess when neither is given. Only for IAM users. */
    ...permissions,
  })
  .strict()
  .refine((key) => key.user !== undefined || (key.policies === undefined && key.managedPolicyArns === undefined), {
    message: 'policies are for IAM users (set user); the root user may do anything in its account',
  });

/** A role by name (trusted by its account, AdministratorAccess), or with its documents. */
const roleSchema = z.union([
  z.string().regex(NAME_PATTERN, 'must be an IAM role name'),
  z
    .object({
      name: z.string().regex(NAME_PATTERN, 'must be an IAM role name'),
      /** The trust policy; the account's root by default. */
      trustPolicy: policyDocument.optional(),
      ...permissions,
    })
    .strict(),
]);

const accountSchema = z
  .object({
    id: accountId,
    name: z.string().regex(/^[\u0020-\u007E]{1,50}$/, 'must be 1–50 printable ASCII characters'),
    email: z
      .string()
      .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
      .min(6)
      .max(64),
    /** IAM roles that exist in the account (e.g. PortfolioShareMemberRole). */
    roles: z.array(roleSchema).default([]),
    accessKeys: z.array(accessKeySchema).default([]),
    joinedMethod: z.enum(['CREATED', 'INVITED']).default('CREATED'),
    /**
     * The account has what AWS requires of a standalone account (payment method, verified phone,
     * support plan), so it may leave the organization. Accounts made by CreateAccount lack it.
     */
    standaloneInformation: z.boolean().default(true),
  })
  .strict();

export type FixtureAccount = z.infer<typeof accountSchema>;
export type FixtureRole = z.infer<typeof roleSchema>;
export type FixturePermissions = { policies?: { name: string; document: Record<string, unknown> }[]; managedPolicyArns?: string[] };

export interface FixtureOrganizationalUnit {
  name: string;
  id?: string | undefined;
  accounts: FixtureAccount[];
  organizationalUnits: FixtureOrganizationalUnit[];
}

const organizationalUnitSchema: z.ZodType<FixtureOrganizationalUnit, unknown> = z.lazy(() =>
  z
    .object({
      name: z.string().min(1).max(128),
      id: z
        .string()
        .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must look like ou-ab12-cdef3456')
        .optional(),
      accounts: z.array(accountSchema).default([]),
      organizationalUnits: z.array(organizationalUnitSchema).default([]),
    })
    .strict(),
);

const latencySchema = z.union([
  z.number().nonnegative(),
  z.object({ minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }).strict(),
]);
const throttleSchema = z.union([
  z.object({ ratePerSecond: z.number().nonnegative(), burst: z.number().min(1) }).strict(),
  z.object({ fraction: z.number().min(0).max(1) }).strict(),
]);
const faultSchema = z.object({ rate: z.number().min(0).max(1) }).strict();
const selector = z.string().regex(SELECTOR, 'must be "*", "<service>:*" or "<service>:<Operation>"');

const simulationSchema = z
  .object({
    /** Seeds every generated id, latency jitter and fault draw. */
    seed: z.number().int().default(1),
    /** Simulated time runs this many times faster than real time. */
    timeScale: z.number().positive().default(1),
    /** Simulated time at start (ISO 8601); the real time by default. */
    startTime: z.iso.datetime().optional(),
    /** Simulated seconds a CreateAccount request stays IN_PROGRESS. */
    createAccountSeconds: z.number().nonnegative().default(60),
    /** Roles every account that joins (created or invited) gets after a simulated delay, as a StackSet would deploy them. */
    memberRoles: z
      .object({ roles: z.array(roleName).min(1), delaySeconds: z.number().nonnegative().default(0) })
      .strict()
      .optional(),
    latency: z.record(selector, latencySchema).default({}),
    throttling: z.record(selector, throttleSchema).default({}),
    faults: z.record(selector, faultSchema).default({}),
    duplicateEventRate: z.number().min(0).max(1).default(0),
    /** Passed untouched to the Service Catalog module. */
    serviceCatalog: z.unknown().optional(),
  })
  .strict();

export const fixtureSchema = z
  .object({
    organization: z
      .object({
        id: z
          .string()
          .regex(/^o-[a-z0-9]{10,32}$/, 'must look like o-a1b2c3d4e5')
          .optional(),
        rootId: z
          .string()
          .regex(/^r-[0-9a-z]{4,32}$/, 'must look like r-ab12')
          .optional(),
        featureSet: z.enum(['ALL', 'CONSOLIDATED_BILLING']).default('ALL'),
        managementAccount: accountSchema,
        /** Accounts directly under the root. */
        accounts: z.array(accountSchema).default([]),
        organizationalUnits: z.array(organizationalUnitSchema).default([]),
        enabledServicePrincipals: z.array(servicePrincipal).default([]),
        delegatedAdministrators: z.array(z.object({ accountId, servicePrincipal }).strict()).default([]),
      })
      .strict(),
    /** Accounts outside the organization (recipients of account shares, invitees). */
    standaloneAccounts: z.array(accountSchema).default([]),
    /** Custom event buses created in the management account (us-east-1). */
    eventBuses: z.array(z.string().regex(/^[.\-_A-Za-z0-9]{1,256}$/)).default([DEFAULT_PROJECT_EVENT_BUS]),
    /** Passed untouched to the Service Catalog module. */
    serviceCatalog: z.unknown().optional(),
    simulation: simulationSchema.prefault({}),
  })
  .strict();

export type Fixture = z.infer<typeof fixtureSchema>;
export type FixtureSimulation = Fixture['simulation'];

/** Validates a fixture object (e.g. parsed YAML, or one built by a test). */
export function parseFixture(value: unknown, source = 'fixture'): Fixture {
  const result = fixtureSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new FixtureError(`Invalid ${source}:\n${problems.join('\n')}`);
  }
  checkConsistency(result.data, source);
  return result.data;
}

export async function loadFixture(path: string): Promise<Fixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FixtureError(`Cannot read fixture ${path}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new FixtureError(`Fixture ${path} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return parseFixture(value, `fixture ${path}`);
}

/** Every account of the fixture: management, members (root, then OUs depth-first), then standalone ones. */
export function fixtureAccounts(fixture: Fixture): FixtureAccount[] {
  const accounts: FixtureAccount[] = [fixture.organization.managementAccount, ...fixture.organization.accounts];
  const visit = (units: FixtureOrganizationalUnit[]) => {
    for (const unit of units) {
      accounts.push(...unit.accounts);
      visit(unit.organizationalUnits);
    }
  };
  visit(fixture.organization.organizationalUnits);
  return [...accounts, ...fixture.standaloneAccounts];
}

function checkConsistency(fixture: Fixture, source: string): void {
  const problems: string[] = [];
  const accounts = fixtureAccounts(fixture);
  const seenAccounts = new Set<string>();
  const seenKeys = new Set<string>([MANAGEMENT_TEST_ACCESS_KEY]);
  for (const account of accounts) {
    if (seenAccounts.has(account.id)) problems.push(`account ${account.id} appears more than once`);
    seenAccounts.add(account.id);
    if (account.joinedMethod === 'INVITED' && !account.standaloneInformation)
      problems.push(`account ${account.id} joined by invitation, so it was standalone before: it cannot lack standaloneInformation`);
    for (const key of account.accessKeys) {
      if (seenKeys.has(key.accessKeyId))
        problems.push(`access key ${key.accessKeyId} is used more than once (the key "test" is reserved for the management account)`);
      seenKeys.add(key.accessKeyId);
    }
  }
  const standalone = new Set(fixture.standaloneAccounts.map((account) => account.id));
  for (const admin of fixture.organization.delegatedAdministrators) {
    if (!seenAccounts.has(admin.accountId) || standalone.has(admin.accountId))
      problems.push(`delegated administrator ${admin.accountId} is not a member account`);
    if (admin.accountId === fixture.organization.managementAccount.id)
      problems.push('the management account cannot be a delegated administrator');
  }
  const ouIds = new Set<string>();
  const visit = (units: FixtureOrganizationalUnit[], depth: number) => {
    if (units.length > 0 && depth > 5) problems.push('organizational units nest at most 5 levels deep');
    for (const unit of units) {
      if (unit.id && ouIds.has(unit.id)) problems.push(`organizational unit id ${unit.id} appears more than once`);
      if (unit.id) ouIds.add(unit.id);
      const rootSuffix = fixture.organization.rootId?.slice(2);
      if (unit.id && rootSuffix && unit.id.split('-')[1] !== rootSuffix)
        problems.push(`organizational unit id ${unit.id} must carry the root's suffix (ou-${rootSuffix}-…)`);
      visit(unit.organizationalUnits, depth + 1);
    }
  };
  visit(fixture.organization.organizationalUnits, 1);
  if (problems.length > 0) throw new FixtureError(`Invalid ${source}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
}
