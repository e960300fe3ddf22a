// The stack's IAM on the local endpoint, as a deployment creates it: the hub roles of serverless.yml,
// the member roles of templates/member-account-role.yml in every account (parameters as the README's
// StackSet step sets them), the event bus policy; and the sessions AWS services take on those roles
// (Lambda for a function, Step Functions for a state machine, EventBridge Scheduler for a schedule),
// each checked against the role's trust policy first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthorizationRequest, AwsCredentials, LocalAws, Principal, RoleDocuments } from '@portfolio-share-orchestrator/local-aws';
import { parse } from 'yaml';
import { roleDocuments, Stack, type TemplateResource } from './cloudformation.js';
import { type LocalDefinitions, type LocalRule, PROJECT_ROOT } from './serverless-config.js';

export const MEMBER_ROLE_TEMPLATE = join(PROJECT_ROOT, 'templates', 'member-account-role.yml');

// Lambda and Step Functions keep a role session for as long as they run the code; they renew it
// before it ends. Twelve hours is the longest session STS gives; SDK clients refresh before expiry.
const SERVICE_SESSION_SECONDS = 12 * 3600;

export class RoleNotAssumableError extends Error {
  override name = 'RoleNotAssumableError';
}

const tag = (name: string, fn: string) => [
  { tag: `!${name}`, resolve: (value: unknown) => ({ [fn]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value }) },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: { toJSON(): unknown }) => ({ [fn]: value.toJSON() }) },
];

/** A CloudFormation YAML template, short-form intrinsics (`!Sub`, `!Ref`, `!GetAtt`, …) as their long form. */
export const loadTemplate = (
  path: string,
): { Parameters?: Record<string, { Default?: string }>; Resources: Record<string, TemplateResource> } =>
  parse(readFileSync(path, 'utf8'), {
    customTags: ['Sub', 'Ref', 'GetAtt', 'If', 'Equals', 'Not', 'Join', 'Select', 'Split'].flatMap((name) =>
      tag(name, name === 'Ref' ? 'Ref' : `Fn::${name}`),
    ),
  });

/** The member-role template's roles for one account: name and documents. */
export const memberRoles = (
  template: ReturnType<typeof loadTemplate>,
  accountId: string,
  region: string,
  parameters: Record<string, string>,
): { name: string; documents: RoleDocuments }[] => {
  const defaults = Object.fromEntries(
    Object.entries(template.Parameters ?? {}).flatMap(([name, parameter]) =>
      parameter.Default === undefined ? [] : [[name, parameter.Default]],
    ),
  );
  const stack = new Stack({
    accountId,
    region,
    stackName: 'StackSet-portfolio-share-orchestrator-member-roles',
    resources: template.Resources,
    parameters: { ...defaults, ...parameters },
  });
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([logicalId, resource]) => ({
      name: stack.physicalName(logicalId),
      documents: roleDocuments(stack.resolve(resource.Properties)),
    }));
};

/** Creates the stack's roles and resource policies on the endpoint, and the member roles in every account. */
export const deployStackIam = (aws: LocalAws, definitions: LocalDefinitions): void => {
  const { accountId, region } = definitions;
  for (const role of definitions.roles) aws.identity.createRole(accountId, role.name, role.path, role.documents);
  const template = loadTemplate(MEMBER_ROLE_TEMPLATE);
  const parameters = {
    HubAccountId: accountId,
    HubRoleNamePrefix: definitions.stackName,
    OrganizationId: aws.organization.organizationId,
    ...(definitions.memberRoleName ? { RoleName: definitions.memberRoleName } : {}),
  };
  // Every account the StackSet reaches gets the same roles; their documents do not depend on the account.
  for (const role of memberRoles(template, accountId, region, parameters)) {
    aws.identity.defineRoleTemplate(
      role.name,
      (member) => memberRoles(template, member, region, parameters).find((r) => r.name === role.name)?.documents ?? role.documents,
    );
  }
  for (const statement of definitions.eventBusPolicy)
    aws.eventBridge.putPolicyStatement(accountId, region, definitions.eventBusName, statement);
};

/**
 * A session on one of the stack's roles as an AWS service takes it: refused, as a deployment would
 * be, when the role's trust policy does not let that service assume it for that resource.
 */
export const serviceSession = async (
  aws: LocalAws,
  request: { roleArn: string; service: string; sourceArn: string; sessionName: string },
): Promise<AwsCredentials & { expiration: number }> => {
  const match = /^arn:aws:iam::(\d{12}):role(\/.*\/|\/)([^/]+)$/.exec(request.roleArn);
  const role = match ? aws.identity.role(match[1] as string, match[3] as string) : undefined;
  if (!role) throw new RoleNotAssumableError(`${request.service} cannot assume ${request.roleArn}: no such role`);
  const refused = await aws.iam.authorize(
    { kind: 'service', service: request.service, sourceArn: request.sourceArn, sourceAccount: role.accountId },
    [{ action: 'sts:AssumeRole', resource: role.arn, resourcePolicy: role.documents.trustPolicy, resourcePolicyRequired: true }],
    undefined,
    () => `${request.service} cannot assume ${role.arn} for ${request.sourceArn}: its trust policy does not allow it`,
  );
  if (refused) throw new RoleNotAssumableError(refused.message);
  const { credentials } = aws.identity.issueSession(role, request.sessionName.slice(0, 64), SERVICE_SESSION_SECONDS);
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: credentials.expiration,
  };
};

/** An SDK credential provider over service sessions: a new session whenever the SDK asks (it asks before expiry). */
export const serviceCredentials =
  (aws: LocalAws, request: Parameters<typeof serviceSession>[1]) => async (): Promise<AwsCredentials & { expiration: Date }> => {
    const session = await serviceSession(aws, request);
    return { ...session, expiration: new Date(session.expiration) };
  };

/** The principal of session credentials, for checks the endpoint makes on a service's behalf (Lambda invoke, log delivery). */
export const principalOf = (aws: LocalAws, credentials: AwsCredentials): Principal => {
  const resolved = aws.identity.resolve(credentials.accessKeyId, credentials.sessionToken);
  if (!resolved.ok) throw new Error(`Session credentials ${credentials.accessKeyId} are not valid: ${resolved.reason}`);
  return { kind: 'caller', caller: resolved.caller, policies: resolved.policies };
};

/** The sessions Step Functions holds on each state machine's role, by state machine ARN. */
export const stateMachineSessions = (aws: LocalAws, definitions: LocalDefinitions) => {
  const credentials = new Map(
    definitions.stateMachines.map((machine) => [
      machine.arn,
      serviceCredentials(aws, {
        roleArn: machine.roleArn,
        service: 'states.amazonaws.com',
        sourceArn: machine.arn,
        sessionName: machine.name,
      }),
    ]),
  );
  const credentialsOf = (stateMachineArn: string) => {
    const provider = credentials.get(stateMachineArn);
    if (!provider) throw new Error(`${stateMachineArn} is not a state machine of serverless.yml`);
    return provider;
  };
  return {
    /** An SDK credential provider for the state machine's role. */
    credentialsOf,
    /** Evaluates what the state machine's role does on the service's side (Lambda invoke, child executions). */
    authorize: async (stateMachineArn: string, requests: AuthorizationRequest[]) =>
      aws.iam.authorize(principalOf(aws, await credentialsOf(stateMachineArn)()), requests),
  };
};

/** Whether EventBridge may deliver a rule's events to its log group: events.amazonaws.com for the rule, against the log groups' resource policies. */
export const authorizeLogDelivery = (aws: LocalAws, definitions: LocalDefinitions, rule: LocalRule) => {
  if (rule.target.kind !== 'log') throw new Error(`Rule ${rule.name} has no log group target`);
  const stream = rule.target.logGroupArn.replace(/:\*$/, ':log-stream:local');
  const resourcePolicy = {
    Version: '2012-10-17',
    Statement: definitions.logResourcePolicies.flatMap((policy) => [policy.document.Statement].flat()),
  };
  return aws.iam.authorize(
    { kind: 'service', service: 'events.amazonaws.com', sourceArn: rule.arn, sourceAccount: definitions.accountId },
    ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
      action,
      resource: stream,
      resourcePolicy,
      resourcePolicyRequired: true,
    })),
  );
};
