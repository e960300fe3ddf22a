// CloudFormation's intrinsic functions over a template's resources, as a stack in one account and
// region resolves them: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If with Conditions, Fn::Equals,
// Fn::Not/And/Or, Fn::Select, Fn::Split and AWS::NoValue. Written here because no maintained library
// evaluates intrinsics outside CloudFormation; physical names follow CloudFormation's rules
// (`<stack>-<LogicalId>-<SUFFIX>` when the template names none) so that ARNs in policies match.
import { createHash } from 'node:crypto';
import { managedPolicy, type PolicyDocument, type RoleDocuments } from '@portfolio-share-orchestrator/local-aws';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface StackContext {
  accountId: string;
  region: string;
  stackName: string;
  resources: Record<string, TemplateResource>;
  conditions?: Record<string, unknown>;
  parameters?: Record<string, string>;
  /** Values of logical ids that are not template resources (e.g. functions serverless compiles later). */
  extraRefs?: Record<string, { ref: string; attributes?: Record<string, string> }>;
}

export class UnresolvedReferenceError extends Error {
  override name = 'UnresolvedReferenceError';
}

const NO_VALUE = Symbol('AWS::NoValue');

/** CloudFormation's generated physical name: the stack name and logical id, cut to fit, and a 12-character suffix. */
export function generatedName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').slice(0, 12).toUpperCase();
  const room = maxLength - suffix.length - 2;
  const stack = stackName.slice(0, Math.ceil(room / 2));
  const id = logicalId.slice(0, room - stack.length);
  return `${stack}-${id}-${suffix}`;
}

export class Stack {
  constructor(readonly context: StackContext) {}

  /** The resource's name as deployed: its name property, else CloudFormation's generated one. */
  physicalName(logicalId: string): string {
    const resource = this.#resource(logicalId);
    const property = NAME_PROPERTIES[resource.Type];
    const given = property ? resource.Properties?.[property] : undefined;
    if (given !== undefined) return String(this.resolve(given));
    return generatedName(this.context.stackName, logicalId, resource.Type === 'AWS::Events::Rule' ? 64 : 64);
  }

  ref(name: string): string {
    const { accountId, region, stackName } = this.context;
    const pseudo: Record<string, string> = {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
      'AWS::StackId': `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/local`,
    };
    if (pseudo[name] !== undefined) return pseudo[name];
    const parameter = this.context.parameters?.[name];
    if (parameter !== undefined) return parameter;
    const extra = this.context.extraRefs?.[name];
    if (extra) return extra.ref;
    const resource = this.#resource(name);
    switch (resource.Type) {
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${accountId}:stateMachine:${this.physicalName(name)}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${accountId}/${this.physicalName(name)}`;
      default:
        return this.physicalName(name);
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const extra = this.context.extraRefs?.[logicalId]?.attributes?.[attribute];
    if (extra !== undefined) return extra;
    const { accountId, region } = this.context;
    const resource = this.#resource(logicalId);
    const name = this.physicalName(logicalId);
    const arns: Record<string, () => string> = {
      'AWS::IAM::Role': () => `arn:aws:iam::${accountId}:role${String(resource.Properties?.Path ?? '/')}${name}`,
      'AWS::Events::EventBus': () => `arn:aws:events:${region}:${accountId}:event-bus/${name}`,
      'AWS::Events::Rule': () => {
        const bus = resource.Properties?.EventBusName;
        const busName = bus === undefined ? 'default' : String(this.resolve(bus));
        return `arn:aws:events:${region}:${accountId}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`;
      },
      'AWS::Logs::LogGroup': () => `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`,
      'AWS::SQS::Queue': () => `arn:aws:sqs:${region}:${accountId}:${name}`,
      'AWS::StepFunctions::StateMachine': () => `arn:aws:states:${region}:${accountId}:stateMachine:${name}`,
      'AWS::DynamoDB::Table': () => `arn:aws:dynamodb:${region}:${accountId}:table/${name}`,
    };
    if (attribute === 'Arn' && arns[resource.Type]) return (arns[resource.Type] as () => string)();
    if (attribute === 'Name') return name;
    throw new UnresolvedReferenceError(`No local value for Fn::GetAtt ${logicalId}.${attribute} (${resource.Type})`);
  }

  condition(name: string): boolean {
    const definition = this.context.conditions?.[name];
    if (definition === undefined) throw new UnresolvedReferenceError(`No condition ${name}`);
    return Boolean(this.resolve(definition));
  }

  /** Resolves every intrinsic in a value; `AWS::NoValue` members and list items disappear. */
  resolve(value: unknown): unknown {
    const resolved = this.#resolve(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  #resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.#resolve(item)).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition')) {
      return this.#intrinsic(key, argument);
    }
    const result: Record<string, unknown> = {};
    for (const [member, item] of entries) {
      const resolved = this.#resolve(item);
      if (resolved !== NO_VALUE) result[member] = resolved;
    }
    return result;
  }

  #intrinsic(name: string, argument: unknown): unknown {
    const list = (expected: number) => {
      if (!Array.isArray(argument) || argument.length < expected)
        throw new UnresolvedReferenceError(`${name} takes a list of ${expected}: ${JSON.stringify(argument)}`);
      return argument as unknown[];
    };
    switch (name) {
      case 'Ref':
        return argument === 'AWS::NoValue' ? NO_VALUE : this.ref(String(argument));
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof argument === 'string' ? argument.split('.') : (list(2) as string[]);
        return this.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Sub': {
        const [template, variables] = typeof argument === 'string' ? [argument, {}] : (list(1) as [string, Record<string, unknown>?]);
        const locals = Object.fromEntries(Object.entries(variables ?? {}).map(([key, item]) => [key, String(this.resolve(item))]));
        return String(template).replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, reference: string) => {
          if (literal) return `\${${reference}}`;
          if (locals[reference] !== undefined) return locals[reference];
          const dot = reference.indexOf('.');
          return dot > 0 ? this.getAtt(reference.slice(0, dot), reference.slice(dot + 1)) : this.ref(reference);
        });
      }
      case 'Fn::Join': {
        const [separator, items] = list(2);
        return (this.resolve(items) as unknown[]).map(String).join(String(separator));
      }
      case 'Fn::Select': {
        const [index, items] = list(2);
        return (this.resolve(items) as unknown[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, source] = list(2);
        return String(this.resolve(source)).split(String(separator));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = list(3);
        return this.#resolve(this.condition(String(condition)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [left, right] = list(2);
        return JSON.stringify(this.resolve(left)) === JSON.stringify(this.resolve(right));
      }
      case 'Fn::Not':
        return !this.resolve(list(1)[0]);
      case 'Fn::And':
        return list(2).every((item) => Boolean(this.resolve(item)));
      case 'Fn::Or':
        return list(2).some((item) => Boolean(this.resolve(item)));
      default:
        throw new UnresolvedReferenceError(`The local stack does not evaluate ${name}`);
    }
  }

  #resource(logicalId: string): TemplateResource {
    const resource = this.context.resources[logicalId];
    if (!resource) throw new UnresolvedReferenceError(`No resource ${logicalId} in the template`);
    return resource;
  }
}

/** The property that names a resource, where the template may set it. */
const NAME_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::DynamoDB::Table': 'TableName',
};

/** An AWS::IAM::Role's documents from its resolved properties: trust, managed policies (by ARN) and inline policies. */
export function roleDocuments(properties: unknown): RoleDocuments {
  const role = properties as {
    AssumeRolePolicyDocument: PolicyDocument;
    Policies?: { PolicyName: string; PolicyDocument: PolicyDocument }[];
    ManagedPolicyArns?: string[];
    MaxSessionDuration?: number;
  };
  return {
    trustPolicy: role.AssumeRolePolicyDocument,
    policies: [
      ...(role.ManagedPolicyArns ?? []).map(managedPolicy),
      ...(role.Policies ?? []).map((policy) => ({ name: policy.PolicyName, document: policy.PolicyDocument })),
    ],
    ...(role.MaxSessionDuration ? { maxSessionDuration: role.MaxSessionDuration } : {}),
  };
}
