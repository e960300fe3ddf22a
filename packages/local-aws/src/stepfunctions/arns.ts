// ARNs and names of state machines and executions, checked the way Step Functions checks them.
import { invalidArn, invalidName, validationFailed } from './errors.js';

export interface StateMachineRef {
  region: string;
  accountId: string;
  name: string;
}

export interface ExecutionRef extends StateMachineRef {
  executionName: string;
}

export const stateMachineArn = ({ region, accountId, name }: StateMachineRef): string =>
  `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;

export const executionArn = ({ region, accountId, name, executionName }: ExecutionRef): string =>
  `arn:aws:states:${region}:${accountId}:execution:${name}:${executionName}`;

const MAX_ARN_LENGTH = 256;

type ArnParts = { region: string; accountId: string; resourceType: string; resource: string[] };

function parseStatesArn(arn: string, member: string): ArnParts {
  if (arn.length === 0 || arn.length > MAX_ARN_LENGTH) {
    throw validationFailed(
      member,
      arn,
      `Member must have length ${arn.length === 0 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ARN_LENGTH}`}`,
    );
  }
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || !parts[1] || parts[2] !== 'states') throw invalidArn(`Invalid ARN prefix: ${arn}`);
  const [, , , region = '', accountId = '', resourceType = '', ...resource] = parts;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw invalidArn(`Invalid region: ${region}`);
  if (!/^\d{12}$/.test(accountId)) throw invalidArn(`Invalid account id: ${accountId}`);
  return { region, accountId, resourceType, resource };
}

/** A state machine ARN; versions and aliases (`:1`, `:prod`) are not supported locally and are refused as unknown. */
export function parseStateMachineArn(arn: string, member = 'stateMachineArn'): StateMachineRef & { qualifier?: string } {
  const { region, accountId, resourceType, resource } = parseStatesArn(arn, member);
  if (resourceType !== 'stateMachine') throw invalidArn(`Resource type not valid in this context: ${resourceType}`);
  const [name = '', qualifier, ...rest] = resource;
  if (name === '' || rest.length > 0) throw invalidArn(`Invalid ARN: ${arn}`);
  return qualifier === undefined ? { region, accountId, name } : { region, accountId, name, qualifier };
}

export function parseExecutionArn(arn: string, member = 'executionArn'): ExecutionRef {
  const { region, accountId, resourceType, resource } = parseStatesArn(arn, member);
  if (resourceType !== 'execution') throw invalidArn(`Resource type not valid in this context: ${resourceType}`);
  const [name = '', executionName = '', ...rest] = resource;
  if (name === '' || executionName === '' || rest.length > 0) throw invalidArn(`Invalid ARN: ${arn}`);
  return { region, accountId, name, executionName };
}

const MAX_NAME_LENGTH = 80;
// Whitespace, brackets, wildcards, the special characters and control characters AWS lists for names.
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS refuses control characters in names; matching them is the point.
const FORBIDDEN_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/**
 * Names of executions and state machines: the model's 1–80 characters (a ValidationException, as
 * the request framework answers), then the characters Step Functions refuses (InvalidName).
 */
export function checkName(name: string, member = 'name'): void {
  const length = [...name].length;
  if (length < 1) throw validationFailed(member, name, 'Member must have length greater than or equal to 1');
  if (length > MAX_NAME_LENGTH) throw validationFailed(member, name, `Member must have length less than or equal to ${MAX_NAME_LENGTH}`);
  if (FORBIDDEN_NAME_CHARACTER.test(name)) throw invalidName(name);
}
