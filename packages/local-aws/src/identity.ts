// Who is calling: access keys (long-term and STS session keys) and the IAM roles that exist in each
// account. Signatures are not verified; the access key alone decides the caller, as the design says.
import type { Caller, Random } from './contract.js';
import {
  ADMINISTRATOR_ACCESS_ARN,
  defaultRoleDocuments,
  managedPolicy,
  type NamedPolicy,
  type PolicyDocument,
  type PrincipalPolicies,
  type RoleDocuments,
} from './iam/policies.js';
import { ChangedRecords } from './persistence/records.js';
import type { PersistedPart } from './persistence/store.js';
import { BASE32, randomString, UPPER_ALPHANUMERIC } from './random.js';

export const MANAGEMENT_TEST_ACCESS_KEY = 'test';

export interface RoleRecord {
  accountId: string;
  name: string;
  /** IAM path, `/` by default. */
  path: string;
  arn: string;
  /** `AROA…`, the role's unique id. */
  roleId: string;
  /** Its trust policy and permissions; sessions are evaluated against them as they are at the time of each call. */
  documents: RoleDocuments;
}

/** Documents for a role name in any account (e.g. a StackSet's template), or computed per account. */
export type RoleTemplate = RoleDocuments | ((accountId: string) => RoleDocuments);

export interface AccessKeyGrant {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** An IAM user name; without it the key belongs to the account's root user. */
  userName?: string;
  /** The user's policies; AdministratorAccess when not given. Ignored for the root user, who may do anything in its account. */
  policies?: NamedPolicy[];
}

/** What AssumeRole gave the session besides the role. */
export interface SessionOptions {
  sessionPolicy?: PolicyDocument;
  sourceIdentity?: string;
}

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Real epoch ms (see issueSession). */
  expiration: number;
}

export type ResolvedCaller =
  | { ok: true; caller: Caller; policies: PrincipalPolicies }
  | { ok: false; reason: 'unknown-key' | 'invalid-session-token' | 'expired' };

interface KeyRecord {
  secretAccessKey: string;
  caller: Caller;
  sessionToken?: string;
  expiration?: number;
  /** Root and user keys: fixed. Role sessions: read from the role at each call. */
  policies: () => PrincipalPolicies;
  /** What the policies come from, as a persisted state keeps it. */
  grant: { policies: PrincipalPolicies } | { role: { accountId: string; name: string }; options: SessionOptions };
}

/** An access key as a persisted state keeps it. */
type SavedKey = Omit<KeyRecord, 'policies'>;

export class InvalidAccessKeyError extends Error {
  override name = 'InvalidAccessKeyError';
}

export class IdentityStore {
  readonly #keys = new Map<string, KeyRecord>();
  readonly #roles = new Map<string, Map<string, RoleRecord>>();
  readonly #userIds = new Map<string, string>();
  readonly #templates = new Map<string, RoleTemplate>();
  readonly #random: Random;
  readonly #realNow: () => number;
  readonly #managementAccountId: string;
  readonly #records = new ChangedRecords(
    (key) => this.#record(key),
    () => [
      ...[...this.#keys.keys()].map((id) => `key:${id}`),
      ...[...this.#roles.values()].flatMap((roles) => [...roles.values()].map((role) => `role:${role.accountId}/${role.name}`)),
      ...[...this.#userIds.keys()].map((key) => `userId:${key}`),
    ],
  );

  /** `random`: where keys, tokens and unique ids are drawn (identityRandom on the endpoint: unique across runs). */
  constructor(options: { random: Random; managementAccountId: string; realNow?: () => number }) {
    this.#random = options.random;
    this.#managementAccountId = options.managementAccountId;
    this.#realNow = options.realNow ?? Date.now;
  }

  /** Commits access keys, sessions, roles and unique ids to a state store from now on. */
  persistedPart(attach: (part: PersistedPart) => () => void): void {
    this.#records.part('identity', attach);
  }

  /** Replaces every key, role and unique id with a persisted state's; role templates stay as defined. */
  restore(records: Map<string, unknown>): void {
    this.#keys.clear();
    this.#roles.clear();
    this.#userIds.clear();
    const keys: Array<[string, SavedKey]> = [];
    for (const [key, value] of records) {
      if (key.startsWith('role:')) {
        const role = value as RoleRecord;
        const roles = this.#roles.get(role.accountId) ?? new Map<string, RoleRecord>();
        this.#roles.set(role.accountId, roles);
        roles.set(role.name, role);
      } else if (key.startsWith('userId:')) this.#userIds.set(key.slice('userId:'.length), value as string);
      else if (key.startsWith('key:')) keys.push([key.slice('key:'.length), value as SavedKey]);
    }
    for (const [accessKeyId, saved] of keys) {
      const { grant } = saved;
      if ('policies' in grant) {
        this.#keys.set(accessKeyId, { ...saved, policies: () => grant.policies });
        continue;
      }
      // A session reads its role's policies at each call; once the role is gone it has none.
      const { accountId, name } = grant.role;
      const roleArn = this.role(accountId, name)?.arn ?? `arn:aws:iam::${accountId}:role/${name}`;
      const documents = () =>
        this.role(accountId, name)?.documents ?? { trustPolicy: { Version: '2012-10-17', Statement: [] }, policies: [] };
      this.#keys.set(accessKeyId, { ...saved, policies: sessionPolicies(roleArn, documents, grant.options) });
    }
  }

  #record(key: string): unknown {
    if (key.startsWith('key:')) {
      const record = this.#keys.get(key.slice('key:'.length));
      if (!record) return undefined;
      const { policies: _policies, ...saved } = record;
      return saved satisfies SavedKey;
    }
    if (key.startsWith('role:')) {
      const [accountId = '', name = ''] = key.slice('role:'.length).split('/');
      return this.role(accountId, name);
    }
    if (key.startsWith('userId:')) return this.#userIds.get(key.slice('userId:'.length));
    return undefined;
  }

  /** Gives an account (root user or an IAM user) a long-term access key. */
  addAccessKey(grant: AccessKeyGrant): Caller {
    if (this.#keys.has(grant.accessKeyId)) throw new InvalidAccessKeyError(`Access key ${grant.accessKeyId} is already in use`);
    const caller: Caller = grant.userName
      ? {
          accountId: grant.accountId,
          arn: `arn:aws:iam::${grant.accountId}:user/${grant.userName}`,
          userId: this.#userId(`${grant.accountId}/${grant.userName}`, 'AIDA'),
          accessKeyId: grant.accessKeyId,
        }
      : {
          accountId: grant.accountId,
          arn: `arn:aws:iam::${grant.accountId}:root`,
          userId: grant.accountId,
          accessKeyId: grant.accessKeyId,
        };
    const policies: PrincipalPolicies = grant.userName
      ? {
          principalArn: caller.arn,
          principalType: 'User',
          root: false,
          identity: grant.policies ?? [managedPolicy(ADMINISTRATOR_ACCESS_ARN)],
        }
      : { principalArn: caller.arn, principalType: 'Account', root: true, identity: [] };
    this.#keys.set(grant.accessKeyId, { secretAccessKey: grant.secretAccessKey, caller, policies: () => policies, grant: { policies } });
    this.#records.touch(`key:${grant.accessKeyId}`);
    return caller;
  }

  resolve(accessKeyId: string, sessionToken: string | undefined): ResolvedCaller {
    const record = this.#keys.get(accessKeyId);
    if (!record) return { ok: false, reason: 'unknown-key' };
    if (record.sessionToken !== undefined && record.sessionToken !== sessionToken) return { ok: false, reason: 'invalid-session-token' };
    if (record.expiration !== undefined && record.expiration <= this.#realNow()) return { ok: false, reason: 'expired' };
    return { ok: true, caller: record.caller, policies: record.policies() };
  }

  /**
   * Creates the role if it does not exist yet (a StackSet or Account Factory reaching the account).
   * Its documents are the ones given, else its name's template, else `defaultRoleDocuments`; given
   * documents replace an existing role's (a stack update).
   */
  createRole(accountId: string, name: string, path = '/', documents?: RoleDocuments): RoleRecord {
    const roles = this.#roles.get(accountId) ?? new Map<string, RoleRecord>();
    this.#roles.set(accountId, roles);
    const existing = roles.get(name);
    if (existing) {
      if (documents) {
        existing.documents = documents;
        this.#records.touch(`role:${accountId}/${name}`);
      }
      return existing;
    }
    const role: RoleRecord = {
      accountId,
      name,
      path,
      arn: `arn:aws:iam::${accountId}:role${path}${name}`,
      roleId: this.#userId(`${accountId}/role/${name}`, 'AROA'),
      documents: documents ?? this.#templateFor(accountId, name),
    };
    roles.set(name, role);
    this.#records.touch(`role:${accountId}/${name}`);
    return role;
  }

  /** The documents every role of this name gets, in every account: those that exist now and those created later. */
  defineRoleTemplate(name: string, template: RoleTemplate): void {
    this.#templates.set(name, template);
    for (const [accountId, roles] of this.#roles) {
      const role = roles.get(name);
      if (!role) continue;
      role.documents = resolveTemplate(template, accountId);
      this.#records.touch(`role:${accountId}/${name}`);
    }
  }

  #templateFor(accountId: string, name: string): RoleDocuments {
    const template = this.#templates.get(name);
    return template ? resolveTemplate(template, accountId) : defaultRoleDocuments(accountId, this.#managementAccountId);
  }

  deleteRole(accountId: string, name: string): boolean {
    this.#records.touch(`role:${accountId}/${name}`);
    return this.#roles.get(accountId)?.delete(name) ?? false;
  }

  role(accountId: string, name: string): RoleRecord | undefined {
    return this.#roles.get(accountId)?.get(name);
  }

  roles(accountId: string): RoleRecord[] {
    return [...(this.#roles.get(accountId)?.values() ?? [])];
  }

  /**
   * Issues STS session credentials for a role session. Expiry is kept in real time, not simulated time:
   * SDK clients compare `Expiration` with the machine clock to decide when to refresh, and a sped-up
   * simulation must not make their cached credentials expire under them.
   */
  issueSession(
    role: RoleRecord,
    sessionName: string,
    durationSeconds: number,
    options: SessionOptions = {},
  ): { caller: Caller; credentials: SessionCredentials } {
    const accessKeyId = `ASIA${randomString(this.#random, BASE32, 16)}`;
    const credentials: SessionCredentials = {
      accessKeyId,
      secretAccessKey: randomString(this.#random, `${UPPER_ALPHANUMERIC}abcdefghijklmnopqrstuvwxyz/+`, 40),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomString(this.#random, `${UPPER_ALPHANUMERIC}abcdefghijklmnopqrstuvwxyz/+`, 300)}`,
      expiration: Math.floor((this.#realNow() + durationSeconds * 1000) / 1000) * 1000,
    };
    const caller: Caller = {
      accountId: role.accountId,
      arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
      userId: `${role.roleId}:${sessionName}`,
      accessKeyId,
    };
    this.#keys.set(accessKeyId, {
      secretAccessKey: credentials.secretAccessKey,
      caller,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
      policies: sessionPolicies(role.arn, () => role.documents, options),
      grant: { role: { accountId: role.accountId, name: role.name }, options },
    });
    this.#records.touch(`key:${accessKeyId}`);
    return { caller, credentials };
  }

  #userId(key: string, prefix: 'AIDA' | 'AROA'): string {
    let id = this.#userIds.get(key);
    if (!id) {
      id = `${prefix}${randomString(this.#random, BASE32, 17)}`;
      this.#userIds.set(key, id);
      this.#records.touch(`userId:${key}`);
    }
    return id;
  }
}

/** A role session's policies: the role's as they are at the time of each call, and what AssumeRole added. */
function sessionPolicies(roleArn: string, documents: () => RoleDocuments, options: SessionOptions): () => PrincipalPolicies {
  return () => ({
    principalArn: roleArn,
    principalType: 'AssumedRole',
    root: false,
    identity: documents().policies,
    ...(options.sessionPolicy ? { session: options.sessionPolicy } : {}),
    ...(options.sourceIdentity ? { sourceIdentity: options.sourceIdentity } : {}),
  });
}

function resolveTemplate(template: RoleTemplate, accountId: string): RoleDocuments {
  return typeof template === 'function' ? template(accountId) : template;
}
