// The local AWS endpoint, assembled: the one place where the fixture, the simulated clock, the knobs,
// the identities and the service modules (Organizations, STS, EventBridge, Service Catalog, and any
// module plugged in later such as Step Functions) are wired together. `startLocalAws` is the single
// way tests, benchmarks, `npm run local:aws` and the local runtime start it.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedClock } from './clock.js';
import type { Random } from './contract.js';
import { DynamoDb, dynamoDbRegistration } from './dynamodb.js';
import { EventLog } from './event-log.js';
import { EventBridge } from './eventbridge.js';
import {
  DEMO_FIXTURE_PATH,
  type Fixture,
  type FixturePermissions,
  type FixtureRole,
  fixtureAccounts,
  loadFixture,
  parseFixture,
} from './fixture.js';
import { serviceCatalogAuthorizations } from './iam/arns.js';
import { IamEvaluator as Evaluator, type IamEvaluator, type IamMode } from './iam/evaluator.js';
import {
  ADMINISTRATOR_ACCESS_ARN,
  accountTrust,
  checkPolicy,
  managedPolicy,
  type NamedPolicy,
  type RoleDocuments,
} from './iam/policies.js';
import { IdentityStore, MANAGEMENT_TEST_ACCESS_KEY } from './identity.js';
import { type KnobSettings, SimulationKnobs } from './knobs.js';
import { GLOBAL_EVENTS_REGION } from './organizations/cloudtrail.js';
import { ControlTowerSimulation } from './organizations/control-tower.js';
import { Organization } from './organizations/organization.js';
import { organizationsRegistration } from './organizations/service.js';
import { type PersistedPart, StateStore } from './persistence/store.js';
import { deriveRandom, identityRandom } from './random.js';
import { type ApiCallListener, LocalAwsServer, type ServiceRegistration } from './server.js';
import { createServiceCatalogModule, type ServiceCatalogModule } from './service-catalog/index.js';
import { ApiCallStats, type ApiStats, formatApiStats } from './stats.js';
import { stsRegistration } from './sts.js';

export const DEFAULT_PORT = 4566;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_REGION = GLOBAL_EVENTS_REGION;

export interface StartLocalAwsOptions {
  /** 4566 by default; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** A fixture object (validated like a fixture file); wins over `fixturePath`. */
  fixture?: unknown;
  /** A fixture YAML file; the demo organization by default. */
  fixturePath?: string;
  /** Overrides `simulation.timeScale` of the fixture. */
  timeScale?: number;
  /** Overrides `simulation.seed` of the fixture. */
  seed?: number;
  /** Merged over the fixture's latency / throttling / faults / duplicateEventRate. */
  knobs?: Partial<KnobSettings>;
  /**
   * A directory for DynamoDB's tables (LevelDB) to outlive the endpoint; in memory when absent, or
   * `<stateDir>/dynamodb` with `stateDir` (which `fresh` empties too).
   */
  dynamodbPath?: string;
  /** Extra service modules, e.g. Step Functions (`awsJson1_0`, target `AWSStepFunctions`). */
  services?: ServiceRegistration[];
  /** IAM enforcement: `enforce` (default) refuses what the caller's policies do not allow, `report` only reports it, `off` skips it. */
  iam?: IamMode;
  /** Called for bugs inside the endpoint (answered to clients as 500); they are also kept in `internalErrors`. */
  onInternalError?: (error: unknown, where: { service: string; operation: string }) => void;
  /**
   * Keeps the endpoint's state in this directory and continues from it when it holds one: what a
   * call was answered for survives a kill of the process. Without it everything is in memory.
   */
  stateDir?: string;
  /** With `stateDir`: deletes the state first, so the endpoint starts from its fixture again. */
  fresh?: boolean;
  /** With `stateDir`: the group-commit window, the earliest a commit follows the previous one (real ms, 10 by default). */
  commitIntervalMs?: number;
  /** With `stateDir`: what opening the state has to say (a torn last journal line dropped). */
  onStateNotice?: (message: string) => void;
}

/** A state directory the endpoint keeps its state in (`stateDir`), for the parts plugged in later. */
export interface LocalAwsState {
  readonly directory: string;
  /** How many times the state was opened before this start: 0 for a new state. */
  readonly generation: number;
  /** True when this start continued from a state on disk. */
  readonly restored: boolean;
  /** The records a part had when the state was read (empty for a new state). */
  recordsOf(part: string): Map<string, unknown>;
  /** Commits a part from now on; returns the function that tells the store the part changed. */
  attach(part: PersistedPart): () => void;
  /** Resolves once everything changed so far is on disk. */
  barrier(): Promise<void>;
  /** Calls `listener` after each commit, once it is on disk. */
  onCommitted(listener: () => void): () => void;
  /** Commits written, their bytes and the real ms they took since start. */
  stats(): { commits: number; bytes: number; ms: number };
  /** Commits what is pending and stops keeping the state: what changes after (a shutdown stopping executions) is not kept. */
  close(): void;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What an AWS SDK v3 client constructor needs to talk to the local endpoint. */
export interface LocalClientConfig {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
}

export interface LocalAws {
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly fixture: Fixture;
  readonly seed: number;
  /** The organization: state, OrganizationView, invitations (`joinByInvitation`), settings. */
  readonly organization: Organization;
  /** Access keys and IAM roles (`createRole` / `deleteRole`, `defineRoleTemplate`). */
  readonly identity: IdentityStore;
  /** The IAM evaluation every call goes through: its mode, `onDenial`, and `authorize` for service-side checks. */
  readonly iam: IamEvaluator;
  /** Every event published (Organizations, Control Tower, accepted PutEvents entries). */
  readonly events: EventLog;
  readonly eventBridge: EventBridge;
  readonly knobs: SimulationKnobs;
  readonly clock: SimulatedClock;
  readonly controlTower: ControlTowerSimulation;
  readonly serviceCatalog: ServiceCatalogModule;
  /** DynamoDB (dynalite), for the tables a stack deploys. */
  readonly dynamoDb: DynamoDb;
  /** The management account's root credentials: `test` / `test`. */
  readonly credentials: AwsCredentials;
  /** Bugs caught inside the endpoint since start. */
  readonly internalErrors: readonly unknown[];
  clientConfig(credentials?: AwsCredentials): LocalClientConfig;
  stats(): ApiStats;
  /** "API calls by operation" as a text table. */
  formatStats(): string;
  resetStats(): void;
  /** Plugs in another service module (e.g. Step Functions) while running. */
  registerService(registration: ServiceRegistration): void;
  /** Observes every handled API call. Returns the unsubscribe function. */
  onCall(listener: ApiCallListener): () => void;
  /** A deterministic random stream of this run's seed, for what a plugged-in module decides (ids are never seeded). */
  random(stream: string): Random;
  /** The state directory, when the endpoint keeps its state (`stateDir`). */
  readonly state: LocalAwsState | undefined;
  /**
   * Drops the answers kept for calls sent with an idempotency key (`x-local-aws-idempotency-key`)
   * under keys starting with `prefix`: an execution's, once it has ended.
   */
  forgetAnswers(prefix: string): void;
  close(): Promise<void>;
}

/**
 * While the endpoint runs, the simulated time is committed at least this often (real ms): a restart
 * continues the clock from the last commit plus this much, so that it never shows a time before
 * one a caller has seen.
 */
const CLOCK_HEARTBEAT_MS = 1_000;

interface ClockRecord {
  simulated: number;
  scale: number;
}

/**
 * The seed of a restarted state's simulation streams (faults, latency, throttling draws): a start
 * that continues a state does not replay the draws of the start before it. (Ids are never seeded.)
 */
function seedOfGeneration(seed: number, generation: number): number {
  return generation === 0 ? seed : (seed ^ Math.imul(generation, 0x9e3779b1)) >>> 0;
}

export async function startLocalAws(options: StartLocalAwsOptions = {}): Promise<LocalAws> {
  const fixture =
    options.fixture !== undefined
      ? parseFixture(options.fixture, 'fixture option')
      : await loadFixture(options.fixturePath ?? DEMO_FIXTURE_PATH);
  const seed = options.seed ?? fixture.simulation.seed;
  const store = options.stateDir
    ? StateStore.open(options.stateDir, {
        fresh: options.fresh ?? false,
        fixtureDigest: createHash('sha256').update(JSON.stringify(fixture)).digest('hex'),
        ...(options.commitIntervalMs !== undefined ? { commitIntervalMs: options.commitIntervalMs } : {}),
        ...(options.onStateNotice ? { onNotice: options.onStateNotice } : {}),
      })
    : undefined;
  const restored = (part: string): Map<string, unknown> | undefined => (store?.restored ? store.recordsOf(part) : undefined);
  // DynamoDB's tables live beside the state, in LevelDB files of their own, and start again with it.
  const dynamodbPath = options.dynamodbPath ?? (options.stateDir ? join(options.stateDir, 'dynamodb') : undefined);
  if (options.stateDir && options.fresh && dynamodbPath) rmSync(dynamodbPath, { recursive: true, force: true });
  const streamSeed = seedOfGeneration(seed, store?.generation ?? 0);
  const savedClock = restored('clock')?.get('clock') as ClockRecord | undefined;
  const internalErrors: unknown[] = [];
  const report = (error: unknown, where: { service: string; operation: string }) => {
    internalErrors.push(error);
    options.onInternalError?.(error, where);
  };

  const clock = new SimulatedClock({
    scale: options.timeScale ?? fixture.simulation.timeScale,
    ...(savedClock
      ? { startTime: savedClock.simulated + CLOCK_HEARTBEAT_MS * savedClock.scale }
      : fixture.simulation.startTime
        ? { startTime: Date.parse(fixture.simulation.startTime) }
        : {}),
    onTaskError: (error) => report(error, { service: 'simulation', operation: 'scheduled task' }),
  });
  const knobs = new SimulationKnobs({
    seed: streamSeed,
    clock,
    settings: {
      latency: fixture.simulation.latency,
      throttling: fixture.simulation.throttling,
      faults: fixture.simulation.faults,
      duplicateEventRate: fixture.simulation.duplicateEventRate,
    },
  });
  if (options.knobs) knobs.apply(options.knobs);
  const events = new EventLog({
    duplicate: () => knobs.duplicateEvent(),
    onListenerError: (error) => report(error, { service: 'events', operation: 'subscriber' }),
  });

  const managementAccountId = fixture.organization.managementAccount.id;
  // Ids, tokens and credentials are drawn unseeded (identityRandom): unique across runs. The seed
  // replays what the simulation decides (the knobs' streams, Service Catalog's share throttling).
  const identity = new IdentityStore({ random: identityRandom(), managementAccountId });
  // The roles AWS itself creates in member accounts trust the management account and administer theirs.
  for (const name of ['OrganizationAccountAccessRole', 'AWSControlTowerExecution'])
    identity.defineRoleTemplate(name, managementTrustedAdministrator(managementAccountId));
  identity.addAccessKey({ accessKeyId: MANAGEMENT_TEST_ACCESS_KEY, secretAccessKey: 'test', accountId: managementAccountId });
  for (const account of fixtureAccounts(fixture)) {
    for (const role of account.roles) createFixtureRole(identity, account.id, managementAccountId, role);
    for (const key of account.accessKeys) {
      identity.addAccessKey({
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        accountId: account.id,
        ...(key.user ? { userName: key.user } : {}),
        ...(key.policies || key.managedPolicyArns ? { policies: fixturePolicies(key, `access key ${key.accessKeyId}`) } : {}),
      });
    }
  }

  const savedIdentity = restored('identity');
  if (savedIdentity) identity.restore(savedIdentity);
  const savedOrganization = restored('organizations');
  const organization = new Organization({
    fixture,
    clock,
    random: identityRandom(),
    sink: events,
    identity,
    ...(savedOrganization ? { restore: savedOrganization } : {}),
  });
  const iam = new Evaluator({
    mode: options.iam ?? 'enforce',
    now: () => clock.now(),
    organizationOf: (accountId) => (organization.hasAccount(accountId) ? organization.organizationId : undefined),
  });
  const eventBridge = new EventBridge({ clock, random: identityRandom(), sink: events });
  for (const bus of fixture.eventBuses) eventBridge.ensureBus(managementAccountId, DEFAULT_REGION, bus);
  const savedBuses = restored('events');
  if (savedBuses) eventBridge.restore(savedBuses);
  const controlTower = new ControlTowerSimulation({
    organization,
    clock,
    random: identityRandom(),
    sink: events,
    identity,
  });
  const serviceCatalog = createServiceCatalogModule({
    organization,
    clock,
    random: deriveRandom(streamSeed, 'servicecatalog'),
    fixture: fixture.serviceCatalog,
    knobs: fixture.simulation.serviceCatalog,
    // The catalog keeps its principal associations in a part of their own (committed as they change).
    ...(store?.restored
      ? { restore: new Map([...store.recordsOf('servicecatalog'), ...store.recordsOf('servicecatalog:principals')]) }
      : {}),
  });

  let state: LocalAwsState | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  if (store) {
    const attach = (part: PersistedPart) => store.attach(part);
    attach({ name: 'clock', changes: () => [['clock', { simulated: clock.now(), scale: clock.scale } satisfies ClockRecord]] });
    identity.persistedPart(attach);
    organization.persistedPart(attach);
    eventBridge.persistedPart(attach);
    serviceCatalog.persistedPart(attach);
    heartbeat = setInterval(() => store.markDirty(), CLOCK_HEARTBEAT_MS);
    heartbeat.unref();
    state = {
      directory: store.directory,
      generation: store.generation,
      restored: store.restored,
      recordsOf: (part) => store.recordsOf(part),
      attach,
      barrier: () => store.barrier(),
      onCommitted: (listener) => store.onCommitted(listener),
      stats: () => store.stats(),
      close: () => {
        clearInterval(heartbeat);
        store.close();
      },
    };
  }

  const stats = new ApiCallStats();
  const server = new LocalAwsServer({
    identity,
    iam,
    knobs,
    clock,
    stats,
    onInternalError: report,
    ...(store ? { durable: () => store.barrier() } : {}),
  });
  if (store) server.persistedPart((part) => store.attach(part), restored('requests'));
  server.register(organizationsRegistration(organization));
  server.register(stsRegistration(identity, iam));
  server.register(eventBridge.registration());
  server.register({
    module: serviceCatalog,
    name: 'servicecatalog',
    protocol: 'awsJson1_1',
    authorizations: (operation, input, context) => serviceCatalogAuthorizations(serviceCatalog, operation, input, context),
  });
  const dynamoDb = new DynamoDb({
    accountId: managementAccountId,
    region: DEFAULT_REGION,
    ...(dynamodbPath ? { path: dynamodbPath } : {}),
  });
  server.register(dynamoDbRegistration(dynamoDb));
  for (const registration of options.services ?? []) server.register(registration);

  let address: { url: string; port: number };
  try {
    address = await server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST);
  } catch (error) {
    clock.close();
    if (heartbeat) clearInterval(heartbeat);
    store?.close();
    await dynamoDb.close();
    throw error;
  }
  const credentials: AwsCredentials = { accessKeyId: MANAGEMENT_TEST_ACCESS_KEY, secretAccessKey: 'test' };

  return {
    url: address.url,
    port: address.port,
    region: DEFAULT_REGION,
    fixture,
    seed,
    organization,
    identity,
    iam,
    events,
    eventBridge,
    knobs,
    clock,
    controlTower,
    serviceCatalog,
    dynamoDb,
    credentials,
    internalErrors,
    clientConfig: (custom = credentials) => ({ endpoint: address.url, region: DEFAULT_REGION, credentials: custom }),
    stats: () => stats.snapshot(),
    formatStats: () => formatApiStats(stats.snapshot()),
    resetStats: () => stats.reset(),
    registerService: (registration) => server.register(registration),
    onCall: (listener) => server.onCall(listener),
    random: (stream) => deriveRandom(streamSeed, `plugin:${stream}`),
    state,
    forgetAnswers: (prefix) => server.forgetAnswers(prefix),
    close: async () => {
      clock.close();
      await server.close();
      if (heartbeat) clearInterval(heartbeat);
      store?.close();
      await dynamoDb.close();
    },
  };
}

function managementTrustedAdministrator(managementAccountId: string): RoleDocuments {
  return { trustPolicy: accountTrust(managementAccountId), policies: [managedPolicy(ADMINISTRATOR_ACCESS_ARN)] };
}

function fixturePolicies(permissions: FixturePermissions, where: string): NamedPolicy[] {
  return [
    ...(permissions.managedPolicyArns ?? []).map(managedPolicy),
    ...(permissions.policies ?? []).map((policy) => ({
      name: policy.name,
      document: checkPolicy(policy.document, 'identity', `${where}, policy ${policy.name}`),
    })),
  ];
}

function createFixtureRole(identity: IdentityStore, accountId: string, managementAccountId: string, role: FixtureRole): void {
  if (typeof role === 'string') {
    identity.createRole(accountId, role);
    return;
  }
  const where = `role ${role.name} of ${accountId}`;
  const given = role.policies || role.managedPolicyArns;
  identity.createRole(accountId, role.name, '/', {
    trustPolicy: role.trustPolicy
      ? checkPolicy(role.trustPolicy, 'trust', `${where}, trust policy`)
      : accountTrust(accountId, managementAccountId),
    policies: given ? fixturePolicies(role, where) : [managedPolicy(ADMINISTRATOR_ACCESS_ARN)],
  });
}
