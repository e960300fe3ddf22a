/**
 * AWS Service Catalog for the local AWS endpoint (JSON 1.1, target prefix `AWS242ServiceCatalogService`).
 *
 * Its fixture section (`serviceCatalog:`, the portfolios) and its knobs (`simulation.serviceCatalog`)
 * are documented in the package README ("The fixture file", "Knobs"); config.ts holds their schemas.
 *
 * Accounts that fail inside ShareErrors do not get the portfolio until a later share action reaches
 * them (the same share created again, or an organization share of node type ACCOUNT).
 */
import {
  AwsServiceError,
  type OrganizationView,
  type Random,
  type RequestContext,
  type ServiceModule,
  type SimulationClock,
} from '../contract.js';
import { unknownOperationError } from '../errors.js';
import { ComparedRecords } from '../persistence/records.js';
import type { PersistedPart } from '../persistence/store.js';
import { identityRandom } from '../random.js';
import { type AccessStatus, accessOperations, accessStatus, syncShareMembership } from './access.js';
import { type Knobs, type KnobsPatch, mergeKnobs, parseFixture, parseKnobs } from './config.js';
import { invalidParameters } from './errors.js';
import { createIdGenerator } from './ids.js';
import { operationModels } from './model.js';
import { principalRecords, restoreServiceCatalog, serviceCatalogRecords } from './persisted.js';
import { loadFixture, portfolioOperations } from './portfolios.js';
import { principalOperations } from './principals.js';
import { provisioningOperations } from './provisioning.js';
import { accountsWithAccess, removeDelegatedAdministratorShares, settleShareActions, shareOperations } from './shares.js';
import { type OperationTable, type Scope, SERVICE_PRINCIPAL, ServiceCatalogState } from './state.js';
import { validateInput } from './validation.js';

export type { AccessStatus } from './access.js';
export type { Knobs as ServiceCatalogKnobs, KnobsPatch as ServiceCatalogKnobsPatch } from './config.js';
export { ServiceCatalogConfigError } from './errors.js';

export const SERVICE_CATALOG_TARGET = 'AWS242ServiceCatalogService';

export interface ServiceCatalogModuleOptions {
  organization: OrganizationView;
  clock: SimulationClock;
  /** What the simulation decides (which accounts a share throttles): seeded, so that a seed replays it. */
  random: Random;
  /** Where ids and share tokens are drawn; unseeded (identityRandom) unless given, so unique across runs. */
  idRandom?: Random;
  /** The fixture file's `serviceCatalog:` section. */
  fixture: unknown;
  /** The `simulation.serviceCatalog` section. */
  knobs: unknown;
  /** Records of a persisted state: the catalog continues from them instead of the fixture. */
  restore?: Map<string, unknown>;
}

export interface ShareErrorInjection {
  accounts: string[];
  /** The ShareErrors `Error` reported for these accounts; ThrottlingException unless given. */
  error?: string;
  message?: string;
  /** How many share actions reaching each account fail; 1 unless given. */
  attempts?: number;
}

export interface ServiceCatalogStats {
  /** Calls per operation, failed ones included. */
  calls: Record<string, number>;
  /** Errors per operation and error code. */
  errors: Record<string, Record<string, number>>;
}

export interface ServiceCatalogModule extends ServiceModule {
  readonly knobs: Knobs;
  /** Changes knobs for calls from now on; nested sections merge member by member. */
  setKnobs(patch: KnobsPatch): Knobs;
  /** Makes the next share actions reaching these accounts report them in ShareErrors. */
  injectShareErrors(injection: ShareErrorInjection): void;
  clearShareErrors(): void;
  /** A copy of the per-operation counters. */
  readonly stats: ServiceCatalogStats;
  resetStats(): void;
  /** Accounts (owner excluded) that can use the portfolio now, by any kind of share. */
  accountsWithAccess(portfolioId: string): string[];
  accessStatus(): AccessStatus;
  /** Who owns a portfolio or product (IAM evaluates calls on their ARNs). */
  portfolioOwner(portfolioId: string): string | undefined;
  productOwner(productId: string): string | undefined;
  /** Commits the catalog to a state store from now on. */
  persistedPart(attach: (part: PersistedPart) => () => void): void;
}

/** Operations that only read: their answers follow from the state and the time, so they change nothing a restart must keep. */
const READ_ONLY = /^(Describe|List|Get|Search|Scan)/;

const ACCEPT_LANGUAGES = new Set(['en', 'jp', 'zh']);

function refusesLanguage(operationName: string): boolean {
  return operationModels[operationName]?.errors.includes('InvalidParametersException') ?? false;
}

const OPERATIONS: OperationTable = {
  ...portfolioOperations,
  ...shareOperations,
  ...accessOperations,
  ...principalOperations,
  ...provisioningOperations,
};

/** Drops undefined members so that the output is the plain JSON AWS would send. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) result[key] = compact(member);
    }
    return result;
  }
  return value;
}

export function createServiceCatalogModule(options: ServiceCatalogModuleOptions): ServiceCatalogModule {
  const { organization: org, clock, random } = options;
  let knobs = parseKnobs(options.knobs);
  const state = new ServiceCatalogState();
  const ids = createIdGenerator(options.idRandom ?? identityRandom());
  loadFixture(state, ids, org, parseFixture(options.fixture), Math.floor(clock.now()));
  if (options.restore && options.restore.size > 0) restoreServiceCatalog(state, ids, options.restore);
  const records = new ComparedRecords((committed) => serviceCatalogRecords(state, committed));
  const principals = principalRecords(state);
  org.onDelegatedAdministratorRemoved((accountId, servicePrincipal) => {
    if (servicePrincipal === SERVICE_PRINCIPAL) removeDelegatedAdministratorShares(state, accountId);
  });
  let stats: ServiceCatalogStats = { calls: {}, errors: {} };

  function scopeFor(context: RequestContext): Scope {
    // Whole milliseconds: AWS timestamps carry at most millisecond precision.
    const scope: Scope = { state, org, knobs, ids, random, caller: context.caller, region: context.region, now: Math.floor(clock.now()) };
    settleShareActions(scope);
    syncShareMembership(scope);
    return scope;
  }

  /** A scope for the programmatic API, acting as the management account's root. */
  function internalScope(): Scope {
    const accountId = org.managementAccountId;
    return scopeFor({
      caller: { accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: 'internal' },
      region: 'us-east-1',
      requestId: 'internal',
    });
  }

  function countError(operationName: string, code: string): void {
    stats.errors[operationName] ??= {};
    const perOperation = stats.errors[operationName];
    perOperation[code] = (perOperation[code] ?? 0) + 1;
  }

  return {
    target: SERVICE_CATALOG_TARGET,

    async handle(operationName, input, context) {
      stats.calls[operationName] = (stats.calls[operationName] ?? 0) + 1;
      // Reads settle share actions too, but settling again after a restart gives the same state.
      if (!READ_ONLY.test(operationName)) records.touch();
      try {
        const handler = OPERATIONS[operationName];
        if (!handler) throw unknownOperationError(operationName);
        validateInput(operationName, input);
        const language = input.AcceptLanguage;
        // Only where the model lets the operation answer InvalidParametersException; others ignore the language.
        if (typeof language === 'string' && language !== '' && !ACCEPT_LANGUAGES.has(language) && refusesLanguage(operationName)) {
          throw invalidParameters(`AcceptLanguage ${language} is not supported; use en, jp or zh.`);
        }
        return compact(handler(input, scopeFor(context)));
      } catch (error) {
        if (error instanceof AwsServiceError) countError(operationName, error.code);
        throw error;
      }
    },

    get knobs() {
      return knobs;
    },

    setKnobs(patch) {
      const previous = knobs.shareErrors.throttleAccounts.join(',');
      knobs = mergeKnobs(knobs, patch);
      if (knobs.shareErrors.throttleAccounts.join(',') !== previous) state.knobThrottlesUsed.clear();
      records.touch();
      return knobs;
    },

    injectShareErrors(injection) {
      for (const accountId of injection.accounts) {
        state.injectedShareErrors.set(accountId, {
          error: injection.error ?? 'ThrottlingException',
          message: injection.message ?? 'Rate exceeded',
          remaining: injection.attempts ?? 1,
        });
      }
      records.touch();
    },

    clearShareErrors() {
      state.injectedShareErrors.clear();
      records.touch();
    },

    get stats() {
      return structuredClone(stats);
    },

    resetStats() {
      stats = { calls: {}, errors: {} };
    },

    accountsWithAccess(portfolioId) {
      return accountsWithAccess(internalScope(), portfolioId);
    },

    accessStatus() {
      return accessStatus(internalScope());
    },

    portfolioOwner(portfolioId) {
      return state.portfolios.get(portfolioId)?.ownerAccountId;
    },

    productOwner(productId) {
      return state.products.get(productId)?.ownerAccountId;
    },

    persistedPart(attach) {
      records.part('servicecatalog', attach);
      principals.part('servicecatalog:principals', attach);
    },
  };
}
