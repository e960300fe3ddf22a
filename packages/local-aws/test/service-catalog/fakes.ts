// Test doubles for the endpoint seams: a small mutable organization, a manual clock and a seeded
// random source, plus a caller helper that invokes the module as a given identity.
import type {
  Caller,
  DelegatedAdministratorRemovedListener,
  OrganizationNodeType,
  OrganizationView,
  SimulationClock,
} from '../../src/contract.js';
import { AwsServiceError } from '../../src/contract.js';
import { createServiceCatalogModule, type ServiceCatalogModule } from '../../src/service-catalog/index.js';
import { operationModels } from '../../src/service-catalog/model.js';

/** Errors every AWS JSON service may answer, whatever the operation's model lists. */
const FRAMEWORK_ERRORS = new Set(['ValidationException', 'SerializationException', 'AccessDeniedException', 'UnknownOperationException']);

/** Every error the module raises must be one the operation's model (or the framework) names: SDKs map nothing else. */
function assertModelledError(operation: string, error: unknown): void {
  if (!(error instanceof AwsServiceError)) throw new Error(`${operation} failed with a non-AWS error`, { cause: error });
  const modelled = operationModels[operation]?.errors ?? [];
  if (!FRAMEWORK_ERRORS.has(error.code) && !modelled.includes(error.code)) {
    throw new Error(`${operation} raised ${error.code}, which its model does not list (${modelled.join(', ')})`, { cause: error });
  }
}

export const ORG_ID = 'o-exampleorg1';
export const ROOT_ID = 'r-ab12';
export const MANAGEMENT = '111111111111';
export const DELEGATED_ADMIN = '222222222222';
export const OU_WORKLOADS = 'ou-ab12-workload';
export const OU_PROD = 'ou-ab12-prod0001';
export const OU_SANDBOX = 'ou-ab12-sandbox1';
export const MEMBER_A = '333333333333';
export const MEMBER_B = '444444444444';
export const MEMBER_C = '555555555555';
export const EXTERNAL = '999999999999';

export class FakeOrganization implements OrganizationView {
  readonly organizationId = ORG_ID;
  readonly managementAccountId = MANAGEMENT;
  readonly rootId = ROOT_ID;
  /** Node id → parent id, for OUs and accounts. */
  private readonly parents = new Map<string, string>();
  private readonly serviceAccess = new Set<string>();
  private readonly delegatedAdmins = new Set<string>();
  private readonly delegationListeners = new Set<DelegatedAdministratorRemovedListener>();

  constructor() {
    this.parents.set(MANAGEMENT, ROOT_ID);
    this.parents.set(DELEGATED_ADMIN, ROOT_ID);
    this.parents.set(OU_WORKLOADS, ROOT_ID);
    this.parents.set(OU_PROD, OU_WORKLOADS);
    this.parents.set(OU_SANDBOX, ROOT_ID);
    this.parents.set(MEMBER_A, OU_PROD);
    this.parents.set(MEMBER_B, OU_WORKLOADS);
    this.parents.set(MEMBER_C, OU_SANDBOX);
  }

  private isAccount(id: string): boolean {
    return /^\d{12}$/.test(id);
  }

  hasAccount(accountId: string): boolean {
    return this.isAccount(accountId) && this.parents.has(accountId);
  }

  pathOf(accountId: string): string[] {
    const path: string[] = [];
    let node = this.parents.get(accountId);
    while (node) {
      path.unshift(node);
      node = this.parents.get(node);
    }
    return path;
  }

  accountsUnder(nodeId: string): string[] {
    const accounts = [...this.parents.keys()].filter((id) => this.isAccount(id));
    if (nodeId === ORG_ID || nodeId === ROOT_ID) return accounts;
    if (this.isAccount(nodeId)) return this.hasAccount(nodeId) ? [nodeId] : [];
    return accounts.filter((id) => this.pathOf(id).includes(nodeId));
  }

  nodeExists(type: OrganizationNodeType, id: string): boolean {
    if (type === 'ORGANIZATION') return id === ORG_ID;
    if (type === 'ACCOUNT') return this.hasAccount(id);
    return id.startsWith('ou-') && this.parents.has(id);
  }

  isServiceAccessEnabled(servicePrincipal: string): boolean {
    return this.serviceAccess.has(servicePrincipal);
  }

  setServiceAccess(servicePrincipal: string, enabled: boolean): void {
    if (enabled) this.serviceAccess.add(servicePrincipal);
    else this.serviceAccess.delete(servicePrincipal);
  }

  isDelegatedAdministrator(accountId: string, servicePrincipal: string): boolean {
    return servicePrincipal === 'servicecatalog.amazonaws.com' && this.delegatedAdmins.has(accountId);
  }

  registerDelegatedAdministrator(accountId: string): void {
    this.delegatedAdmins.add(accountId);
  }

  deregisterDelegatedAdministrator(accountId: string): void {
    if (!this.delegatedAdmins.delete(accountId)) return;
    for (const listener of this.delegationListeners) listener(accountId, 'servicecatalog.amazonaws.com');
  }

  onDelegatedAdministratorRemoved(listener: DelegatedAdministratorRemovedListener): () => void {
    this.delegationListeners.add(listener);
    return () => this.delegationListeners.delete(listener);
  }

  addAccount(accountId: string, parentId: string): void {
    this.parents.set(accountId, parentId);
  }

  moveAccount(accountId: string, parentId: string): void {
    this.parents.set(accountId, parentId);
  }

  removeAccount(accountId: string): void {
    this.parents.delete(accountId);
  }
}

export class ManualClock implements SimulationClock {
  readonly scale = 1;
  constructor(private current = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** mulberry32: small, seeded, repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rootCaller(accountId: string): Caller {
  return { accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: `AKIA${accountId}` };
}

export function roleCaller(accountId: string, role: string, session = 'session'): Caller {
  return {
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`,
    userId: `AROA${accountId}:${session}`,
    accessKeyId: `ASIA${accountId}`,
  };
}

export type Call = (operation: string, input?: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface Harness {
  org: FakeOrganization;
  clock: ManualClock;
  sc: ServiceCatalogModule;
  as(caller: Caller | string): Call;
  mgmt: Call;
}

/** Fast knobs so that tests step simulated time in small, readable amounts. */
export const TEST_KNOBS = {
  tokenVisibilityDelayMs: 100,
  shareStartDelayMs: 100,
  sharePropagationBaseMs: 1000,
  sharePropagationPerAccountMs: 100,
  accessChangeMs: 500,
  provisioningMs: 1000,
  recordCompletionMs: 200,
};

export function createHarness(options: { fixture?: unknown; knobs?: Record<string, unknown>; accessEnabled?: boolean } = {}): Harness {
  const org = new FakeOrganization();
  if (options.accessEnabled ?? true) org.setServiceAccess('servicecatalog.amazonaws.com', true);
  const clock = new ManualClock();
  const sc = createServiceCatalogModule({
    organization: org,
    clock,
    random: seededRandom(42),
    fixture: options.fixture ?? [],
    knobs: { ...TEST_KNOBS, ...options.knobs },
  });
  const as = (caller: Caller | string): Call => {
    const identity = typeof caller === 'string' ? rootCaller(caller) : caller;
    return async (operation, input = {}) => {
      try {
        return (await sc.handle(operation, input, { caller: identity, region: 'us-east-1', requestId: 'test' })) as Record<string, unknown>;
      } catch (error) {
        assertModelledError(operation, error);
        throw error;
      }
    };
  };
  return { org, clock, sc, as, mgmt: as(MANAGEMENT) };
}

let tokenCounter = 0;
export function token(): string {
  tokenCounter += 1;
  return `token-${tokenCounter}`;
}

export async function createPortfolio(call: Call, name = 'Networking'): Promise<string> {
  const output = await call('CreatePortfolio', { DisplayName: name, ProviderName: 'Platform', IdempotencyToken: token() });
  return (output.PortfolioDetail as { Id: string }).Id;
}
