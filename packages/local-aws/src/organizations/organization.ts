// The organization's state and its life: accounts, OUs, service access, delegated administrators,
// asynchronous account creation, invitations. Changes publish the aws.organizations events AWS
// publishes. It is also the OrganizationView other modules read, always at the time of the call.

import type { SimulatedClock } from '../clock.js';
import {
  AwsServiceError,
  type DelegatedAdministratorRemovedListener,
  type EventSink,
  type OrganizationNodeType,
  type OrganizationView,
  type Random,
} from '../contract.js';
import { AwsServiceErrorWithMembers } from '../errors.js';
import type { Fixture, FixtureAccount, FixtureOrganizationalUnit } from '../fixture.js';
import { ADMINISTRATOR_ACCESS_ARN, accountTrust, managedPolicy } from '../iam/policies.js';
import type { IdentityStore } from '../identity.js';
import { ChangedRecords } from '../persistence/records.js';
import type { PersistedPart } from '../persistence/store.js';
import { BASE32, DIGITS, LOWER_ALPHANUMERIC, randomString, randomUuid } from '../random.js';
import { cloudTrailDate } from '../time-format.js';
import { type Actor, apiCallEvent, serviceEvent } from './cloudtrail.js';

export type JoinedMethod = 'CREATED' | 'INVITED';

export interface AccountRecord {
  id: string;
  name: string;
  email: string;
  joinedMethod: JoinedMethod;
  /** Simulated epoch ms. */
  joinedTimestamp: number;
  /** Root or OU id. */
  parentId: string;
  /** It has what a standalone account needs (payment method, verified phone), so it may leave. */
  standaloneInformation: boolean;
  /** Simulated epoch ms at which CreateAccount made it; fixture accounts are older than any waiting period. */
  createdTimestamp?: number;
}

export interface OrganizationalUnitRecord {
  id: string;
  name: string;
  parentId: string;
}

export type CreateAccountState = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface CreateAccountRequestRecord {
  id: string;
  accountName: string;
  email: string;
  roleName: string;
  state: CreateAccountState;
  requestedTimestamp: number;
  completedTimestamp?: number;
  accountId?: string;
  failureReason?: 'EMAIL_ALREADY_EXISTS';
}

export interface DelegatedAdministratorRecord {
  account: AccountRecord;
  servicePrincipal: string;
  delegationEnabledDate: number;
}

export interface OrganizationSettings {
  /** Simulated seconds a CreateAccount request stays IN_PROGRESS. */
  createAccountSeconds: number;
  /** Roles every account that joins gets after a simulated delay (a StackSet reaching it). */
  memberRoles?: { roles: string[]; delaySeconds: number } | undefined;
}

export interface OrganizationOptions {
  fixture: Fixture;
  clock: SimulatedClock;
  /** Where ids, handshake ids and event ids are drawn (identityRandom on the endpoint: unique across runs). */
  random: Random;
  sink: EventSink;
  identity: IdentityStore;
  /** Records of a persisted state (`persistedPart`): the organization continues from them instead of the fixture. */
  restore?: Map<string, unknown>;
}

/** What the `organization` record keeps besides accounts, OUs and create-account requests. */
interface OrganizationRecord {
  organizationId: string;
  rootId: string;
  settings: OrganizationSettings;
  serviceAccess: Array<[string, number]>;
  delegated: Array<[string, Array<[string, number]>]>;
  outside: Array<{ id: string; name: string; email: string }>;
}

/** Roles a StackSet is yet to create in an account that joined. */
interface PendingMemberRoles {
  roles: string[];
  /** Simulated epoch ms. */
  dueAt: number;
}

export class AccountAlreadyMemberError extends Error {
  override name = 'AccountAlreadyMemberError';
}

export const ORGANIZATIONS_EVENT_SOURCE = 'organizations.amazonaws.com';
export const DEFAULT_ACCOUNT_ACCESS_ROLE = 'OrganizationAccountAccessRole';
const MAX_OU_DEPTH = 5;
/** "You must wait until at least four days after the account was created" before it can leave. */
const CREATED_ACCOUNT_WAIT_MS = 4 * 24 * 60 * 60 * 1000;

type Waiter = (request: CreateAccountRequestRecord) => void;

export class Organization implements OrganizationView {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  readonly #accounts = new Map<string, AccountRecord>();
  /** Accounts known to the endpoint but outside the organization (standalone, or removed). */
  readonly #outside = new Map<string, { id: string; name: string; email: string }>();
  readonly #units = new Map<string, OrganizationalUnitRecord>();
  readonly #serviceAccess = new Map<string, number>();
  readonly #delegated = new Map<string, Map<string, number>>();
  readonly #createRequests = new Map<string, CreateAccountRequestRecord>();
  readonly #createWaiters = new Map<string, Waiter[]>();
  readonly #pendingMemberRoles = new Map<string, PendingMemberRoles>();
  readonly #records: ChangedRecords;
  readonly #delegationListeners = new Set<DelegatedAdministratorRemovedListener>();
  readonly #clock: SimulatedClock;
  readonly #random: Random;
  readonly #sink: EventSink;
  readonly #identity: IdentityStore;
  #settings: OrganizationSettings;

  constructor(options: OrganizationOptions) {
    const { fixture } = options;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#sink = options.sink;
    this.#identity = options.identity;
    this.#settings = { createAccountSeconds: fixture.simulation.createAccountSeconds, memberRoles: fixture.simulation.memberRoles };
    this.managementAccountId = fixture.organization.managementAccount.id;
    this.featureSet = fixture.organization.featureSet;
    this.#records = new ChangedRecords(
      (key) => this.#record(key),
      () => [
        'organization',
        ...[...this.#accounts.keys()].map((id) => `account:${id}`),
        ...[...this.#units.keys()].map((id) => `unit:${id}`),
        ...[...this.#createRequests.keys()].map((id) => `createAccount:${id}`),
        ...[...this.#pendingMemberRoles.keys()].map((id) => `memberRoles:${id}`),
      ],
    );
    const saved = options.restore?.get('organization') as OrganizationRecord | undefined;
    if (options.restore && saved) {
      this.organizationId = saved.organizationId;
      this.rootId = saved.rootId;
      this.#restore(saved, options.restore);
      return;
    }
    this.organizationId = fixture.organization.id ?? `o-${randomString(this.#random, LOWER_ALPHANUMERIC, 10)}`;
    this.rootId = fixture.organization.rootId ?? `r-${randomString(this.#random, LOWER_ALPHANUMERIC, 4)}`;

    const start = this.#clock.now();
    const addMember = (account: FixtureAccount, parentId: string) => {
      this.#accounts.set(account.id, {
        id: account.id,
        name: account.name,
        email: account.email,
        joinedMethod: account.joinedMethod,
        joinedTimestamp: start,
        parentId,
        standaloneInformation: account.standaloneInformation,
      });
    };
    addMember(fixture.organization.managementAccount, this.rootId);
    for (const account of fixture.organization.accounts) addMember(account, this.rootId);
    const addUnits = (units: FixtureOrganizationalUnit[], parentId: string) => {
      for (const unit of units) {
        const id = unit.id ?? this.#newUnitId();
        this.#units.set(id, { id, name: unit.name, parentId });
        for (const account of unit.accounts) addMember(account, id);
        addUnits(unit.organizationalUnits, id);
      }
    };
    addUnits(fixture.organization.organizationalUnits, this.rootId);
    for (const account of fixture.standaloneAccounts)
      this.#outside.set(account.id, { id: account.id, name: account.name, email: account.email });
    for (const principal of fixture.organization.enabledServicePrincipals) this.#serviceAccess.set(principal, start);
    for (const admin of fixture.organization.delegatedAdministrators) {
      this.#serviceAccess.set(admin.servicePrincipal, this.#serviceAccess.get(admin.servicePrincipal) ?? start);
      this.#delegationsOf(admin.accountId).set(admin.servicePrincipal, start);
    }
  }

  // ---- Persistence ------------------------------------------------------------------------------

  /** Commits the organization's records to a state store from now on (one record per account, OU and create-account request). */
  persistedPart(attach: (part: PersistedPart) => () => void): void {
    this.#records.part('organizations', attach);
  }

  #record(key: string): unknown {
    const [kind, id = ''] = splitKey(key);
    switch (kind) {
      case 'organization':
        return {
          organizationId: this.organizationId,
          rootId: this.rootId,
          settings: this.#settings,
          serviceAccess: [...this.#serviceAccess],
          delegated: [...this.#delegated].map(([accountId, services]) => [accountId, [...services]]),
          outside: [...this.#outside.values()],
        } satisfies OrganizationRecord;
      case 'account':
        return this.#accounts.get(id);
      case 'unit':
        return this.#units.get(id);
      case 'createAccount':
        return this.#createRequests.get(id);
      case 'memberRoles':
        return this.#pendingMemberRoles.get(id);
      default:
        return undefined;
    }
  }

  /** Continues from persisted records: the organization as it was, and the simulated work it had under way rescheduled. */
  #restore(saved: OrganizationRecord, records: Map<string, unknown>): void {
    this.#settings = saved.settings;
    for (const [principal, date] of saved.serviceAccess) this.#serviceAccess.set(principal, date);
    for (const [accountId, services] of saved.delegated) this.#delegated.set(accountId, new Map(services));
    for (const account of saved.outside) this.#outside.set(account.id, account);
    // Records come back in the order they were first committed: accounts in the order they joined.
    for (const [key, value] of records) {
      const [kind, id = ''] = splitKey(key);
      if (kind === 'account') this.#accounts.set(id, value as AccountRecord);
      else if (kind === 'unit') this.#units.set(id, value as OrganizationalUnitRecord);
      else if (kind === 'createAccount') this.#createRequests.set(id, value as CreateAccountRequestRecord);
      else if (kind === 'memberRoles') this.#pendingMemberRoles.set(id, value as PendingMemberRoles);
    }
    const now = this.#clock.now();
    for (const request of this.#createRequests.values()) {
      if (request.state !== 'IN_PROGRESS') continue;
      const due = request.requestedTimestamp + this.#settings.createAccountSeconds * 1000;
      this.#clock.schedule(due - now, () => this.#completeCreateAccount(request));
    }
    for (const [accountId, pending] of this.#pendingMemberRoles) this.#grantMemberRolesAt(accountId, pending);
  }

  // ---- ARNs -------------------------------------------------------------------------------------

  get arn(): string {
    return `arn:aws:organizations::${this.managementAccountId}:organization/${this.organizationId}`;
  }

  get rootArn(): string {
    return `arn:aws:organizations::${this.managementAccountId}:root/${this.organizationId}/${this.rootId}`;
  }

  accountArn(accountId: string): string {
    return `arn:aws:organizations::${this.managementAccountId}:account/${this.organizationId}/${accountId}`;
  }

  unitArn(unitId: string): string {
    return `arn:aws:organizations::${this.managementAccountId}:ou/${this.organizationId}/${unitId}`;
  }

  get managementAccount(): AccountRecord {
    return this.#accounts.get(this.managementAccountId) as AccountRecord;
  }

  // ---- Reading ----------------------------------------------------------------------------------

  account(accountId: string): AccountRecord | undefined {
    return this.#accounts.get(accountId);
  }

  /** Member accounts in the order they joined. */
  accounts(): AccountRecord[] {
    return [...this.#accounts.values()];
  }

  /** Any account the endpoint knows, inside the organization or not. */
  knownAccount(accountId: string): { id: string; name: string; email: string } | undefined {
    return this.#accounts.get(accountId) ?? this.#outside.get(accountId);
  }

  unit(unitId: string): OrganizationalUnitRecord | undefined {
    return this.#units.get(unitId);
  }

  units(): OrganizationalUnitRecord[] {
    return [...this.#units.values()];
  }

  /** True for the root and existing OUs. */
  isParent(id: string): boolean {
    return id === this.rootId || this.#units.has(id);
  }

  childAccounts(parentId: string): AccountRecord[] {
    return this.accounts().filter((account) => account.parentId === parentId);
  }

  childUnits(parentId: string): OrganizationalUnitRecord[] {
    return this.units().filter((unit) => unit.parentId === parentId);
  }

  /** The parent of an account or OU. */
  parentOf(childId: string): { id: string; type: 'ROOT' | 'ORGANIZATIONAL_UNIT' } | undefined {
    const parentId = this.#accounts.get(childId)?.parentId ?? this.#units.get(childId)?.parentId;
    if (parentId === undefined) return undefined;
    return { id: parentId, type: parentId === this.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
  }

  /** `o-…/r-…/ou-…/` for an OU, as the OrganizationalUnit `Path` member spells it. */
  unitPath(unitId: string): string {
    const chain: string[] = [];
    for (let id: string | undefined = unitId; id !== undefined && id !== this.rootId; id = this.#units.get(id)?.parentId) chain.unshift(id);
    return `${this.organizationId}/${this.rootId}/${chain.map((id) => `${id}/`).join('')}`;
  }

  createAccountRequest(requestId: string): CreateAccountRequestRecord | undefined {
    return this.#createRequests.get(requestId);
  }

  enabledServices(): Array<{ servicePrincipal: string; dateEnabled: number }> {
    return [...this.#serviceAccess.entries()].map(([servicePrincipal, dateEnabled]) => ({ servicePrincipal, dateEnabled }));
  }

  delegatedAdministrators(servicePrincipal?: string): DelegatedAdministratorRecord[] {
    const records: DelegatedAdministratorRecord[] = [];
    for (const [accountId, services] of this.#delegated) {
      const account = this.#accounts.get(accountId);
      if (!account) continue;
      for (const [principal, date] of services) {
        if (servicePrincipal === undefined || principal === servicePrincipal)
          records.push({ account, servicePrincipal: principal, delegationEnabledDate: date });
      }
    }
    return records;
  }

  /** A member account that is a delegated administrator for at least one service. */
  isDelegatedAdministratorForAnyService(accountId: string): boolean {
    return this.#accounts.has(accountId) && (this.#delegated.get(accountId)?.size ?? 0) > 0;
  }

  settings(): OrganizationSettings {
    return structuredClone(this.#settings);
  }

  configure(settings: Partial<OrganizationSettings>): void {
    this.#settings = { ...this.#settings, ...settings };
    this.#records.touch('organization');
  }

  // ---- OrganizationView -------------------------------------------------------------------------

  hasAccount(accountId: string): boolean {
    return this.#accounts.has(accountId);
  }

  pathOf(accountId: string): string[] {
    const account = this.#accounts.get(accountId);
    if (!account) return [];
    const chain: string[] = [];
    for (let id: string | undefined = account.parentId; id !== undefined; id = this.#units.get(id)?.parentId) chain.unshift(id);
    return chain;
  }

  accountsUnder(nodeId: string): string[] {
    if (nodeId === this.organizationId || nodeId === this.rootId) return this.accounts().map((account) => account.id);
    if (this.#accounts.has(nodeId)) return [nodeId];
    if (!this.#units.has(nodeId)) return [];
    return this.accounts()
      .filter((account) => this.pathOf(account.id).includes(nodeId))
      .map((account) => account.id);
  }

  nodeExists(type: OrganizationNodeType, id: string): boolean {
    switch (type) {
      case 'ORGANIZATION':
        return id === this.organizationId;
      case 'ORGANIZATIONAL_UNIT':
        return this.#units.has(id);
      case 'ACCOUNT':
        return this.#accounts.has(id);
    }
  }

  isServiceAccessEnabled(servicePrincipal: string): boolean {
    return this.#serviceAccess.has(servicePrincipal);
  }

  setServiceAccess(servicePrincipal: string, enabled: boolean): void {
    this.#records.touch('organization');
    if (enabled) {
      if (!this.#serviceAccess.has(servicePrincipal)) this.#serviceAccess.set(servicePrincipal, this.#clock.now());
      return;
    }
    this.#serviceAccess.delete(servicePrincipal);
    // Disabling trusted access also ends the service's delegated administrators.
    for (const [accountId, services] of this.#delegated) {
      if (services.delete(servicePrincipal)) this.#delegationRemoved(accountId, servicePrincipal);
    }
  }

  isDelegatedAdministrator(accountId: string, servicePrincipal: string): boolean {
    return this.#accounts.has(accountId) && (this.#delegated.get(accountId)?.has(servicePrincipal) ?? false);
  }

  onDelegatedAdministratorRemoved(listener: DelegatedAdministratorRemovedListener): () => void {
    this.#delegationListeners.add(listener);
    return () => this.#delegationListeners.delete(listener);
  }

  // ---- Changes (API operations and simulation helpers) ------------------------------------------

  createOrganizationalUnit(parentId: string, name: string, actor: Actor): OrganizationalUnitRecord {
    if (!this.isParent(parentId))
      throw organizationsError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
    if (this.childUnits(parentId).some((unit) => unit.name === name))
      throw organizationsError('DuplicateOrganizationalUnitException', 'An OU with the same name already exists.');
    if (this.#unitDepth(parentId) + 1 > MAX_OU_DEPTH) {
      throw constraint('OU_DEPTH_LIMIT_EXCEEDED', 'You attempted to create an OU tree that is too many levels deep.');
    }
    const unit: OrganizationalUnitRecord = { id: this.#newUnitId(), name, parentId };
    this.#units.set(unit.id, unit);
    this.#records.touch(`unit:${unit.id}`);
    this.#publishApiCall(
      'CreateOrganizationalUnit',
      actor,
      { parentId, name },
      { organizationalUnit: { id: unit.id, arn: this.unitArn(unit.id), name } },
    );
    return unit;
  }

  /** Starts an asynchronous account creation; the account joins under the root when it succeeds. */
  createAccount(request: { accountName: string; email: string; roleName?: string | undefined }, actor: Actor): CreateAccountRequestRecord {
    const record: CreateAccountRequestRecord = {
      id: `car-${randomString(this.#random, LOWER_ALPHANUMERIC, 32)}`,
      accountName: request.accountName,
      email: request.email,
      roleName: request.roleName ?? DEFAULT_ACCOUNT_ACCESS_ROLE,
      state: 'IN_PROGRESS',
      requestedTimestamp: this.#clock.now(),
    };
    this.#createRequests.set(record.id, record);
    this.#records.touch(`createAccount:${record.id}`);
    this.#publishApiCall(
      'CreateAccount',
      actor,
      { email: '****', accountName: '****', ...(request.roleName ? { roleName: request.roleName } : {}) },
      {
        createAccountStatus: {
          id: record.id,
          state: 'IN_PROGRESS',
          accountName: '****',
          requestedTimestamp: cloudTrailDate(record.requestedTimestamp),
        },
      },
    );
    this.#clock.schedule(this.#settings.createAccountSeconds * 1000, () => this.#completeCreateAccount(record));
    return record;
  }

  /** Resolves when the create-account request has finished (SUCCEEDED or FAILED), in simulated time. */
  waitForCreateAccount(requestId: string): Promise<CreateAccountRequestRecord> {
    const record = this.#createRequests.get(requestId);
    if (!record) return Promise.reject(new RangeError(`Unknown create account request ${requestId}`));
    if (record.state !== 'IN_PROGRESS') return Promise.resolve(record);
    return new Promise((resolve) => {
      const waiters = this.#createWaiters.get(requestId) ?? [];
      waiters.push(resolve);
      this.#createWaiters.set(requestId, waiters);
    });
  }

  moveAccount(accountId: string, sourceParentId: string, destinationParentId: string, actor: Actor): void {
    const account = this.#accounts.get(accountId);
    if (!account)
      throw organizationsError('AccountNotFoundException', "We can't find an AWS account with the AccountId that you specified.");
    if (!this.isParent(sourceParentId))
      throw organizationsError('SourceParentNotFoundException', "We can't find a source root or OU with the ParentId that you specified.");
    if (!this.isParent(destinationParentId)) {
      throw organizationsError(
        'DestinationParentNotFoundException',
        "We can't find the destination container (a root or OU) with the ParentId that you specified.",
      );
    }
    if (account.parentId !== sourceParentId)
      throw organizationsError('AccountNotFoundException', `We can't find account ${accountId} in the source parent ${sourceParentId}.`);
    if (sourceParentId === destinationParentId)
      throw organizationsError('DuplicateAccountException', 'That account is already present in the specified destination.');
    account.parentId = destinationParentId;
    this.#records.touch(`account:${accountId}`);
    this.#publishApiCall('MoveAccount', actor, { accountId, sourceParentId, destinationParentId }, null);
  }

  /** The management account removes a member (RemoveAccountFromOrganization); the call is recorded in the management account. */
  removeAccount(accountId: string, actor: Actor): void {
    this.#depart(accountId);
    this.#publishApiCall('RemoveAccountFromOrganization', actor, { accountId }, null);
  }

  /**
   * A member account leaves on its own (LeaveOrganization). CloudTrail records the call in the
   * leaving account, with no request parameters, so its event goes to that account's default bus,
   * not the management account's.
   */
  leave(actor: Actor): void {
    const accountId = actor.caller.accountId;
    this.#depart(accountId);
    this.#publishApiCall('LeaveOrganization', actor, null, null, { recipientAccountId: accountId, eventAccountId: accountId });
  }

  enableServiceAccess(servicePrincipal: string, actor: Actor): void {
    this.setServiceAccess(servicePrincipal, true);
    this.#publishApiCall('EnableAWSServiceAccess', actor, { servicePrincipal }, null);
  }

  disableServiceAccess(servicePrincipal: string, actor: Actor): void {
    this.setServiceAccess(servicePrincipal, false);
    this.#publishApiCall('DisableAWSServiceAccess', actor, { servicePrincipal }, null);
  }

  registerDelegatedAdministrator(accountId: string, servicePrincipal: string, actor: Actor): void {
    if (accountId === this.managementAccountId) {
      throw constraint(
        'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR',
        'You attempted to register the management account of the organization as a delegated administrator.',
      );
    }
    if (!this.#accounts.has(accountId))
      throw organizationsError('AccountNotFoundException', "We can't find an AWS account with the AccountId that you specified.");
    if (!this.#serviceAccess.has(servicePrincipal)) {
      throw constraint(
        'SERVICE_ACCESS_NOT_ENABLED',
        'You attempted to register a delegated administrator before you enabled service access. Call the EnableAWSServiceAccess API first.',
      );
    }
    const services = this.#delegationsOf(accountId);
    if (services.has(servicePrincipal))
      throw organizationsError(
        'AccountAlreadyRegisteredException',
        'The specified account is already a delegated administrator for this AWS service.',
      );
    services.set(servicePrincipal, this.#clock.now());
    this.#records.touch('organization');
    this.#publishApiCall('RegisterDelegatedAdministrator', actor, { accountId, servicePrincipal }, null);
  }

  deregisterDelegatedAdministrator(accountId: string, servicePrincipal: string, actor: Actor): void {
    if (!this.#accounts.has(accountId))
      throw organizationsError('AccountNotFoundException', "We can't find an AWS account with the AccountId that you specified.");
    const services = this.#delegated.get(accountId);
    if (!services?.has(servicePrincipal))
      throw organizationsError(
        'AccountNotRegisteredException',
        'The specified account is not a delegated administrator for this AWS service.',
      );
    services.delete(servicePrincipal);
    this.#records.touch('organization');
    this.#delegationRemoved(accountId, servicePrincipal);
    this.#publishApiCall('DeregisterDelegatedAdministrator', actor, { accountId, servicePrincipal }, null);
  }

  /**
   * An account accepts an invitation and joins under the root (InviteAccountToOrganization is not
   * emulated; this is the end of that flow). Publishes the AcceptHandshake event.
   */
  joinByInvitation(accountId: string, name: string, email: string, options: { roles?: string[] } = {}): AccountRecord {
    if (!/^\d{12}$/.test(accountId)) throw new RangeError(`${accountId} is not a 12-digit account id`);
    if (this.#accounts.has(accountId)) throw new AccountAlreadyMemberError(`Account ${accountId} is already a member of the organization`);
    const now = this.#clock.now();
    const account: AccountRecord = {
      id: accountId,
      name,
      email,
      joinedMethod: 'INVITED',
      joinedTimestamp: now,
      parentId: this.rootId,
      // It was standalone before it accepted the invitation.
      standaloneInformation: true,
    };
    this.#outside.delete(accountId);
    this.#accounts.set(accountId, account);
    this.#records.touch(`account:${accountId}`);
    this.#records.touch('organization');
    for (const role of options.roles ?? []) this.#identity.createRole(accountId, role);

    const handshakeId = `h-${randomString(this.#random, LOWER_ALPHANUMERIC, 10)}`;
    const requested = now - 60 * 60 * 1000;
    const memberRoot = {
      accountId,
      arn: `arn:aws:iam::${accountId}:root`,
      userId: accountId,
      accessKeyId: `ASIA${randomString(this.#random, BASE32, 16)}`,
    };
    this.#publishApiCall(
      'AcceptHandshake',
      { caller: memberRoot },
      { handshakeId },
      {
        handshake: {
          id: handshakeId,
          arn: `arn:aws:organizations::${this.managementAccountId}:handshake/${this.organizationId}/invite/${handshakeId}`,
          parties: [
            { id: this.organizationId.slice(2), type: 'ORGANIZATION' },
            { id: accountId, type: 'ACCOUNT' },
          ],
          state: 'ACCEPTED',
          requestedTimestamp: cloudTrailDate(requested),
          expirationTimestamp: cloudTrailDate(requested + 15 * 24 * 60 * 60 * 1000),
          action: 'INVITE',
          resources: [
            {
              type: 'ORGANIZATION',
              value: this.organizationId.slice(2),
              resources: [
                { type: 'MASTER_EMAIL', value: this.managementAccount.email },
                { type: 'MASTER_NAME', value: this.managementAccount.name },
                { type: 'ORGANIZATION_FEATURE_SET', value: this.featureSet },
              ],
            },
            { type: 'ACCOUNT', value: accountId },
          ],
        },
      },
      { recipientAccountId: accountId },
    );
    this.#scheduleMemberRoles(accountId);
    return account;
  }

  /**
   * The account's root user signs in and provides what a standalone account needs (payment method,
   * phone verification, support plan), as the console asks before an account made by CreateAccount
   * can leave. No API does this; tests and simulations call it.
   */
  provideStandaloneInformation(accountId: string): void {
    const account = this.#accounts.get(accountId);
    if (!account) throw new RangeError(`Account ${accountId} is not a member of the organization`);
    account.standaloneInformation = true;
    this.#records.touch(`account:${accountId}`);
  }

  // ---- Internals --------------------------------------------------------------------------------

  #completeCreateAccount(record: CreateAccountRequestRecord): void {
    const now = this.#clock.now();
    const emailTaken =
      this.accounts().some((account) => account.email === record.email) ||
      [...this.#outside.values()].some((account) => account.email === record.email);
    record.completedTimestamp = now;
    this.#records.touch(`createAccount:${record.id}`);
    if (emailTaken) {
      record.state = 'FAILED';
      record.failureReason = 'EMAIL_ALREADY_EXISTS';
    } else {
      const accountId = this.#newAccountId();
      this.#records.touch(`account:${accountId}`);
      this.#accounts.set(accountId, {
        id: accountId,
        name: record.accountName,
        email: record.email,
        joinedMethod: 'CREATED',
        joinedTimestamp: now,
        parentId: this.rootId,
        // Organizations does not collect what a standalone account needs when it creates one.
        standaloneInformation: false,
        createdTimestamp: now,
      });
      // The role CreateAccount makes trusts the management account and has AdministratorAccess.
      this.#identity.createRole(accountId, record.roleName, '/', {
        trustPolicy: accountTrust(this.managementAccountId),
        policies: [managedPolicy(ADMINISTRATOR_ACCESS_ARN)],
      });
      record.state = 'SUCCEEDED';
      record.accountId = accountId;
    }
    this.#sink.publish(
      serviceEvent({
        source: 'aws.organizations',
        eventSource: ORGANIZATIONS_EVENT_SOURCE,
        eventName: 'CreateAccountResult',
        account: this.managementAccountId,
        time: now,
        random: this.#random,
        serviceEventDetails: {
          createAccountStatus: {
            id: record.id,
            state: record.state,
            // CloudTrail masks the account name, as it does in AWS.
            accountName: '****',
            ...(record.accountId ? { accountId: record.accountId } : {}),
            ...(record.failureReason ? { failureReason: record.failureReason } : {}),
            requestedTimestamp: cloudTrailDate(record.requestedTimestamp),
            completedTimestamp: cloudTrailDate(now),
          },
        },
      }),
    );
    if (record.accountId) this.#scheduleMemberRoles(record.accountId);
    const waiters = this.#createWaiters.get(record.id) ?? [];
    this.#createWaiters.delete(record.id);
    for (const resolve of waiters) resolve(record);
  }

  #delegationRemoved(accountId: string, servicePrincipal: string): void {
    for (const listener of this.#delegationListeners) listener(accountId, servicePrincipal);
  }

  #scheduleMemberRoles(accountId: string): void {
    const memberRoles = this.#settings.memberRoles;
    if (!memberRoles) return;
    const pending = { roles: memberRoles.roles, dueAt: this.#clock.now() + memberRoles.delaySeconds * 1000 };
    this.#pendingMemberRoles.set(accountId, pending);
    this.#records.touch(`memberRoles:${accountId}`);
    this.#grantMemberRolesAt(accountId, pending);
  }

  #grantMemberRolesAt(accountId: string, pending: PendingMemberRoles): void {
    this.#clock.schedule(pending.dueAt - this.#clock.now(), () => {
      for (const role of pending.roles) this.#identity.createRole(accountId, role);
      if (this.#pendingMemberRoles.get(accountId) === pending) this.#pendingMemberRoles.delete(accountId);
      this.#records.touch(`memberRoles:${accountId}`);
    });
  }

  /** The account leaves the organization and becomes standalone, when AWS allows it to. */
  #depart(accountId: string): void {
    if (accountId === this.managementAccountId) {
      throw organizationsError(
        'MasterCannotLeaveOrganizationException',
        "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
      );
    }
    const account = this.#accounts.get(accountId);
    if (!account)
      throw organizationsError('AccountNotFoundException', "We can't find an AWS account with the AccountId that you specified.");
    if (this.isDelegatedAdministratorForAnyService(accountId)) {
      throw constraint(
        'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG',
        'You attempted to remove an account that is registered as a delegated administrator for a service integrated with your organization.',
      );
    }
    if (!account.standaloneInformation) {
      throw constraint(
        'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION',
        "You attempted to remove an account from the organization that doesn't yet have enough information to exist as a standalone account. This account requires you to first complete phone verification.",
      );
    }
    if (account.createdTimestamp !== undefined && this.#clock.now() < account.createdTimestamp + CREATED_ACCOUNT_WAIT_MS) {
      throw constraint(
        'WAIT_PERIOD_ACTIVE',
        'After you create an Amazon Web Services account, you must wait until at least four days after the account was created.',
      );
    }
    this.#accounts.delete(accountId);
    this.#delegated.delete(accountId);
    this.#outside.set(accountId, { id: account.id, name: account.name, email: account.email });
    this.#records.touch(`account:${accountId}`);
    this.#records.touch('organization');
  }

  /**
   * Publishes a call as CloudTrail delivers it: recorded in `recipientAccountId` (the management
   * account unless given) and put on the default bus of `eventAccountId` (likewise).
   */
  #publishApiCall(
    eventName: string,
    actor: Actor,
    requestParameters: Record<string, unknown> | null,
    responseElements: Record<string, unknown> | null,
    accounts: { recipientAccountId?: string; eventAccountId?: string } = {},
  ): void {
    this.#sink.publish(
      apiCallEvent({
        source: 'aws.organizations',
        eventSource: ORGANIZATIONS_EVENT_SOURCE,
        eventName,
        account: accounts.eventAccountId ?? this.managementAccountId,
        time: this.#clock.now(),
        random: this.#random,
        actor: { caller: actor.caller, requestId: actor.requestId ?? randomUuid(this.#random) },
        requestParameters,
        responseElements,
        recipientAccountId: accounts.recipientAccountId ?? this.managementAccountId,
      }),
    );
  }

  #delegationsOf(accountId: string): Map<string, number> {
    const services = this.#delegated.get(accountId) ?? new Map<string, number>();
    this.#delegated.set(accountId, services);
    return services;
  }

  /** How many OUs lie from the root down to and including `parentId` (0 for the root). */
  #unitDepth(parentId: string): number {
    let depth = 0;
    for (let id: string | undefined = parentId; id !== undefined && id !== this.rootId; id = this.#units.get(id)?.parentId) depth += 1;
    return depth;
  }

  #newUnitId(): string {
    for (;;) {
      const id = `ou-${this.rootId.slice(2)}-${randomString(this.#random, LOWER_ALPHANUMERIC, 8)}`;
      if (!this.#units.has(id)) return id;
    }
  }

  #newAccountId(): string {
    for (;;) {
      const id = randomString(this.#random, DIGITS, 12);
      if (!id.startsWith('0') && !this.knownAccount(id)) return id;
    }
  }
}

/** `account:123456789012` → `['account', '123456789012']`. */
function splitKey(key: string): [string, string?] {
  const colon = key.indexOf(':');
  return colon < 0 ? [key] : [key.slice(0, colon), key.slice(colon + 1)];
}

function organizationsError(code: string, message: string): AwsServiceError {
  return new AwsServiceError(code, message);
}

function constraint(reason: string, message: string): AwsServiceError {
  return new AwsServiceErrorWithMembers('ConstraintViolationException', message, 400, { Reason: reason });
}
