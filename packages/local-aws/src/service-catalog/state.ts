// The Service Catalog data held by the local endpoint, and the per-call scope handlers work in.
// Times are simulated milliseconds (SimulationClock.now()); AWS-facing outputs turn them into epoch seconds.
import type { Caller, OrganizationNodeType, OrganizationView, Random } from '../contract.js';
import type { Knobs } from './config.js';
import type { IdGenerator } from './ids.js';

export const SERVICE_PRINCIPAL = 'servicecatalog.amazonaws.com';

export type PrincipalType = 'IAM' | 'IAM_PATTERN';

export interface Tag {
  Key: string;
  Value: string;
}

export interface TagOption {
  id: string;
  key: string;
  value: string;
  active: boolean;
}

/** A share to one account by id: the recipient must accept it. */
export interface AccountShare {
  accountId: string;
  accepted: boolean;
  shareTagOptions: boolean;
  createdAt: number;
}

/** A share to an organization node; recipients are derived from the organization at the time of each call. */
export interface OrgShare {
  nodeType: OrganizationNodeType;
  nodeId: string;
  shareTagOptions: boolean;
  sharePrincipals: boolean;
  createdAt: number;
  /** When the creating share action completes; recipients see nothing before. */
  activeAt: number;
  /** The action that creates the share: accounts it has reached already see the portfolio before it completes. */
  creatingToken?: string;
  /** The latest action that shares it again: failed accounts it has reached see the portfolio. */
  resharingToken?: string;
  /** The action that deletes the share: accounts it has reached no longer see the portfolio. */
  deletingToken?: string;
  /** Accounts whose share failed (e.g. throttled); they stay without access until a later action reaches them. */
  failed: Set<string>;
  /** Set while Service Catalog's Organizations access is off: AWS then stops syncing shares with the organization. */
  frozenMembers?: Set<string>;
}

export interface Portfolio {
  id: string;
  ownerAccountId: string;
  displayName: string;
  description?: string;
  providerName: string;
  createdAt: number;
  tags: Tag[];
  tagOptions: TagOption[];
  productIds: Set<string>;
  /** Principal associations per account: the owner's, and recipients' own associations on the imported portfolio. */
  principals: Map<string, Map<string, PrincipalType>>;
  accountShares: Map<string, AccountShare>;
  orgShares: Map<string, OrgShare>;
  /** Recipient accounts that rejected the organization import. */
  orgRejections: Set<string>;
  /** End of the latest organization-node share action: until then other share actions are refused. */
  busyUntil: number;
}

export interface ProvisioningArtifact {
  id: string;
  name?: string;
  description?: string;
  type: string;
  createdAt: number;
}

export interface Product {
  id: string;
  viewId: string;
  ownerAccountId: string;
  name: string;
  owner: string;
  description?: string;
  distributor?: string;
  supportDescription?: string;
  supportEmail?: string;
  supportUrl?: string;
  type: string;
  createdAt: number;
  tags: Tag[];
  artifacts: ProvisioningArtifact[];
}

export type ShareActionKind = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AccountOutcome {
  accountId: string;
  error?: string;
  message?: string;
}

/** One asynchronous organization-node share action, identified by its PortfolioShareToken. */
export interface ShareAction {
  token: string;
  portfolioId: string;
  kind: ShareActionKind;
  nodeType: OrganizationNodeType;
  nodeId: string;
  createdAt: number;
  /** Before this the token is unknown to DescribePortfolioShareStatus. */
  visibleAt: number;
  startAt: number;
  completesAt: number;
  /** Decided when the action starts, revealed as simulated time passes, in this order. */
  outcomes: AccountOutcome[];
  /** Account → its index in `outcomes`. */
  order: Map<string, number>;
  update?: { shareTagOptions?: boolean; sharePrincipals?: boolean };
}

export interface ProvisionedProduct {
  id: string;
  name: string;
  accountId: string;
  ownerArn: string;
  ownerSessionArn: string;
  createdAt: number;
  availableAt: number;
  productId: string;
  artifactId: string;
  pathId?: string;
  provisioningRecordId: string;
  lastRecordId: string;
  launchRoleArn?: string;
  idempotencyToken: string;
  tags: Tag[];
}

export type RecordType = 'PROVISION_PRODUCT' | 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES';

export interface RecordEntry {
  id: string;
  type: RecordType;
  accountId: string;
  provisionedProductId: string;
  provisionedProductName: string;
  productId: string;
  artifactId: string;
  pathId?: string;
  createdAt: number;
  completesAt: number;
  /** Who made the request. */
  userArn: string;
  /**
   * Who owned the provisioned product when the record was written (both owners for an OWNER change):
   * they keep seeing the record in ListRecordHistory after the product changes hands.
   */
  ownerArns: string[];
  launchRoleArn?: string;
  tags: Tag[];
}

export interface InjectedShareError {
  error: string;
  message: string;
  remaining: number;
}

export class ServiceCatalogState {
  readonly portfolios = new Map<string, Portfolio>();
  readonly products = new Map<string, Product>();
  readonly shareActions = new Map<string, ShareAction>();
  readonly unsettledActions: ShareAction[] = [];
  readonly provisionedProducts = new Map<string, ProvisionedProduct>();
  readonly records = new Map<string, RecordEntry>();
  /** `<operation>:<account>:<token>` → id of what the first call created. */
  readonly idempotency = new Map<string, string>();
  /** Share errors injected through the programmatic API, consumed one per share action reaching the account. */
  readonly injectedShareErrors = new Map<string, InjectedShareError>();
  /** How many share actions each `throttleAccounts` knob account has failed so far. */
  readonly knobThrottlesUsed = new Map<string, number>();
  accessChangeUntil = 0;
  /**
   * Called when the principals an account associated with a portfolio change: a persisted state
   * commits those one by one, as they grow with every recipient account.
   */
  principalsChanged: (portfolioId: string, accountId: string) => void = () => undefined;
}

/** Everything a handler needs for one call; `now` is read once so a call sees one instant. */
export interface Scope {
  readonly state: ServiceCatalogState;
  readonly org: OrganizationView;
  readonly knobs: Knobs;
  readonly ids: IdGenerator;
  readonly random: Random;
  readonly caller: Caller;
  readonly region: string;
  readonly now: number;
}

export const toEpochSeconds = (ms: number): number => ms / 1000;

export type Handler = (input: Record<string, unknown>, scope: Scope) => unknown;
export type OperationTable = Record<string, Handler>;

/** Types a handler's input; the caller has validated it against the model first. */
export function operation<I>(handler: (input: I, scope: Scope) => unknown): Handler {
  return (input, scope) => handler(input as I, scope);
}
