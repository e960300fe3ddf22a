import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AslDefinition } from '@portfolio-share-orchestrator/local-aws';
import type { EventPattern } from './event-pattern.js';
import type { TargetInput } from './target-input.js';

const run = promisify(execFile);
export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/** `serverless print --format json`: serverless.yml with every variable resolved, as it deploys. */
export const printServerlessConfig = async (stage: string): Promise<ServerlessConfig> => {
  const { stdout } = await run('npx', ['serverless', 'print', '--format', 'json', '--stage', stage, '--region', 'us-east-1'], {
    cwd: PROJECT_ROOT,
    // `print` resolves variables only; it needs no real credentials and makes no AWS call.
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 32 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ServerlessConfig;
};

type Intrinsic = { Ref: string } | { 'Fn::GetAtt': [string, string] };
type Value = string | Intrinsic;

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
  schedule?: string | { rate: string; enabled?: boolean; input?: unknown; name?: string };
}

export interface ServerlessConfig {
  service: string;
  provider: { stage: string; region: string; environment?: Record<string, Value>; timeout?: number };
  functions: Record<
    string,
    { handler: string; name: string; timeout?: number; environment?: Record<string, Value>; events?: FunctionEvent[] }
  >;
  stepFunctions: { stateMachines: Record<string, { id: string; name: string; definition: unknown; events?: StateMachineEvent[] }> };
  resources: { Resources: Record<string, CloudFormationResource> }[] | { Resources: Record<string, CloudFormationResource> };
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
interface CloudFormationResource {
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
}

export interface LocalRule {
  name: string;
  /** `default` or the project's bus name. */
  eventBusName: string;
  pattern: EventPattern;
  target: { kind: 'function'; functionKey: string } | { kind: 'log'; logGroupName: string };
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
}

export interface LocalDefinitions {
  service: string;
  region: string;
  accountId: string;
  eventBusName: string;
  functions: LocalFunction[];
  stateMachines: LocalStateMachine[];
  rules: LocalRule[];
  routes: LocalRoute[];
  schedules: LocalSchedule[];
}

export class UnresolvedReferenceError extends Error {
  override name = 'UnresolvedReferenceError';
}

/**
 * Turns the resolved Serverless configuration into what the local runtime runs: functions with
 * their environment, state machines with their references made local, rules and HTTP routes.
 * CloudFormation references resolve to local names and ARNs the way the deployed stack's would.
 */
export const localDefinitions = (config: ServerlessConfig, accountId: string): LocalDefinitions => {
  const region = config.provider.region;
  const resources = Object.assign({}, ...[config.resources].flat().map((part) => part.Resources)) as Record<string, CloudFormationResource>;
  const busResource = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::Events::EventBus');
  if (!busResource) throw new UnresolvedReferenceError('serverless.yml declares no AWS::Events::EventBus');
  const [busId, bus] = busResource;
  const eventBusName = bus.Properties.Name as string;

  const functionArn = (name: string) => `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  const functionsByLogicalId = new Map(
    Object.entries(config.functions).map(([key, fn]) => [`${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`, { key, fn }]),
  );
  const machines = Object.entries(config.stepFunctions.stateMachines);
  const machineArn = (name: string) => `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;

  const resolve = (value: Value): string => {
    if (typeof value === 'string') return value;
    if ('Ref' in value) {
      if (value.Ref === busId) return eventBusName;
      const machine = machines.find(([, sm]) => sm.id === value.Ref);
      if (machine) return machineArn(machine[1].name);
      if (value.Ref === 'AWS::Region') return region;
      if (value.Ref === 'AWS::AccountId') return accountId;
    } else {
      const [logicalId, attribute] = value['Fn::GetAtt'];
      const fn = functionsByLogicalId.get(logicalId);
      if (fn && attribute === 'Arn') return functionArn(fn.fn.name);
      if (logicalId === busId)
        return attribute === 'Arn' ? `arn:aws:events:${region}:${accountId}:event-bus/${eventBusName}` : eventBusName;
    }
    throw new UnresolvedReferenceError(`No local value for ${JSON.stringify(value)}`);
  };
  const resolveDeep = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolveDeep);
    if (value && typeof value === 'object') {
      if ('Ref' in value || 'Fn::GetAtt' in value) return resolve(value as Intrinsic);
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveDeep(item)]));
    }
    return value;
  };
  const resolveEnvironment = (environment: Record<string, Value> = {}) =>
    Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, resolve(value)]));

  const functions = Object.entries(config.functions).map(([key, fn]): LocalFunction => {
    const [modulePath, exportName] = [fn.handler.slice(0, fn.handler.lastIndexOf('.')), fn.handler.slice(fn.handler.lastIndexOf('.') + 1)];
    return {
      key,
      name: fn.name,
      modulePath: `${modulePath}.ts`,
      exportName,
      timeoutSeconds: fn.timeout ?? config.provider.timeout ?? 6,
      environment: { ...resolveEnvironment(config.provider.environment), ...resolveEnvironment(fn.environment) },
    };
  });

  const rules: LocalRule[] = Object.entries(config.functions).flatMap(([key, fn]) =>
    (fn.events ?? []).flatMap((event, index) =>
      event.eventBridge
        ? [
            {
              name: `${fn.name}-rule-${index + 1}`,
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
      if (!logGroupName) throw new UnresolvedReferenceError(`Rule ${name}: only log group targets run locally`);
      rules.push({
        name,
        eventBusName: resource.Properties.EventBusName ? resolve(resource.Properties.EventBusName) : 'default',
        pattern,
        target: { kind: 'log', logGroupName },
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
        },
      ];
    }),
  );
  return { service: config.service, region, accountId, eventBusName, functions, stateMachines, rules, routes, schedules };
};
