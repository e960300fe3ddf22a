import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AslDefinition, RoleDocuments } from '@portfolio-share-orchestrator/local-aws';
import { roleDocuments, Stack, type TemplateResource, UnresolvedReferenceError } from './cloudformation.js';
import type { EventPattern } from './event-pattern.js';
import type { TargetInput } from './target-input.js';

const run = promisify(execFile);
export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/** `serverless print --format json`: serverless.yml with every variable resolved, as it deploys. */
export const printServerlessConfig = async (stage: string, sharingPolicyPath?: string): Promise<ServerlessConfig> => {
  const { stdout } = await run('npx', ['serverless', 'print', '--format', 'json', '--stage', stage, '--region', 'us-east-1'], {
    cwd: PROJECT_ROOT,
    // `print` resolves variables only; it needs no real credentials and makes no AWS call.
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      SLS_TELEMETRY_DISABLED: '1',
      // The IAM that follows the sharing policy (resources/sharing-policy-grants.cjs) is packaged for this one.
      ...(sharingPolicyPath ? { PACKAGE_SHARING_POLICY: sharingPolicyPath } : {}),
    },
    maxBuffer: 32 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ServerlessConfig;
};

type Value = string | Record<string, unknown>;

interface FunctionEvent {
  eventBridge?: {
    pattern: EventPattern;
    eventBus?: Value;
    retryPolicy?: { maximumEventAge?: number; maximumRetryAttempts?: number };
    input?: unknown;
    inputPath?: string;
    inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  };
  httpApi?: { method: string; path: string; authorizer?: { type?: string } };
}

/** serverless-step-functions' `schedule` event: a rate or cron expression, or the object form. */
interface StateMachineEvent {
  schedule?: string | { rate: string; enabled?: boolean; input?: unknown; name?: string; role?: Value };
}

export interface ServerlessConfig {
  service: string;
  provider: { stage: string; region: string; environment?: Record<string, Value>; timeout?: number };
  custom?: { memberRoleName?: string };
  functions: Record<
    string,
    { handler: string; name: string; role?: Value; timeout?: number; environment?: Record<string, Value>; events?: FunctionEvent[] }
  >;
  stepFunctions: {
    stateMachines: Record<string, { id: string; name: string; role?: Value; definition: unknown; events?: StateMachineEvent[] }>;
  };
  resources: ResourcesSection[] | ResourcesSection;
}

interface ResourcesSection {
  Resources: Record<string, CloudFormationResource>;
  Conditions?: Record<string, unknown>;
}

/** An EventBridge rule target as CloudFormation declares it: the parts the local runtime runs. */
interface RuleTarget {
  Arn?: { 'Fn::GetAtt'?: [string, string] };
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
}

/** A resource of serverless.yml's `resources`, with the properties the local runtime reads typed. */
interface CloudFormationResource extends TemplateResource {
  Type: string;
  Properties: {
    Name?: string;
    LogGroupName?: string;
    EventBusName?: Value;
    EventPattern?: EventPattern;
    Targets?: RuleTarget[];
    [property: string]: unknown;
  };
}

export interface LocalFunction {
  key: string;
  name: string;
  /** `functions/x.handler` → module `functions/x.ts`, export `handler`. */
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /** The execution role Lambda gives the function's code. */
  roleArn: string;
  arn: string;
}

/** An IAM role of the stack, with its documents as deployed. */
export interface LocalRole {
  logicalId: string;
  name: string;
  path: string;
  arn: string;
  documents: RoleDocuments;
}

export interface LocalRule {
  name: string;
  arn: string;
  /** `default` or the project's bus name. */
  eventBusName: string;
  pattern: EventPattern;
  target: { kind: 'function'; functionKey: string } | { kind: 'log'; logGroupName: string; logGroupArn: string };
  retryPolicy: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
  input: TargetInput;
}

export interface LocalRoute {
  method: string;
  path: string;
  functionKey: string;
  iamAuthorised: boolean;
}

export interface LocalStateMachine {
  key: string;
  logicalId: string;
  name: string;
  arn: string;
  /** The role Step Functions runs the state machine's tasks with. */
  roleArn: string;
  definition: AslDefinition;
}

export interface LocalSchedule {
  name: string;
  stateMachineKey: string;
  /** `rate(…)` or `cron(…)`, as EventBridge takes it. */
  expression: string;
  /** As serverless.yml says; the local stack runs enabled schedules only when asked to. */
  enabled: boolean;
  /** The execution input; undefined passes EventBridge's Scheduled Event. */
  input: unknown;
  /** The role the schedule starts executions with. */
  roleArn: string;
}

/** An AWS::DynamoDB::Table as CreateTable takes it: the members both spell the same way. */
export interface LocalTable {
  TableName: string;
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  KeySchema: { AttributeName: string; KeyType: string }[];
  BillingMode?: string;
  GlobalSecondaryIndexes?: unknown[];
  LocalSecondaryIndexes?: unknown[];
  ProvisionedThroughput?: unknown;
}

// TimeToLiveSpecification, SSESpecification and PointInTimeRecoverySpecification are set by other
// calls (or spelled otherwise) in the API; the local endpoint's DynamoDB (dynalite) keeps none of them.
const CREATE_TABLE_MEMBERS = [
  'AttributeDefinitions',
  'KeySchema',
  'BillingMode',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'ProvisionedThroughput',
] as const;

export interface LocalDefinitions {
  service: string;
  /** `<service>-<stage>`, the CloudFormation stack. */
  stackName: string;
  region: string;
  accountId: string;
  eventBusName: string;
  eventBusArn: string;
  /** The statements of the bus's resource-based policy (AWS::Events::EventBusPolicy). */
  eventBusPolicy: Record<string, unknown>[];
  /** CloudWatch Logs resource policies (AWS::Logs::ResourcePolicy): who may write to which log groups. */
  logResourcePolicies: { name: string; document: { Version?: string; Statement: unknown } }[];
  roles: LocalRole[];
  /** The DynamoDB tables (AWS::DynamoDB::Table), as CreateTable takes them. */
  tables: LocalTable[];
  /** `settings.memberRoleName` as serverless.yml passes it on (custom.memberRoleName). */
  memberRoleName: string | undefined;
  functions: LocalFunction[];
  stateMachines: LocalStateMachine[];
  rules: LocalRule[];
  routes: LocalRoute[];
  schedules: LocalSchedule[];
}

export { UnresolvedReferenceError };

/** The CloudFormation template of the resolved configuration: its `resources` sections merged. */
const templateOf = (config: ServerlessConfig) => {
  const sections = [config.resources].flat();
  return {
    resources: Object.assign({}, ...sections.map((part) => part.Resources)) as Record<string, CloudFormationResource>,
    conditions: Object.assign({}, ...sections.map((part) => part.Conditions ?? {})) as Record<string, unknown>,
  };
};

/** The logical id serverless gives a function's AWS::Lambda::Function. */
const functionLogicalId = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;

/** The stack `serverless deploy` creates from the resolved configuration, in one account. */
export const serverlessStack = (config: ServerlessConfig, accountId: string): Stack => {
  const { region } = config.provider;
  const { resources, conditions } = templateOf(config);
  // Functions and state machines are compiled by the Serverless plugins, not listed under `resources`.
  const extraRefs = Object.fromEntries([
    ...Object.entries(config.functions).map(([key, fn]) => [
      functionLogicalId(key),
      { ref: fn.name, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${fn.name}` } },
    ]),
    ...Object.values(config.stepFunctions.stateMachines).map((sm) => {
      const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${sm.name}`;
      return [sm.id, { ref: arn, attributes: { Arn: arn, Name: sm.name } }];
    }),
  ]);
  return new Stack({ accountId, region, stackName: `${config.service}-${config.provider.stage}`, resources, conditions, extraRefs });
};

/**
 * Turns the resolved Serverless configuration into what the local runtime runs: functions with
 * their environment, state machines with their references made local, rules and HTTP routes.
 * CloudFormation references resolve to local names and ARNs the way the deployed stack's would.
 */
export const localDefinitions = (config: ServerlessConfig, accountId: string): LocalDefinitions => {
  const region = config.provider.region;
  const { resources } = templateOf(config);
  const busResource = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::Events::EventBus');
  if (!busResource) throw new UnresolvedReferenceError('serverless.yml declares no AWS::Events::EventBus');
  const [busId, bus] = busResource;
  const eventBusName = bus.Properties.Name as string;
  const stack = serverlessStack(config, accountId);
  const { stackName } = stack.context;
  const machines = Object.entries(config.stepFunctions.stateMachines);
  const resolve = (value: Value): string => String(stack.resolve(value));
  const resolveDeep = (value: unknown): unknown => stack.resolve(value);
  const resolveEnvironment = (environment: Record<string, Value> = {}) =>
    Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, resolve(value)]));
  const roleArnOf = (role: Value | undefined, owner: string): string => {
    if (role === undefined) throw new UnresolvedReferenceError(`${owner} names no role; the local stack runs each with its own`);
    return typeof role === 'string' && !role.startsWith('arn:') ? stack.getAtt(role, 'Arn') : resolve(role);
  };

  const roles: LocalRole[] = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([logicalId, resource]) => {
      const properties = stack.resolve(resource.Properties) as { Path?: string };
      return {
        logicalId,
        name: stack.physicalName(logicalId),
        path: properties.Path ?? '/',
        arn: stack.getAtt(logicalId, 'Arn'),
        documents: roleDocuments(properties),
      };
    });
  const tables = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]): LocalTable => {
      const properties = stack.resolve(resource.Properties) as Record<string, unknown>;
      const members = CREATE_TABLE_MEMBERS.filter((member) => properties[member] !== undefined).map((member) => [
        member,
        properties[member],
      ]);
      return { TableName: stack.physicalName(logicalId), ...Object.fromEntries(members) } as LocalTable;
    });
  const eventBusPolicy = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::Events::EventBusPolicy')
    .map((resource) => stack.resolve(resource.Properties.Statement) as Record<string, unknown>);
  const logResourcePolicies = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::Logs::ResourcePolicy')
    .map((resource) => ({
      name: resolve(resource.Properties.PolicyName as Value),
      document: JSON.parse(resolve(resource.Properties.PolicyDocument as Value)) as { Statement: unknown },
    }));

  const functions = Object.entries(config.functions).map(([key, fn]): LocalFunction => {
    const [modulePath, exportName] = [fn.handler.slice(0, fn.handler.lastIndexOf('.')), fn.handler.slice(fn.handler.lastIndexOf('.') + 1)];
    return {
      key,
      name: fn.name,
      modulePath: `${modulePath}.ts`,
      exportName,
      timeoutSeconds: fn.timeout ?? config.provider.timeout ?? 6,
      environment: { ...resolveEnvironment(config.provider.environment), ...resolveEnvironment(fn.environment) },
      roleArn: roleArnOf(fn.role, `Function ${key}`),
      arn: stack.getAtt(functionLogicalId(key), 'Arn'),
    };
  });

  const ruleArn = (name: string, busName: string) =>
    `arn:aws:events:${region}:${accountId}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`;
  const rules: LocalRule[] = Object.entries(config.functions).flatMap(([key, fn]) =>
    (fn.events ?? []).flatMap((event, index) =>
      event.eventBridge
        ? [
            {
              name: `${fn.name}-rule-${index + 1}`,
              arn: ruleArn(`${fn.name}-rule-${index + 1}`, event.eventBridge.eventBus ? resolve(event.eventBridge.eventBus) : 'default'),
              eventBusName: event.eventBridge.eventBus ? resolve(event.eventBridge.eventBus) : 'default',
              pattern: event.eventBridge.pattern,
              target: { kind: 'function' as const, functionKey: key },
              input: {
                ...(event.eventBridge.input !== undefined ? { input: JSON.stringify(event.eventBridge.input) } : {}),
                ...(event.eventBridge.inputPath !== undefined ? { inputPath: event.eventBridge.inputPath } : {}),
                ...(event.eventBridge.inputTransformer ? { inputTransformer: event.eventBridge.inputTransformer } : {}),
              },
              retryPolicy: {
                maximumRetryAttempts: event.eventBridge.retryPolicy?.maximumRetryAttempts ?? 185,
                maximumEventAgeSeconds: event.eventBridge.retryPolicy?.maximumEventAge ?? 86_400,
              },
            },
          ]
        : [],
    ),
  );
  for (const [name, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const pattern = resource.Properties.EventPattern;
    if (!pattern) throw new UnresolvedReferenceError(`Rule ${name}: only rules with an EventPattern run locally`);
    for (const target of resource.Properties.Targets ?? []) {
      const [logicalId] = target.Arn?.['Fn::GetAtt'] ?? [];
      const logGroup = logicalId ? resources[logicalId] : undefined;
      const logGroupName = logGroup?.Type === 'AWS::Logs::LogGroup' ? logGroup.Properties.LogGroupName : undefined;
      if (!logGroupName || !logicalId) throw new UnresolvedReferenceError(`Rule ${name}: only log group targets run locally`);
      rules.push({
        name: stack.physicalName(name),
        arn: stack.getAtt(name, 'Arn'),
        eventBusName: resource.Properties.EventBusName ? resolve(resource.Properties.EventBusName) : 'default',
        pattern,
        target: { kind: 'log', logGroupName, logGroupArn: stack.getAtt(logicalId, 'Arn') },
        input: {
          ...(target.Input !== undefined ? { input: target.Input } : {}),
          ...(target.InputPath !== undefined ? { inputPath: target.InputPath } : {}),
          ...(target.InputTransformer
            ? {
                inputTransformer: {
                  inputPathsMap: target.InputTransformer.InputPathsMap,
                  inputTemplate: target.InputTransformer.InputTemplate,
                },
              }
            : {}),
        },
        retryPolicy: {
          maximumRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? 185,
          maximumEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
        },
      });
    }
  }

  const routes: LocalRoute[] = Object.entries(config.functions).flatMap(([key, fn]) =>
    (fn.events ?? []).flatMap((event) =>
      event.httpApi
        ? [
            {
              method: event.httpApi.method.toUpperCase(),
              path: event.httpApi.path,
              functionKey: key,
              iamAuthorised: event.httpApi.authorizer?.type === 'aws_iam',
            },
          ]
        : [],
    ),
  );

  const stateMachines = machines.map(([key, sm]) => ({
    key,
    logicalId: sm.id,
    name: sm.name,
    arn: stack.ref(sm.id),
    roleArn: roleArnOf(sm.role, `State machine ${key}`),
    definition: resolveDeep(sm.definition) as AslDefinition,
  }));
  const schedules: LocalSchedule[] = machines.flatMap(([key, sm]) =>
    (sm.events ?? []).flatMap((event, index) => {
      if (event.schedule === undefined) return [];
      const schedule = typeof event.schedule === 'string' ? { rate: event.schedule } : event.schedule;
      return [
        {
          name: schedule.name ?? `${sm.name}-schedule-${index + 1}`,
          stateMachineKey: key,
          expression: schedule.rate,
          enabled: schedule.enabled !== false,
          input: schedule.input,
          roleArn: roleArnOf(typeof event.schedule === 'string' ? undefined : event.schedule.role, `Schedule of ${key}`),
        },
      ];
    }),
  );
  return {
    service: config.service,
    stackName,
    region,
    accountId,
    eventBusName,
    eventBusArn: stack.getAtt(busId, 'Arn'),
    eventBusPolicy,
    logResourcePolicies,
    roles,
    tables,
    memberRoleName: config.custom?.memberRoleName,
    functions,
    stateMachines,
    rules,
    routes,
    schedules,
  };
};
