// The seams of the local AWS endpoint: what a service module receives and how it fails.
// Service modules (Organizations, Service Catalog, STS, EventBridge, Step Functions) implement
// ServiceModule; the HTTP server decodes the wire protocol, authenticates the caller and encodes
// results and errors exactly as AWS does for that protocol.
import type { PrincipalPolicies } from './iam/policies.js';

/** The authenticated caller, decided by the SigV4 access key. */
export interface Caller {
  accountId: string;
  /** `arn:aws:iam::<acct>:root`, `arn:aws:iam::<acct>:user/<name>` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>` */
  arn: string;
  userId: string;
  accessKeyId: string;
}

export interface RequestContext {
  caller: Caller;
  region: string;
  requestId: string;
  /** The caller's policies as IAM evaluates them (for services that authorize inside an operation, as STS does). */
  policies?: PrincipalPolicies;
}

/** An error as AWS reports it: `code` is the model's error shape name (e.g. `InvalidStateException`). */
export class AwsServiceError extends Error {
  override name = 'AwsServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export interface ServiceModule {
  /** e.g. `AWS242ServiceCatalogService` (awsJson) or `sts` (awsQuery). */
  readonly target: string;
  /** Returns the output shape (plain JSON). Throws AwsServiceError for modelled errors. */
  handle(operation: string, input: Record<string, unknown>, context: RequestContext): Promise<unknown>;
}

/** An event as EventBridge would deliver it to a rule target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Not part of the AWS envelope: which bus received it (`default` or a custom bus name). */
  eventBusName?: string;
}

/** Simulated time: `now()` is in simulated milliseconds since the epoch and runs `scale` times faster than real time. */
export interface SimulationClock {
  now(): number;
  readonly scale: number;
}

/** A source of randomness in [0, 1): seeded for what a simulation decides, unseeded for identities (random.ts). */
export type Random = () => number;

export type OrganizationNodeType = 'ORGANIZATION' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';

/** What other services need to know of the organization, always as it is at the time of the call. */
export interface OrganizationView {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  /** True for an active member account (the management account included). */
  hasAccount(accountId: string): boolean;
  /** Ids from the root down to the account's parent: `['r-…', 'ou-…', …]`. */
  pathOf(accountId: string): string[];
  /** Active accounts at or below a node: the organization id (`o-…`), a root (`r-…`), an OU (`ou-…`), or an account id. */
  accountsUnder(nodeId: string): string[];
  nodeExists(type: OrganizationNodeType, id: string): boolean;
  isServiceAccessEnabled(servicePrincipal: string): boolean;
  setServiceAccess(servicePrincipal: string, enabled: boolean): void;
  isDelegatedAdministrator(accountId: string, servicePrincipal: string): boolean;
  /**
   * Calls `listener` each time an account stops being a delegated administrator of a service
   * (DeregisterDelegatedAdministrator, or trusted access disabled). Returns the unsubscribe function.
   */
  onDelegatedAdministratorRemoved(listener: DelegatedAdministratorRemovedListener): () => void;
}

export type DelegatedAdministratorRemovedListener = (accountId: string, servicePrincipal: string) => void;

/** Where published events go (CreateAccount/MoveAccount events, PutEvents entries). */
export interface EventSink {
  publish(event: BusEvent): void;
}
