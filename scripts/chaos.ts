// `npm run chaos`: share requests against `npm start` in a process of its own, under throttling,
// internal errors and duplicate deliveries, with malformed inputs and a SIGKILL and restart in the
// middle, then a count of what became of every request: one result each, none lost, none doubled.
//   npm run chaos -- [--requests 1000] [--malformed 1000] [--throttling 0.1] [--faults 0.05]
//                    [--duplicates 0.1] [--kill | --no-kill] [--time-scale 50] [--seed 7] [--timeout 900]
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DEMO_FIXTURE_PATH } from '@portfolio-share-orchestrator/local-aws';
import { parse, stringify } from 'yaml';
import { attemptsBefore } from '../src/workflow/retry-budgets.js';

const ROOT = join(import.meta.dirname, '..');
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0';
const BUS = 'portfolio-share-orchestrator-local';
/** Requests the demo policy allows (config/sharing-policy.yml): portfolio → OU targets. */
const TARGETS: [string, string][] = [
  ['port-databases0001', 'ou-ex12-prodwork'],
  ['port-databases0001', 'ou-ex12-devwork1'],
  ['port-databases0001', 'ou-ex12-workload'],
  ['port-databases0001', 'ou-ex12-security'],
  ['port-networkvpc001', 'ou-ex12-workload'],
  ['port-networkvpc001', 'ou-ex12-prodwork'],
  ['port-networkvpc001', 'ou-ex12-devwork1'],
  ['port-cicdpipeline1', 'ou-ex12-workload'],
];
const TRANSIENT = /Throttl|InternalFailure|ServiceException|ServiceUnavailable|InvalidStateException|UNDER_CHANGE/;

export interface ChaosOptions {
  requests: number;
  malformed: number;
  /** Fractions (0–1) of Service Catalog calls throttled and failed with an internal error. */
  throttling: number;
  faults: number;
  /** Fraction of events EventBridge delivers twice. */
  duplicates: number;
  kill: boolean;
  timeScale: number;
  seed: number;
  timeoutSeconds: number;
  onLine?: (line: string) => void;
}

export interface ChaosReport {
  requests: number;
  malformedInputs: number;
  /** Request ids (or event ids of requests without a usable one) that must end in one result each. */
  expected: number;
  results: number;
  lost: number;
  doubled: number;
  serverErrors: number;
  running: number;
  deadLetters: number;
  /** Results that failed on a transient fault before its retry budget was spent. */
  failedWithinBudget: number;
  failed: number;
  kills: number;
  wallSeconds: number;
  simulatedSeconds: number;
  quiescent: boolean;
}

/** `npm start` in a child process, on free ports, with its state in one directory. */
class StackProcess {
  #child: ChildProcess | undefined;
  readonly ports: { aws: number; http: number };

  constructor(
    readonly stateDir: string,
    readonly fixturePath: string,
    readonly options: ChaosOptions,
  ) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    this.ports = { aws: base, http: base + 1 };
  }

  get awsUrl() {
    return `http://127.0.0.1:${this.ports.aws}`;
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  async start(fresh: boolean): Promise<void> {
    const args = [
      '--import',
      'tsx',
      join(ROOT, 'local', 'start.ts'),
      '--port',
      String(this.ports.aws),
      '--http-port',
      String(this.ports.http),
      '--fixture',
      this.fixturePath,
      '--time-scale',
      String(this.options.timeScale),
      '--state-dir',
      this.stateDir,
      ...(fresh ? ['--fresh'] : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const look = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('  HTTP API ')) resolve();
      };
      child.stdout?.on('data', look);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
    });
    await Promise.race([
      ready,
      sleep(120_000).then(() => Promise.reject(new Error(`npm start not ready in 120 s:\n${output.slice(-2000)}`))),
    ]);
    // Past the banner only the stack's lines come: keep the pipe drained.
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
  }

  /** SIGKILL: nothing gets to finish or flush. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  }
}

interface BusLine {
  id: string;
  time: string;
  'detail-type': string;
  detail: {
    requestId?: string;
    outcome?: string;
    failure?: { error: string; attempts?: number } | null;
    failedAccounts?: { error: string; attempts?: number }[];
  };
}

const readLines = (file: string): BusLine[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            return line ? [JSON.parse(line) as BusLine] : [];
          } catch {
            // A torn last line of a killed process.
            return [];
          }
        })
    : [];

/** A chaos fixture: the demo organization with the knobs of the run on Service Catalog. */
const chaosFixture = (options: ChaosOptions, dir: string): string => {
  const fixture = parse(readFileSync(DEMO_FIXTURE_PATH, 'utf8')) as Record<string, Record<string, unknown>>;
  fixture.simulation = {
    ...fixture.simulation,
    seed: options.seed,
    timeScale: options.timeScale,
    latency: {},
    throttling: options.throttling > 0 ? { 'servicecatalog:*': { fraction: options.throttling } } : {},
    faults: options.faults > 0 ? { 'servicecatalog:*': { rate: options.faults } } : {},
    duplicateEventRate: options.duplicates,
  };
  const path = join(dir, 'chaos-fixture.yml');
  writeFileSync(path, stringify(fixture));
  return path;
};

/** Tries `send` until the stack answers: a request cut by the kill is sent again, as a client would. */
const untilAnswered = async <T>(send: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (attempt > 600) throw error;
      await sleep(200);
    }
  }
};

/** Malformed share request details, each a different way to be wrong. */
const malformedDetail = (index: number): Record<string, unknown> => {
  const requestId = `chaos-bad-${index}`;
  switch (index % 6) {
    case 0:
      return { requestId, portfolioId: 'not-a-portfolio', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' } };
    case 1:
      return { requestId, portfolioId: 'port-databases0001', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload', extra: 1 } };
    case 2:
      return { requestId, portfolioId: 'port-databases0001' };
    case 3:
      return { requestId, portfolioId: 'port-databases0001', target: { type: 'ACCOUNT', id: '12' }, note: 'x'.repeat(70_000) };
    case 4:
      // Valid, but the policy never shares Databases with the whole organization.
      return { requestId, portfolioId: 'port-databases0001', target: { type: 'ORGANIZATION', id: 'o-exampleorg1' } };
    default:
      return {
        requestId: `bad id ${index}`,
        portfolioId: 'port-databases0001',
        target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' },
      };
  }
};

const MALFORMED_HTTP: { method: string; path: string; body?: string }[] = [
  { method: 'POST', path: '/shares', body: '{oops' },
  { method: 'POST', path: '/shares', body: JSON.stringify({ portfolioId: 'port-databases0001', target: { type: 'OU', id: 'x' } }) },
  { method: 'GET', path: '/shares/%E0%A4%A' },
  { method: 'GET', path: '/shares/%ZZ' },
  { method: 'GET', path: '/shares/%' },
  { method: 'POST', path: '/shares', body: 'x'.repeat(70_000) },
  { method: 'DELETE', path: '/shares', body: '[]' },
  { method: 'GET', path: '/nothing-here' },
];

export const runChaos = async (options: ChaosOptions): Promise<ChaosReport> => {
  const say = options.onLine ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'pso-chaos-'));
  const stateDir = join(dir, 'state');
  const stack = new StackProcess(stateDir, chaosFixture(options, dir), options);
  const wallStart = performance.now();
  const expected = new Set<string>();
  let serverErrors = 0;
  let kills = 0;
  try {
    await stack.start(true);
    say(`stack up: ${stack.awsUrl}, ${stack.httpUrl}, state in ${stateDir}`);
    const eventBridge = () => new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: CREDENTIALS });
    const http = async (method: string, path: string, body?: string) => {
      const response = await fetch(`${stack.httpUrl}${path}`, {
        method,
        headers: { authorization: SIGNED, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      if (response.status >= 500) serverErrors += 1;
      await response.arrayBuffer();
      return response.status;
    };
    const putShareRequest = async (detail: Record<string, unknown>): Promise<string> => {
      const client = eventBridge();
      try {
        const response = await client.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: 'portfolio-share-orchestrator',
                DetailType: 'Portfolio Share Requested',
                EventBusName: BUS,
                Detail: JSON.stringify(detail),
              },
            ],
          }),
        );
        const entry = response.Entries?.[0];
        if (!entry?.EventId) throw new Error(`PutEvents refused the entry: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
        return entry.EventId;
      } finally {
        client.destroy();
      }
    };

    // Valid requests: half as events sent three times each, half over HTTP; a kill halfway.
    const send = async (index: number) => {
      const [portfolioId, ou] = TARGETS[index % TARGETS.length] as [string, string];
      const requestId = `chaos-${options.seed}-${index}`;
      const detail = { requestId, portfolioId, target: { type: 'ORGANIZATIONAL_UNIT', id: ou } };
      expected.add(requestId);
      if (index % 2 === 0) {
        for (let copy = 0; copy < 3; copy += 1) await untilAnswered(() => putShareRequest(detail));
      } else {
        await untilAnswered(async () => {
          const status = await http('POST', '/shares', JSON.stringify(detail));
          if (status !== 202) throw new Error(`POST /shares answered ${status}`);
        });
      }
    };
    const half = Math.floor(options.requests / 2);
    const sendRange = async (from: number, to: number) => {
      const indexes = Array.from({ length: to - from }, (_, offset) => from + offset);
      for (let start = 0; start < indexes.length; start += 25) await Promise.all(indexes.slice(start, start + 25).map(send));
    };
    await sendRange(0, half);
    say(`sent ${half} requests`);
    if (options.kill) {
      // The kill lands while the second half is being sent and the first half runs.
      const second = sendRange(half, options.requests);
      await sleep(500);
      await stack.kill();
      kills += 1;
      say('killed the stack (SIGKILL); restarting on its state');
      await stack.start(false);
      await second;
    } else {
      await sendRange(half, options.requests);
    }
    say(`sent ${options.requests} requests`);

    // Malformed inputs: events (each one result, sent twice when it names a request id) and HTTP (4xx, no result).
    for (let index = 0; index < options.malformed; index += 1) {
      if (index % 4 === 3) {
        const bad = MALFORMED_HTTP[index % MALFORMED_HTTP.length] as (typeof MALFORMED_HTTP)[number];
        await untilAnswered(() => http(bad.method, bad.path, bad.body));
        continue;
      }
      const detail = malformedDetail(index);
      const eventId = await untilAnswered(() => putShareRequest(detail));
      const usableId = typeof detail.requestId === 'string' && /^[A-Za-z0-9_-]{1,80}$/.test(detail.requestId);
      expected.add(usableId ? (detail.requestId as string) : eventId);
      if (usableId) await untilAnswered(() => putShareRequest(detail));
    }
    say(`sent ${options.malformed} malformed inputs`);

    // Quiescence: every expected request has a result and nothing runs.
    const sfn = new SFNClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: CREDENTIALS });
    const runningNow = async () => {
      const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
      let running = 0;
      for (const machine of stateMachines) {
        const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, statusFilter: 'RUNNING' }));
        running += page.executions?.length ?? 0;
      }
      return running;
    };
    const deadline = performance.now() + options.timeoutSeconds * 1000;
    let results: BusLine[] = [];
    let running = 0;
    let quiescent = false;
    while (performance.now() < deadline) {
      results = readLines(join(stateDir, 'events.jsonl')).filter((line) => !line['detail-type'].endsWith(' Requested'));
      const answered = new Set(results.map((line) => line.detail.requestId));
      running = await untilAnswered(runningNow);
      if ([...expected].every((id) => answered.has(id)) && running === 0) {
        quiescent = true;
        break;
      }
      await sleep(1_000);
    }
    const wallSeconds = (performance.now() - wallStart) / 1000;
    sfn.destroy();

    const perRequest = new Map<string, number>();
    for (const line of results) perRequest.set(String(line.detail.requestId), (perRequest.get(String(line.detail.requestId)) ?? 0) + 1);
    const allLines = readLines(join(stateDir, 'events.jsonl'));
    const times = allLines.map((line) => Date.parse(line.time)).filter(Number.isFinite);
    const withinBudget = (failure: { error: string; attempts?: number }) => {
      if (!TRANSIENT.test(failure.error)) return false;
      const budget = attemptsBefore(failure.error);
      return budget === undefined || failure.attempts === undefined || failure.attempts < budget;
    };
    return {
      requests: options.requests,
      malformedInputs: options.malformed,
      expected: expected.size,
      results: results.length,
      lost: [...expected].filter((id) => !perRequest.has(id)).length,
      doubled: [...perRequest.values()].filter((count) => count > 1).length,
      serverErrors,
      running,
      deadLetters: readLines(join(stateDir, 'dead-letters.jsonl')).length,
      failedWithinBudget: results.filter(
        (line) => (line.detail.failure && withinBudget(line.detail.failure)) || (line.detail.failedAccounts ?? []).some(withinBudget),
      ).length,
      failed: results.filter((line) => line.detail.outcome === 'FAILED').length,
      kills,
      wallSeconds,
      simulatedSeconds: times.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1000 : 0,
      quiescent,
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

const fraction = (name: string, value: string): number => {
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1)) throw new RangeError(`--${name} must be a fraction from 0 to 1, got ${value}`);
  return parsed;
};
const whole = (name: string, value: string, min: number): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new RangeError(`--${name} must be a whole number of at least ${min}, got ${value}`);
  return parsed;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const USAGE =
    'Usage: npm run chaos -- [--requests 1000] [--malformed 1000] [--throttling 0.1] [--faults 0.05] [--duplicates 0.1] [--kill | --no-kill] [--time-scale 50] [--seed 7] [--timeout 900]';
  let options: ChaosOptions;
  try {
    const { values } = parseArgs({
      allowNegative: true,
      options: {
        requests: { type: 'string', default: '1000' },
        malformed: { type: 'string', default: '1000' },
        throttling: { type: 'string', default: '0.1' },
        faults: { type: 'string', default: '0.05' },
        duplicates: { type: 'string', default: '0.1' },
        kill: { type: 'boolean', default: true },
        'time-scale': { type: 'string', default: '50' },
        seed: { type: 'string', default: '7' },
        timeout: { type: 'string', default: '900' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    options = {
      requests: whole('requests', values.requests, 1),
      malformed: whole('malformed', values.malformed, 0),
      throttling: fraction('throttling', values.throttling),
      faults: fraction('faults', values.faults),
      duplicates: fraction('duplicates', values.duplicates),
      kill: values.kill,
      timeScale: whole('time-scale', values['time-scale'], 1),
      seed: whole('seed', values.seed, 0),
      timeoutSeconds: whole('timeout', values.timeout, 1),
      onLine: (line) => console.log(`  ${line}`),
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const report = await runChaos(options);
  console.log(
    `Chaos run: ${report.requests} share requests (half as events sent 3 times, half over HTTP), ${report.malformedInputs} malformed inputs, ` +
      `Service Catalog throttling ${options.throttling * 100} %, faults ${options.faults * 100} %, duplicate deliveries ${options.duplicates * 100} %, ${report.kills} kill and restart`,
  );
  for (const [label, value] of [
    ['requests expecting a result', report.expected],
    ['results', report.results],
    ['lost', report.lost],
    ['doubled', report.doubled],
    ['5xx answers', report.serverErrors],
    ['executions left running', report.running],
    ['dead letters', report.deadLetters],
    ['failed by a fault within its budget', report.failedWithinBudget],
    ['results FAILED (malformed included)', report.failed],
    ['time to quiescence, wall', `${report.wallSeconds.toFixed(1)} s`],
    ['time to quiescence, simulated', `${report.simulatedSeconds.toFixed(0)} s`],
  ] as const)
    console.log(`  ${label.padEnd(40)} ${value}`);
  if (!report.quiescent) console.log(`  not quiescent after ${options.timeoutSeconds} s`);
  const clean = report.quiescent && report.lost === 0 && report.doubled === 0 && report.serverErrors === 0 && report.running === 0;
  process.exit(clean && report.deadLetters === 0 ? 0 : 1);
}
