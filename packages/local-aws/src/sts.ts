// STS (awsQuery): AssumeRole into roles that exist in an account, as their trust policy and the
// caller's policies allow, with a session policy and a source identity; and GetCallerIdentity.
import { AwsServiceError, type RequestContext, type ServiceModule } from './contract.js';
import type { AuthorizationRequest, IamEvaluator } from './iam/evaluator.js';
import { type PolicyDocument, policyProblems } from './iam/policies.js';
import type { IdentityStore, SessionOptions } from './identity.js';
import type { ServiceRegistration } from './server.js';

export const STS_VERSION = '2011-06-15';
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

// A role's MaxSessionDuration defaults to one hour; the roles of the local endpoint keep the default.
const ROLE_MAX_SESSION_SECONDS = 3600;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
// The model's limit of Policy; AWS also limits the packed size, which a plain length bound approximates.
const MAX_POLICY_LENGTH = 2048;

export function createStsModule(identity: IdentityStore, iam: IamEvaluator): ServiceModule {
  return {
    target: 'sts',
    async handle(operation: string, input: Record<string, unknown>, context: RequestContext): Promise<unknown> {
      switch (operation) {
        case 'GetCallerIdentity':
          return { UserId: context.caller.userId, Account: context.caller.accountId, Arn: context.caller.arn };
        case 'AssumeRole':
          return assumeRole(identity, iam, input, context);
        default:
          throw new AwsServiceError('InvalidAction', `Could not find operation ${operation} for version ${STS_VERSION}`);
      }
    },
  };
}

export function stsRegistration(identity: IdentityStore, iam: IamEvaluator): ServiceRegistration {
  return {
    module: createStsModule(identity, iam),
    name: 'sts',
    protocol: 'awsQuery',
    query: { version: STS_VERSION, xmlNamespace: STS_XML_NAMESPACE },
    throttlingError: { code: 'Throttling', message: 'Rate exceeded', statusCode: 400 },
  };
}

async function assumeRole(identity: IdentityStore, iam: IamEvaluator, input: Record<string, unknown>, context: RequestContext) {
  const roleArn = input.RoleArn;
  const sessionName = input.RoleSessionName;
  if (typeof roleArn !== 'string') throw validationError('roleArn', 'null', 'Member must not be null');
  if (typeof sessionName !== 'string') throw validationError('roleSessionName', 'null', 'Member must not be null');
  if (roleArn.length < 20) throw validationError('roleArn', roleArn, 'Member must have length greater than or equal to 20');
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError('roleSessionName', sessionName, 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  }
  const durationSeconds = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 900) {
    throw validationError('durationSeconds', String(input.DurationSeconds), 'Member must have value greater than or equal to 900');
  }
  const sessionPolicy = readSessionPolicy(input.Policy);
  const requestedSourceIdentity = input.SourceIdentity;
  if (
    requestedSourceIdentity !== undefined &&
    (typeof requestedSourceIdentity !== 'string' || !SOURCE_IDENTITY.test(requestedSourceIdentity))
  ) {
    throw validationError(
      'sourceIdentity',
      String(requestedSourceIdentity),
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  }
  // A source identity, once set, stays with every session chained from it.
  const inherited = context.policies?.sourceIdentity;
  if (inherited !== undefined && requestedSourceIdentity !== undefined && requestedSourceIdentity !== inherited) {
    throw new AwsServiceError('ValidationError', 'SourceIdentity cannot be changed once set in a role chain.');
  }
  const sourceIdentity = (requestedSourceIdentity as string | undefined) ?? inherited;

  const denied = (message = `User: ${context.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`) =>
    new AwsServiceError('AccessDenied', message, 403);
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw denied();
  const [, accountId = '', path = '/', roleName = ''] = match;
  const role = identity.role(accountId, roleName);
  if (!role || role.path !== path) throw denied();

  // The caller's policies must allow the action and the role's trust policy must allow the caller.
  // A source identity set here or carried from the caller's session (role chaining) needs
  // sts:SetSourceIdentity on the target role as well, as the IAM User Guide states for both.
  const trusted = (action: string, context: Record<string, string>): AuthorizationRequest => ({
    action,
    resource: role.arn,
    resourceAccount: role.accountId,
    resourcePolicy: role.documents.trustPolicy,
    resourcePolicyRequired: true,
    context,
  });
  const identityKey = sourceIdentity ? { 'sts:SourceIdentity': sourceIdentity } : undefined;
  const requests = [
    trusted('sts:AssumeRole', { 'sts:RoleSessionName': sessionName, ...identityKey }),
    ...(identityKey ? [trusted('sts:SetSourceIdentity', identityKey)] : []),
  ];
  if (context.policies) {
    const refused = await iam.authorize(
      { kind: 'caller', caller: context.caller, policies: context.policies },
      requests,
      (message) => denied(message),
      (request) => `User: ${context.caller.arn} is not authorized to perform: ${request.action} on resource: ${request.resource}`,
    );
    if (refused) throw refused;
  }
  if (durationSeconds > (role.documents.maxSessionDuration ?? ROLE_MAX_SESSION_SECONDS)) {
    throw new AwsServiceError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const options: SessionOptions = {
    ...(sessionPolicy ? { sessionPolicy } : {}),
    ...(sourceIdentity ? { sourceIdentity } : {}),
  };
  const { caller, credentials } = identity.issueSession(role, sessionName, durationSeconds, options);
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(credentials.expiration).toISOString().replace('.000Z', 'Z'),
    },
    AssumedRoleUser: { AssumedRoleId: caller.userId, Arn: caller.arn },
    ...(sourceIdentity ? { SourceIdentity: sourceIdentity } : {}),
  };
}

/** The inline session policy: JSON within the model's length, valid as a session policy, else MalformedPolicyDocument. */
function readSessionPolicy(value: unknown): PolicyDocument | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (text.length < 1 || text.length > MAX_POLICY_LENGTH) {
    throw validationError(
      'policy',
      text,
      text.length < 1
        ? 'Member must have length greater than or equal to 1'
        : `Member must have length less than or equal to ${MAX_POLICY_LENGTH}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new AwsServiceError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
  }
  const problems = policyProblems(document, 'session');
  if (problems.length > 0) throw new AwsServiceError('MalformedPolicyDocument', `Syntax errors in policy. ${problems.join('; ')}`);
  return document as PolicyDocument;
}

function validationError(member: string, value: string, constraint: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
