// The one implementation of the ${…} placeholders in statemachines/*.asl.json, shared by
// serverless.yml (through definitions.cjs, which the local stack also reads through `serverless print`)
// and the tests that run a definition file directly (local/runtime/definitions.ts).
// A placeholder is a whole JSON value. `${Section.Name}` names an entry of policies.json (Retry,
// Catch, Tuning, Initial) and may stand for an array, a number or an object. The ARN-like names,
// `${XFunctionArn}` (function x of serverless.yml), `${XStateMachineArn}` (state machine x) and
// `${EventBusName}`, go to the caller's resolvers, which decide what they become there.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const policies = require('./policies.json');

const PLACEHOLDER = /^\$\{([\w.]+)\}$/;
const PLACEHOLDER_SECTIONS = ['Retry', 'Catch', 'Tuning', 'Initial'];

const policy = (name) => {
  const [section, key, ...rest] = name.split('.');
  const entry = PLACEHOLDER_SECTIONS.includes(section) && rest.length === 0 ? policies[section][key] : undefined;
  if (!entry) throw new Error(`Unknown policy or constant \${${name}} (statemachines/policies.json)`);
  if (section !== 'Retry') return structuredClone(entry.value);
  // A retry policy is an ordered list of named retriers.
  return entry.retriers.map((retrier) => {
    const defined = policies.Retrier[retrier];
    if (!defined) throw new Error(`Retry.${key} names an unknown retrier ${retrier}`);
    return structuredClone(defined.value);
  });
};

const reference = (name, resolvers) => {
  const fn = /^(\w+)FunctionArn$/.exec(name);
  if (fn) return resolvers.functionArn(fn[1]);
  const machine = /^(\w+)StateMachineArn$/.exec(name);
  if (machine) return resolvers.stateMachineArn(machine[1]);
  if (name === 'EventBusName') return resolvers.eventBusName();
  throw new Error(`Unknown definition substitution \${${name}}`);
};

/** Replaces every placeholder in `value`: policies and constants from the table, ARN-like names through `resolvers`. */
const substitute = (value, resolvers) => {
  if (typeof value === 'string') {
    const placeholder = PLACEHOLDER.exec(value);
    if (placeholder) return placeholder[1].includes('.') ? policy(placeholder[1]) : reference(placeholder[1], resolvers);
    if (value.includes('${')) throw new Error(`Substitutions must be whole values: ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, resolvers));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, resolvers)]));
  }
  return value;
};

/** An ASL file of this folder as written, placeholders and all. */
const readSource = (file) => JSON.parse(readFileSync(join(__dirname, file), 'utf8'));

/** An ASL file of this folder with its placeholders replaced. */
const loadDefinition = (file, resolvers) => substitute(readSource(file), resolvers);

module.exports = { policies, substitute, readSource, loadDefinition };
