// STS (awsQuery): AssumeRole into roles that exist in an account, and GetCallerIdentity.
import { AwsServiceError, type RequestContext, type ServiceModule } from './contract.js';
import type { IdentityStore } from './identity.js';
import type { ServiceRegistration } from './server.js';

export const STS_VERSION = '2011-06-15';
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

// A role's MaxSessionDuration defaults to one hour; the roles of the local endpoint keep the default.
const ROLE_MAX_SESSION_SECONDS = 3600;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function createStsModule(identity: IdentityStore): ServiceModule {
  return {
    target: 'sts',
    async handle(operation: string, input: Record<string, unknown>, context: RequestContext): Promise<unknown> {
      switch (operation) {
        case 'GetCallerIdentity':
          return { UserId: context.caller.userId, Account: context.caller.accountId, Arn: context.caller.arn };
        case 'AssumeRole':
          return assumeRole(identity, input, context);
        default:
          throw new AwsServiceError('InvalidAction', `Could not find operation ${operation} for version ${STS_VERSION}`);
      }
    },
  };
}

export function stsRegistration(identity: IdentityStore): ServiceRegistration {
  return {
    module: createStsModule(identity),
    name: 'sts',
    protocol: 'awsQuery',
    query: { version: STS_VERSION, xmlNamespace: STS_XML_NAMESPACE },
    throttlingError: { code: 'Throttling', message: 'Rate exceeded', statusCode: 400 },
  };
}

function assumeRole(identity: IdentityStore, input: Record<string, unknown>, context: RequestContext): unknown {
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
  const denied = () =>
    new AwsServiceError(
      'AccessDenied',
      `User: ${context.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw denied();
  const [, accountId = '', path = '/', roleName = ''] = match;
  const role = identity.role(accountId, roleName);
  if (!role || role.path !== path) throw denied();
  if (durationSeconds > ROLE_MAX_SESSION_SECONDS) {
    throw new AwsServiceError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const { caller, credentials } = identity.issueSession(role, sessionName, durationSeconds);
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(credentials.expiration).toISOString().replace('.000Z', 'Z'),
    },
    AssumedRoleUser: { AssumedRoleId: caller.userId, Arn: caller.arn },
  };
}

function validationError(member: string, value: string, constraint: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
