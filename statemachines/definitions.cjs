// Loads an ASL file for serverless.yml with its ${Placeholders} made CloudFormation references, the
// way DefinitionSubstitutions would: the files stay plain ASL that tests and the local runtime read
// too, through the same substitution.cjs. ${XFunctionArn} → the X function's ARN,
// ${XStateMachineArn} → the X state machine, ${EventBusName} → the project's bus; named policies and
// constants come from policies.json.
const { readdirSync } = require('node:fs');
const { loadDefinition } = require('./substitution.cjs');

const references = {
  functionArn: (name) => ({ 'Fn::GetAtt': [`${name}LambdaFunction`, 'Arn'] }),
  stateMachineArn: (name) => ({ Ref: `${name}StateMachine` }),
  eventBusName: () => ({ Ref: 'EventBus' }),
};

// One export per definition file, named in camelCase: share-portfolio.asl.json → sharePortfolio.
const camelCase = (file) => file.replace(/\.asl\.json$/, '').replace(/-(\w)/g, (_match, letter) => letter.toUpperCase());

module.exports = Object.fromEntries(
  readdirSync(__dirname)
    .filter((file) => file.endsWith('.asl.json'))
    .map((file) => [camelCase(file), () => loadDefinition(file, references)]),
);
