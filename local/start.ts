// `npm start`: the whole system on one machine with the demo organization.
//   npm start -- [--port 4566] [--http-port 3000] [--fixture file.yml] [--time-scale N] [--seed N] [--hub-key KEY:SECRET] [--schedules] [--iam enforce|report|off]
import { parseArgs } from 'node:util';
import { parseIamMode } from '@portfolio-share-orchestrator/local-aws';
import { numberOption } from '@portfolio-share-orchestrator/local-aws/command-line';
import { startLocalStack } from './runtime/local-stack.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4566' },
    'http-port': { type: 'string', default: '3000' },
    fixture: { type: 'string' },
    'time-scale': { type: 'string', default: '10' },
    seed: { type: 'string' },
    // The functions' own credentials: a fixture key of another account runs the hub there (e.g. a delegated administrator).
    'hub-key': { type: 'string' },
    schedules: { type: 'boolean', default: false },
    iam: { type: 'string', default: 'enforce' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: npm start -- [--port 4566] [--http-port 3000] [--fixture file.yml] [--time-scale 10] [--seed N] [--hub-key KEY:SECRET] [--schedules] [--iam enforce|report|off]',
  );
  process.exit(0);
}
let iam: ReturnType<typeof parseIamMode>;
try {
  iam = parseIamMode(values.iam);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const time = () => new Date().toISOString().slice(11, 19);
const seed = numberOption('seed', values.seed);
const [hubKeyId, hubSecret] = values['hub-key']?.split(':') ?? [];
if (values['hub-key'] !== undefined && (!hubKeyId || !hubSecret)) {
  console.error(`--hub-key must be ACCESS_KEY_ID:SECRET_ACCESS_KEY, got ${values['hub-key']}`);
  process.exit(2);
}
const stack = await startLocalStack({
  port: numberOption('port', values.port) ?? 4566,
  httpPort: numberOption('http-port', values['http-port']) ?? 3000,
  timeScale: numberOption('time-scale', values['time-scale']) ?? 10,
  ...(values.fixture ? { fixturePath: values.fixture } : {}),
  ...(seed !== undefined ? { seed } : {}),
  ...(hubKeyId && hubSecret ? { environment: { AWS_ACCESS_KEY_ID: hubKeyId, AWS_SECRET_ACCESS_KEY: hubSecret } } : {}),
  schedules: values.schedules,
  iam,
  onLine: (line) => console.log(`${time()}  ${line}`),
});

const { aws, http, definitions } = stack;
console.log(`portfolio-share-orchestrator local stack (stage local, time ×${aws.clock.scale})`);
console.log(`  AWS endpoint  ${aws.url}   (Organizations, Service Catalog, STS, EventBridge, DynamoDB, Step Functions)`);
console.log(`  HTTP API      ${http.url}   (${definitions.routes.map((route) => `${route.method} ${route.path}`).join(', ')})`);
console.log(
  `  rules         ${definitions.rules.length}; state machines ${definitions.stateMachines.map((machine) => machine.name).join(', ')}`,
);
for (const { schedule, state } of stack.schedules) {
  const how =
    state === 'running'
      ? 'on (simulated time)'
      : state === 'unsupported'
        ? 'not run locally (cron)'
        : 'off (npm start -- --schedules runs it)';
  console.log(`  schedule      ${schedule.stateMachineKey} ${schedule.expression}: ${how}`);
}
console.log(`  audit stream  ${stack.eventsFile}`);
const iamModes = {
  enforce: 'enforce (each function, state machine and member session calls with its own role; denials are refused)',
  report: 'report (denials are let through, printed and written)',
  off: 'off (nothing is evaluated)',
};
console.log(`  IAM           ${iamModes[aws.iam.mode]}${aws.iam.mode === 'off' ? '' : `; denials in ${stack.denialsFile}`}`);
console.log(
  `  organization  ${aws.organization.organizationId}, management account ${aws.organization.managementAccountId} (access key test / test)`,
);
console.log('');
console.log('Try:');
console.log('  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1');
console.log(`  aws --endpoint-url ${aws.url} organizations create-account --email new-team@example.com --account-name new-team`);
console.log(
  `  curl -s --aws-sigv4 aws:amz:us-east-1:execute-api --user test:test -H 'content-type: application/json' ${http.url}/shares -d '{"portfolioId":"port-cicdpipeline1","target":{"type":"ORGANIZATIONAL_UNIT","id":"ou-ex12-workload"},"requestId":"demo-1"}'`,
);
console.log(`  curl -s --aws-sigv4 aws:amz:us-east-1:execute-api --user test:test ${http.url}/shares/demo-1`);
console.log('  npm run plan        # what a reconcile would change, as a table');
console.log('  npm run reconcile   # one reconcile run now');
console.log('Ctrl-C stops it.');

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
