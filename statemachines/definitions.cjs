// Loads an ASL file for serverless.yml and turns its ${Placeholders} into CloudFormation references,
// the way DefinitionSubstitutions would: the files stay plain ASL that tests and the local runtime
// read too. ${XFunctionArn} → the X function's ARN, ${XStateMachineArn} → the X state machine,
// ${EventBusName} → the project's bus.
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const reference = (name) => {
  const fn = /^(\w+)FunctionArn$/.exec(name);
  if (fn) return { 'Fn::GetAtt': [`${fn[1]}LambdaFunction`, 'Arn'] };
  const machine = /^(\w+)StateMachineArn$/.exec(name);
  if (machine) return { Ref: `${machine[1]}StateMachine` };
  if (name === 'EventBusName') return { Ref: 'EventBus' };
  throw new Error(`Unknown definition substitution \${${name}}`);
};

const substitute = (value) => {
  if (typeof value === 'string') {
    const placeholder = /^\$\{(\w+)\}$/.exec(value);
    if (placeholder) return reference(placeholder[1]);
    if (value.includes('${')) throw new Error(`Substitutions must be whole values: ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item)]));
  }
  return value;
};

const load = (file) => substitute(JSON.parse(readFileSync(join(__dirname, file), 'utf8')));

// One export per definition file, named in camelCase: share-portfolio.asl.json → sharePortfolio.
const camelCase = (file) => file.replace(/\.asl\.json$/, '').replace(/-(\w)/g, (_match, letter) => letter.toUpperCase());

module.exports = Object.fromEntries(
  readdirSync(__dirname)
    .filter((file) => file.endsWith('.asl.json'))
    .map((file) => [camelCase(file), () => load(file)]),
);
