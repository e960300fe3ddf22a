// `npm run local:aws`: the local AWS endpoint alone, with the demo organization unless told otherwise;
// in memory, or kept in a state directory that a later start continues from.
//   npm run local:aws -- --port 4566 --fixture packages/local-aws/fixtures/demo-organization.yml --time-scale 60 --seed 7 --state-dir .local/aws-state
import { parseArgs } from 'node:util';
import { numberOption } from './command-line.js';
import { DEFAULT_PORT, startLocalAws } from './endpoint.js';
import { DEMO_FIXTURE_PATH } from './fixture.js';
import { type IamMode, parseIamMode } from './iam/evaluator.js';
import { StateFileError, StateMismatchError } from './persistence/store.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PORT) },
    host: { type: 'string' },
    fixture: { type: 'string', default: DEMO_FIXTURE_PATH },
    'time-scale': { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    iam: { type: 'string', default: 'enforce' },
    'state-dir': { type: 'string' },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'Usage: npm run local:aws -- [--port 4566] [--host 127.0.0.1] [--fixture file.yml] [--time-scale N] [--seed N] [--quiet] [--iam enforce|report|off] [--state-dir DIR [--fresh]]',
  );
  process.exit(0);
}

let iam: IamMode;
try {
  iam = parseIamMode(values.iam);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const timeScale = numberOption('time-scale', values['time-scale']);
const seed = numberOption('seed', values.seed);
if (values.fresh && values['state-dir'] === undefined) {
  console.error('--fresh deletes the state of --state-dir: give the directory too');
  process.exit(2);
}
const aws = await startLocalAws({
  ...(values['state-dir'] !== undefined
    ? { stateDir: values['state-dir'], fresh: values.fresh, onStateNotice: (message: string) => console.log(`state: ${message}`) }
    : {}),
  port: numberOption('port', values.port) ?? DEFAULT_PORT,
  fixturePath: values.fixture,
  ...(values.host ? { host: values.host } : {}),
  ...(timeScale !== undefined ? { timeScale } : {}),
  ...(seed !== undefined ? { seed } : {}),
  iam,
  onInternalError: (error, where) => console.error(`internal error in ${where.service}:${where.operation}:`, error),
}).catch((error: unknown) => {
  // A state that cannot be continued is said in a sentence that names the way out.
  if (error instanceof StateFileError || error instanceof StateMismatchError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
});

const org = aws.organization;
console.log(`Local AWS endpoint listening on ${aws.url}`);
console.log(`  services: Organizations, STS, EventBridge, Service Catalog (region ${aws.region})`);
console.log(`  fixture:  ${values.fixture} (seed ${aws.seed}, time scale ×${aws.clock.scale})`);
console.log(
  `  organization ${org.organizationId}, root ${org.rootId}, management account ${org.managementAccountId}, ${org.accounts().length} accounts`,
);
console.log(`  IAM:      ${aws.iam.mode}`);
console.log(
  `  state:    ${aws.state ? `${aws.state.directory} (${aws.state.restored ? `continued, start ${aws.state.generation + 1}` : 'new, from the fixture'})` : 'in memory (--state-dir keeps it)'}`,
);
console.log('');
console.log('Use it with the AWS CLI (access key "test" is the management account):');
console.log(`  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${aws.region}`);
console.log(`  aws --endpoint-url ${aws.url} organizations list-accounts`);
console.log(`  aws --endpoint-url ${aws.url} sts get-caller-identity`);
console.log(`  aws --endpoint-url ${aws.url} servicecatalog list-portfolios`);
console.log(
  `  aws --endpoint-url ${aws.url} sts assume-role --role-arn arn:aws:iam::333333333333:role/OrganizationAccountAccessRole --role-session-name demo`,
);
console.log(
  'or an SDK v3 client: new OrganizationsClient({ endpoint, region, credentials: { accessKeyId: "test", secretAccessKey: "test" } })',
);
console.log('Ctrl-C stops it.');

if (!values.quiet) {
  aws.onCall((call) => {
    const who = call.caller?.accountId ?? 'anonymous';
    const outcome = call.errorCode ? `${call.statusCode} ${call.errorCode}` : String(call.statusCode);
    console.log(`${new Date().toISOString()} ${who} ${call.service}:${call.operation} → ${outcome} (${call.durationMs.toFixed(0)} ms)`);
  });
  aws.iam.onDenial((denial) => console.log(`${denial.time} IAM ${denial.mode === 'enforce' ? 'denied' : 'would deny'}: ${denial.message}`));
  aws.events.subscribe((event) => {
    const name = typeof event.detail.eventName === 'string' ? ` ${event.detail.eventName}` : '';
    console.log(
      `${new Date().toISOString()} event on ${event.eventBusName ?? 'default'}: ${event.source} "${event['detail-type']}"${name}`,
    );
  });
}

const stop = async () => {
  await aws.close();
  console.log('\nAPI calls by operation:');
  console.log(aws.formatStats());
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
