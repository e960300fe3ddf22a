import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import { MemberRoleUnavailableError } from '../errors.js';

export interface MemberSessionOptions {
  sts: STSClient;
  roleName: string;
  sessionName?: string;
  partition?: string;
  /**
   * An inline session policy (JSON) that narrows what the session may do below the role's own
   * permissions, for callers that need only part of them (e.g. read-only listings).
   */
  sessionPolicy?: string;
  /** Builds a client for the assumed credentials; tests hand in one bound to a mock. */
  createClient?: (credentials: ConstructorParameters<typeof ServiceCatalogClient>[0]) => ServiceCatalogClient;
}

/**
 * A client acting in a member account. `sourceIdentity` (who asked, or which workflow) is set on the
 * session as `sts:SourceIdentity`, so that the member account's CloudTrail records it on every call;
 * the member roles' trust policies allow `sts:SetSourceIdentity` for this.
 */
export type MemberServiceCatalog = (accountId: string, sourceIdentity?: string) => Promise<ServiceCatalogClient>;

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
/** Renew a little before the session expires so a long batch never uses stale credentials. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Service Catalog clients acting in member accounts through the member role, one per account,
 * cached until shortly before their credentials expire.
 */
export const memberServiceCatalog = (options: MemberSessionOptions): MemberServiceCatalog => {
  const partition = options.partition ?? 'aws';
  const create = options.createClient ?? ((config) => new ServiceCatalogClient(config ?? {}));
  const cache = new Map<string, { client: ServiceCatalogClient; expiresAt: number }>();

  return async (accountId, sourceIdentity) => {
    const key = sourceIdentity === undefined ? accountId : `${accountId} ${sourceIdentity}`;
    const cached = cache.get(key);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > Date.now()) return cached.client;

    const roleArn = `arn:${partition}:iam::${accountId}:role/${options.roleName}`;
    let assumed: AssumeRoleCommandOutput;
    try {
      assumed = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: options.sessionName ?? 'portfolio-share-orchestrator',
          ...(options.sessionPolicy ? { Policy: options.sessionPolicy } : {}),
          ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
        }),
      );
    } catch (error) {
      if (error instanceof Error && ACCESS_DENIED.has(error.name)) {
        throw new MemberRoleUnavailableError(accountId, `Cannot assume ${roleArn}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    const credentials = assumed.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new MemberRoleUnavailableError(accountId, `AssumeRole into ${roleArn} returned no credentials`);
    }
    const client = create({
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
      },
    });
    cache.set(key, { client, expiresAt: credentials.Expiration?.getTime() ?? Date.now() + 15 * 60_000 });
    return client;
  };
};

const sessionsByRole = new Map<string, MemberServiceCatalog>();

/**
 * The container's member sessions for a role name: kept across invocations like the functions'
 * other clients, so a warm function reuses credentials instead of assuming the role again.
 */
export const sharedMemberServiceCatalog = (sts: STSClient, roleName: string): MemberServiceCatalog => {
  let sessions = sessionsByRole.get(roleName);
  if (!sessions) {
    sessions = memberServiceCatalog({ sts, roleName });
    sessionsByRole.set(roleName, sessions);
  }
  return sessions;
};
