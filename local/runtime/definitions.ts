import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AslDefinition } from '@portfolio-share-orchestrator/local-aws';

export const STATE_MACHINES_DIR = join(import.meta.dirname, '..', '..', 'statemachines');

/**
 * Reads an ASL file and replaces its `${Name}` placeholders, as DefinitionSubstitutions do in AWS
 * (serverless.yml does the same through statemachines/definitions.cjs).
 */
export const loadDefinition = (file: string, substitutions: Record<string, string>): AslDefinition => {
  const text = readFileSync(join(STATE_MACHINES_DIR, file), 'utf8');
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    const placeholder = /^\$\{(\w+)\}$/.exec(value);
    if (!placeholder) return value;
    const replacement = substitutions[placeholder[1] as string];
    if (replacement === undefined) throw new Error(`${file}: no substitution for ${value}`);
    return replacement;
  }) as AslDefinition;
};

const lowerFirst = (name: string) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * Substitutions for a local account: `${XFunctionArn}` → the ARN of function `x` (its key in
 * serverless.yml), `${XStateMachineArn}` → state machine `x`, `${EventBusName}` → the bus.
 */
export const localSubstitutions = (
  file: string,
  options: { region: string; accountId: string; eventBusName: string; prefix?: string },
): Record<string, string> => {
  const text = readFileSync(join(STATE_MACHINES_DIR, file), 'utf8');
  const names = new Set([...text.matchAll(/"\$\{(\w+)\}"/g)].map((match) => match[1] as string));
  return Object.fromEntries(
    [...names].map((name) => {
      const fn = /^(\w+)FunctionArn$/.exec(name);
      if (fn) return [name, `arn:aws:lambda:${options.region}:${options.accountId}:function:${lowerFirst(fn[1] as string)}`];
      const machine = /^(\w+)StateMachineArn$/.exec(name);
      if (machine) {
        return [name, `arn:aws:states:${options.region}:${options.accountId}:stateMachine:${options.prefix ?? ''}${kebab(machine[1] as string)}`];
      }
      if (name === 'EventBusName') return [name, options.eventBusName];
      throw new Error(`${file}: unknown substitution \${${name}}`);
    }),
  );
};
