// `npm run bench [-- --accounts 5000] [--iam enforce|report|off]`: shares a portfolio with an OU of N
// accounts on the local stack (every account gets an IAM principal associated) and prints wall time,
// simulated time, API calls by operation, state transitions, and calls and transitions per account.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseIamMode } from '@portfolio-share-orchestrator/local-aws';
import { startLocalStack } from '../local/runtime/local-stack.js';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000' },
    'time-scale': { type: 'string', default: '1000' },
    latency: { type: 'boolean', default: false },
    iam: { type: 'string', default: 'enforce' },
  },
});
const iam = parseIamMode(values.iam);
const count = Number(values.accounts);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(count) || count < 1 || count > 5000)
  throw new Error('--accounts must be a whole number from 1 to 5000 (the default share quota)');

const OU = 'ou-bn01-benchmark';
const PORTFOLIO = 'port-benchmark0001';
const accountId = (index: number) => String(400_000_000_000 + index);
const fixture = {
  organization: {
    id: 'o-benchmark01',
    rootId: 'r-bn01',
    featureSet: 'ALL',
    managementAccount: { id: '123456789012', name: 'Management', email: 'management@example.com', roles: [] },
    enabledServicePrincipals: ['servicecatalog.amazonaws.com'],
    organizationalUnits: [
      {
        name: 'Benchmark',
        id: OU,
        accounts: Array.from({ length: count }, (_, index) => ({
          id: accountId(index),
          name: `bench-${index}`,
          email: `bench-${index}@example.com`,
          // Given the template's documents when the stack deploys (templates/member-account-role.yml).
          roles: ['PortfolioShareMemberRole-ShareAcceptance'],
        })),
      },
    ],
  },
  serviceCatalog: [
    {
      id: PORTFOLIO,
      name: 'Benchmark',
      providerName: 'Platform team',
      products: [{ name: 'Standard VPC', owner: 'Platform team' }],
      principals: [],
    },
  ],
  simulation: { seed: 7, timeScale },
};
const policyPath = join(tmpdir(), `pso-bench-policy-${process.pid}.yml`);
writeFileSync(
  policyPath,
  `version: 1\nportfolios:\n  - portfolioId: ${PORTFOLIO}\n    associatePrincipals: [role/Developer]\n    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${OU} }]\n`,
);

const stack = await startLocalStack({
  port: 0,
  httpPort: 0,
  fixture,
  timeScale,
  stage: 'bench',
  iam,
  stateDir: join(tmpdir(), `pso-bench-${process.pid}`),
  environment: { SHARING_POLICY_PATH: policyPath, POWERTOOLS_LOG_LEVEL: 'ERROR' },
});
try {
  if (!values.latency) stack.aws.knobs.reset();
  stack.aws.resetStats();
  const simulatedStart = stack.aws.clock.now();
  const wallStart = performance.now();
  const response = await fetch(`${stack.http.url}/shares`, {
    method: 'POST',
    headers: {
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ portfolioId: PORTFOLIO, target: { type: 'ORGANIZATIONAL_UNIT', id: OU }, requestId: 'bench' }),
  });
  if (response.status !== 202) throw new Error(`POST /shares answered ${response.status}: ${await response.text()}`);
  const result = await stack.aws.events.waitFor(
    (event) => event.detail.requestId === 'bench' && event['detail-type'] !== 'Portfolio Share Requested',
    30 * 60_000,
  );
  await stack.settle();
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const simulatedSeconds = (stack.aws.clock.now() - simulatedStart) / 1000;
  const calls = stack.aws.stats().total;
  const { stateTransitions } = stack.stepFunctions.stats();

  console.log(
    `Share of ${PORTFOLIO} with an OU of ${count} accounts (member actions in every account), time scale ×${timeScale}, IAM ${iam}${values.latency ? ', fixture latency on' : ''}`,
  );
  console.log(
    `  result            ${result['detail-type']}: ${String(result.detail.sharedAccountCount)} shared, ${String(result.detail.failedAccountCount)} failed`,
  );
  console.log(`  wall time         ${wallSeconds.toFixed(2)} s`);
  console.log(`  simulated time    ${simulatedSeconds.toFixed(1)} s`);
  console.log(`  state transitions ${stateTransitions} (${(stateTransitions / count).toFixed(4)} per account)`);
  console.log(`  API calls         ${calls} (${(calls / count).toFixed(2)} per account)`);
  console.log('');
  console.log(stack.aws.formatStats());
} finally {
  await stack.close();
}
