import type { AslDefinition } from '@portfolio-share-orchestrator/local-aws';
import { loadDefinition as loadSubstituted, type Resolvers } from '../../statemachines/substitution.cjs';

/**
 * Reads an ASL file of statemachines/ and replaces its `${Name}` placeholders, as serverless.yml does
 * through statemachines/definitions.cjs: the same implementation, with local values for the ARN-like names.
 */
export const loadDefinition = (file: string, resolvers: Resolvers): AslDefinition => loadSubstituted(file, resolvers) as AslDefinition;

const lowerFirst = (name: string) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * The ARN-like placeholders in a local account: `${XFunctionArn}` → the ARN of function `x` (its key
 * in serverless.yml), `${XStateMachineArn}` → state machine `x`, `${EventBusName}` → the bus.
 */
export const localSubstitutions = (options: { region: string; accountId: string; eventBusName: string; prefix?: string }): Resolvers => ({
  functionArn: (name) => `arn:aws:lambda:${options.region}:${options.accountId}:function:${lowerFirst(name)}`,
  stateMachineArn: (name) => `arn:aws:states:${options.region}:${options.accountId}:stateMachine:${options.prefix ?? ''}${kebab(name)}`,
  eventBusName: () => options.eventBusName,
});
