// `npm start` killed and started again on the same state directory (issue 16, item 4): the shares
// made before the kill are still there, and every request in flight at the kill ends, with one result
// event each in the audit stream. The stack is the real `local/start.ts` in a process of its own,
// killed with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribePortfolioSharesCommand, ListPortfolioAccessCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNED } from '../support/e2e-stack.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BUS = 'portfolio-share-orchestrator-local';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const RESULT = /^Portfolio Share (Succeeded|Partially Succeeded|Failed)$/;

interface Started {
  process: ChildProcess;
  awsUrl: string;
  httpUrl: string;
  output: string[];
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A port nothing listens on now. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const npmStart = (dir: string, ...extra: string[]) => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'local/start.ts',
      ...(extra.includes('--port') ? [] : ['--port', '0']),
      '--http-port',
      '0',
      '--time-scale',
      '200',
      '--state-dir',
      join(dir, 'state'),
      '--output-dir',
      join(dir, 'out'),
      ...extra,
    ],
    // NODE_NO_WARNINGS: the SDK's Node.js version notice would otherwise land in stderr.
    { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return child;
};

/** Starts the stack and resolves once its banner has named the endpoint and the HTTP API. */
const start = (dir: string, ...extra: string[]): Promise<Started> =>
  new Promise((resolve, reject) => {
    const child = npmStart(dir, ...extra);
    const output: string[] = [];
    let awsUrl = '';
    let httpUrl = '';
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line);
      awsUrl ||= /AWS endpoint\s+(http:\/\/\S+)/.exec(line)?.[1] ?? '';
      httpUrl ||= /HTTP API\s+(http:\/\/\S+)/.exec(line)?.[1] ?? '';
      if (line.startsWith('Ctrl-C')) resolve({ process: child, awsUrl, httpUrl, output });
    });
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output.join('\n')}`)));
  });

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const auditEvents = (dir: string): Array<{ 'detail-type': string; detail: { requestId?: string } }> => {
  const file = join(dir, 'out', 'events.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
};

const resultsOf = (dir: string, requestIds: string[]) => {
  const results = new Map<string, number>(requestIds.map((id) => [id, 0]));
  for (const event of auditEvents(dir)) {
    const id = event.detail.requestId;
    if (RESULT.test(event['detail-type']) && id !== undefined && results.has(id)) results.set(id, (results.get(id) ?? 0) + 1);
  }
  return results;
};

const waitFor = async (what: string, done: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const http = (stack: Started, method: string, path: string, body?: unknown) =>
  fetch(`${stack.httpUrl}${path}`, {
    method,
    headers: { authorization: SIGNED, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const share = (requestId: string, portfolioId: string, target: { type: string; id: string }) => ({ requestId, portfolioId, target });

describe('npm start after a SIGKILL', () => {
  it('still has the shares made before, and ends every request that was in flight, or sent while it started again, with one result event', async () => {
    // Prepare: two shares made, then four requests accepted (two over HTTP, two as events) and the process killed.
    const dir = mkdtempSync(join(tmpdir(), 'pso-killed-stack-'));
    const first = await start(dir);
    const before = [
      share('before-pipelines', 'port-cicdpipeline1', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' }),
      share('before-databases', 'port-databases0001', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' }),
    ];
    for (const request of before) expect((await http(first, 'POST', '/shares', request)).status).toBe(202);
    await waitFor(
      'the first shares',
      () =>
        [
          ...resultsOf(
            dir,
            before.map((r) => r.requestId),
          ).values(),
        ].every((n) => n === 1),
      20_000,
    );
    const overHttp = [
      share('inflight-http-1', 'port-databases0001', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-security' }),
      share('inflight-http-2', 'port-networkvpc001', { type: 'ORGANIZATION', id: 'o-exampleorg1' }),
    ];
    const asEvents = [
      share('inflight-event-1', 'port-cicdpipeline1', { type: 'EXTERNAL_ACCOUNT', id: '999988887777' }),
      share('inflight-event-2', 'port-networkvpc001', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' }),
    ];
    const events = new EventBridgeClient({ endpoint: first.awsUrl, region: 'us-east-1', credentials: CREDENTIALS });
    const [accepted] = await Promise.all([
      events.send(
        new PutEventsCommand({
          Entries: asEvents.map((detail) => ({
            Source: 'portfolio-share-orchestrator',
            DetailType: 'Portfolio Share Requested',
            Detail: JSON.stringify(detail),
            EventBusName: BUS,
          })),
        }),
      ),
      ...overHttp.map(async (request) => expect((await http(first, 'POST', '/shares', request)).status).toBe(202)),
    ]);
    expect(accepted.FailedEntryCount).toBe(0);
    await killed(first.process);
    const inFlight = [...overHttp, ...asEvents].map((request) => request.requestId);
    const unfinished = [...resultsOf(dir, inFlight).values()].filter((n) => n === 0).length;

    // Act: started again on a known port, and a request put as soon as the endpoint answers, before the stack is up.
    const port = await freePort();
    const restarting = start(dir, '--port', String(port));
    const duringRestart = share('during-restart', 'port-databases0001', { type: 'EXTERNAL_ACCOUNT', id: '999988887777' });
    const early = new EventBridgeClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: CREDENTIALS });
    for (;;) {
      const put = await early
        .send(
          new PutEventsCommand({
            Entries: [
              {
                Source: 'portfolio-share-orchestrator',
                DetailType: 'Portfolio Share Requested',
                Detail: JSON.stringify(duringRestart),
                EventBusName: BUS,
              },
            ],
          }),
        )
        .catch(() => undefined);
      if (put?.FailedEntryCount === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await restarting;
    const all = [...before.map((request) => request.requestId), ...inFlight, duringRestart.requestId];
    await waitFor('a result for every request', () => [...resultsOf(dir, all).values()].every((n) => n >= 1), 25_000);
    // Anything doubled would follow its first result closely.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Assess
    expect(unfinished).toBeGreaterThan(0);
    expect(Object.fromEntries(resultsOf(dir, all))).toEqual(Object.fromEntries(all.map((id) => [id, 1])));
    expect(second.output.join('\n')).toMatch(/state\s+continued from .* executions redriven/);
    const got = await http(second, 'GET', '/shares/before-pipelines');
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ requestId: 'before-pipelines', status: 'SUCCEEDED' });
    const catalog = new ServiceCatalogClient({ endpoint: second.awsUrl, region: 'us-east-1', credentials: CREDENTIALS });
    const shares = await catalog.send(
      new DescribePortfolioSharesCommand({ PortfolioId: 'port-cicdpipeline1', Type: 'ORGANIZATIONAL_UNIT' }),
    );
    expect(shares.PortfolioShareDetails?.map((detail) => detail.PrincipalId)).toContain('ou-ex12-workload');
    const access = await catalog.send(new ListPortfolioAccessCommand({ PortfolioId: 'port-cicdpipeline1' }));
    expect(access.AccountIds).toContain('999988887777');
  }, 60_000);

  it('says in a sentence, not a stack trace, that a damaged state cannot be read', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-torn-stack-'));
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'state.json'), '{"format":"portfolio-share-orchestrator/local-aws-state","version":1,"generation":3,"par');

    // Act
    const exit = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = npmStart(dir);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once('exit', (code) => resolve({ code, stderr }));
    });

    // Assess
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/state file .*state\.json cannot be read .*--fresh/);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);
});
