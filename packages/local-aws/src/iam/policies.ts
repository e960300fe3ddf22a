// The policy documents principals carry: a role's trust policy and permissions, an IAM user's
// permissions, a session's policy and source identity. Syntax is checked with
// @cloud-copilot/iam-policy, the parser iam-simulate evaluates with.
import { validateIdentityPolicy, validateSessionPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';

export interface PolicyDocument {
  Version?: string;
  Statement: unknown;
  [member: string]: unknown;
}

export interface NamedPolicy {
  name?: string;
  document: PolicyDocument;
}

/** What a role is: who may assume it and what its sessions may do. */
export interface RoleDocuments {
  trustPolicy: PolicyDocument;
  /** Inline policies and the documents of attached managed policies. */
  policies: NamedPolicy[];
  /** Seconds; 3600 unless the template says otherwise. */
  maxSessionDuration?: number;
}

/** What the evaluator needs of a caller besides its ARN. */
export interface PrincipalPolicies {
  /** `aws:PrincipalArn`: the role ARN for a role session, else the caller's ARN. */
  principalArn: string;
  principalType: 'Account' | 'User' | 'AssumedRole';
  /** The account's root user may do anything in its own account. */
  root: boolean;
  identity: NamedPolicy[];
  session?: PolicyDocument;
  sourceIdentity?: string;
}

export class InvalidPolicyError extends Error {
  override name = 'InvalidPolicyError';
}

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

// The AWS managed policies the local endpoint knows by ARN. AdministratorAccess is what AWS creates
// OrganizationAccountAccessRole and AWSControlTowerExecution with; others are refused by name.
const MANAGED_POLICIES: Record<string, PolicyDocument> = {
  [ADMINISTRATOR_ACCESS_ARN]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export function managedPolicy(arn: string): NamedPolicy {
  const document = MANAGED_POLICIES[arn];
  if (!document) {
    throw new InvalidPolicyError(
      `Managed policy ${arn} is not known to the local endpoint (known: ${Object.keys(MANAGED_POLICIES).join(', ')}); give its statements inline`,
    );
  }
  return { name: arn.slice(arn.lastIndexOf('/') + 1), document };
}

/** The trust policy of a role that trusts accounts: any principal there whose own policies allow sts:AssumeRole. */
export function accountTrust(...accountIds: string[]): PolicyDocument {
  const principals = [...new Set(accountIds)].map((accountId) => `arn:aws:iam::${accountId}:root`);
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principals.length === 1 ? principals[0] : principals }, Action: 'sts:AssumeRole' }],
  };
}

/**
 * A role given by name only (a fixture's, a test's): administrator in its account, trusted by its
 * account and by the management account, as a role an administrator of the organization deploys
 * for it would be. Roles that matter are given their documents (templates, serverless.yml).
 */
export function defaultRoleDocuments(accountId: string, managementAccountId: string): RoleDocuments {
  return { trustPolicy: accountTrust(accountId, managementAccountId), policies: [managedPolicy(ADMINISTRATOR_ACCESS_ARN)] };
}

type Kind = 'identity' | 'trust' | 'session';
const VALIDATORS: Record<Kind, (policy: unknown) => { message: string; path: string }[]> = {
  identity: validateIdentityPolicy,
  trust: validateTrustPolicy,
  session: validateSessionPolicy,
};

/** Problems with a policy document, each with its path; empty when it is valid for its kind. */
export function policyProblems(document: unknown, kind: Kind): string[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return ['the policy must be a JSON object'];
  return VALIDATORS[kind](document).map((problem) => `${problem.path}: ${problem.message}`);
}

export function checkPolicy(document: unknown, kind: Kind, where: string): PolicyDocument {
  const problems = policyProblems(document, kind);
  if (problems.length > 0) throw new InvalidPolicyError(`${where} is not a valid ${kind} policy: ${problems.join('; ')}`);
  return document as PolicyDocument;
}
