// The local functions' sandboxes: one worker thread per function, with that function's Lambda
// environment and credentials only, errors that keep their name, timeouts that discard the sandbox,
// environment updates and the simulated clock reaching the handlers. The handlers are the probes of
// fixtures/sandbox-probe.ts.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SimulatedClock } from '@portfolio-share-orchestrator/local-aws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FunctionCredentials,
  FunctionsClosedError,
  FunctionTimeoutError,
  LocalFunctions,
  type LocalFunctionsOptions,
} from '../../local/runtime/local-functions.js';
import { type LocalFunction, PROJECT_ROOT } from '../../local/runtime/serverless-config.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BASE = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ACCESS_KEY_ID: 'base-key', AWS_SECRET_ACCESS_KEY: 'base-secret' };
// What the runtime sets beside the function's environment.
const RUNTIME = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: REGION };

const probe = (key: string, exportName: string, overrides: Partial<LocalFunction> = {}): LocalFunction => ({
  key,
  name: `pso-test-${key}`,
  modulePath: 'test/local-runtime/fixtures/sandbox-probe.ts',
  exportName,
  timeoutSeconds: 10,
  environment: {},
  roleArn: `arn:aws:iam::${ACCOUNT}:role/pso-test-${key}-role`,
  arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pso-test-${key}`,
  ...overrides,
});

type Reported = { environment: Record<string, string>; threadId: number };

let functions: LocalFunctions | undefined;
const load = async (definitions: LocalFunction[], options: Partial<LocalFunctionsOptions> = {}) => {
  functions = await LocalFunctions.load(definitions, { region: REGION, accountId: ACCOUNT, environment: BASE, ...options });
  return functions;
};

afterEach(async () => {
  await functions?.close();
  functions = undefined;
});

describe('local functions, one sandbox each', () => {
  it("gives each function its own environment and credentials, and leaves the test process's alone", async () => {
    const credentials: Record<string, FunctionCredentials> = {
      alpha: { accessKeyId: 'ASIAALPHA', secretAccessKey: 'alpha-secret', sessionToken: 'alpha-token' },
      beta: { accessKeyId: 'ASIABETA', secretAccessKey: 'beta-secret', sessionToken: 'beta-token' },
    };
    const loaded = await load(
      [
        probe('alpha', 'environment', { environment: { ONLY_ALPHA: 'a', SHARING_POLICY_PATH: 'config/sharing-policy.yml' } }),
        probe('beta', 'environment', { environment: { ONLY_BETA: 'b' } }),
      ],
      { credentialsFor: async (fn) => credentials[fn.key] as FunctionCredentials },
    );

    const [alpha, beta] = (await Promise.all([loaded.invoke('alpha', {}), loaded.invoke('beta', {})])) as Reported[];

    expect(alpha?.environment).toEqual({
      ...BASE,
      ...RUNTIME,
      ONLY_ALPHA: 'a',
      SHARING_POLICY_PATH: `${PROJECT_ROOT}/config/sharing-policy.yml`,
      AWS_LAMBDA_FUNCTION_NAME: 'pso-test-alpha',
      AWS_ACCESS_KEY_ID: 'ASIAALPHA',
      AWS_SECRET_ACCESS_KEY: 'alpha-secret',
      AWS_SESSION_TOKEN: 'alpha-token',
    });
    expect(beta?.environment).toEqual({
      ...BASE,
      ...RUNTIME,
      ONLY_BETA: 'b',
      AWS_LAMBDA_FUNCTION_NAME: 'pso-test-beta',
      AWS_ACCESS_KEY_ID: 'ASIABETA',
      AWS_SECRET_ACCESS_KEY: 'beta-secret',
      AWS_SESSION_TOKEN: 'beta-token',
    });
    expect(alpha?.threadId).not.toBe(beta?.threadId);
    expect(process.env.ONLY_ALPHA).toBeUndefined();
    expect(loaded.invocations).toEqual(
      new Map([
        ['alpha', 1],
        ['beta', 1],
      ]),
    );
  });

  it("uses the base environment's keys without credentialsFor, and lets the base environment override serverless.yml's", async () => {
    const loaded = await load([probe('alpha', 'environment', { environment: { SHARING_POLICY_PATH: 'config/sharing-policy.yml' } })], {
      environment: { ...BASE, SHARING_POLICY_PATH: '/tmp/other-policy.yml' },
    });

    const { environment } = (await loaded.invoke('alpha', {})) as Reported;

    expect(environment).toMatchObject({ AWS_ACCESS_KEY_ID: 'base-key', AWS_SECRET_ACCESS_KEY: 'base-secret' });
    expect(environment.SHARING_POLICY_PATH).toBe('/tmp/other-policy.yml');
    expect(environment.AWS_SESSION_TOKEN).toBeUndefined();
  });

  it('starts a sandbox on the first invocation and reuses it, concurrent invocations included', async () => {
    let started = 0;
    const loaded = await load([probe('alpha', 'environment')], {
      credentialsFor: async () => {
        started += 1;
        return { accessKeyId: `ASIA${started}`, secretAccessKey: 'secret' };
      },
    });
    expect(started).toBe(0);

    const reports = (await Promise.all([loaded.invoke('alpha', {}), loaded.invoke('alpha', {}), loaded.invoke('alpha', {})])) as Reported[];
    const again = (await loaded.invoke('alpha', {})) as Reported;

    expect(started).toBe(1);
    expect(new Set([...reports, again].map((report) => report.threadId)).size).toBe(1);
  });

  it('starts a fresh sandbox with fresh credentials once the credentials expire within five minutes', async () => {
    const issued: number[] = [];
    const loaded = await load([probe('alpha', 'environment')], {
      credentialsFor: async () => {
        issued.push(issued.length + 1);
        // The first session expires in four minutes, the next in an hour.
        const expiration = Date.now() + (issued.length === 1 ? 4 : 60) * 60_000;
        return { accessKeyId: `ASIA${issued.length}`, secretAccessKey: 'secret', sessionToken: 'token', expiration };
      },
    });

    const first = (await loaded.invoke('alpha', {})) as Reported;
    const second = (await loaded.invoke('alpha', {})) as Reported;
    const third = (await loaded.invoke('alpha', {})) as Reported;

    expect(first.environment.AWS_ACCESS_KEY_ID).toBe('ASIA1');
    expect(second.environment.AWS_ACCESS_KEY_ID).toBe('ASIA2');
    expect(second.threadId).not.toBe(first.threadId);
    expect(third.threadId).toBe(second.threadId);
  });

  it("returns a handler's error with its name, message and serialisable fields", async () => {
    const loaded = await load([probe('alpha', 'fail')]);

    const error = await loaded.invoke('alpha', {}).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'NotAuthorized',
      message: '111111111111 may not ask',
      requester: 'arn:aws:iam::111111111111:root',
    });
    expect((error as Record<string, unknown>).describe).toBeUndefined();
    expect((error as Error).stack).toContain('sandbox-probe.ts');
  });

  it('fails an invocation whose sandbox cannot start, as Runtime.HandlerNotFound, and tries again on the next', async () => {
    const loaded = await load([probe('alpha', 'noSuchHandler')]);

    await expect(loaded.invoke('alpha', {})).rejects.toMatchObject({ name: 'Runtime.HandlerNotFound' });
    await expect(loaded.invoke('alpha', {})).rejects.toMatchObject({ name: 'Runtime.HandlerNotFound' });
    await expect.poll(() => loaded.runningSandboxes).toBe(0);
  });

  it('fails a timed-out invocation as Sandbox.Timedout, ends its sandbox, and serves the next invocation from a new one', async () => {
    const loaded = await load([probe('alpha', 'hangWhenAsked', { timeoutSeconds: 0.3 })]);
    const before = (await loaded.invoke('alpha', {})) as Reported;

    const error = await loaded.invoke('alpha', { hang: true }).catch((caught: unknown) => caught);
    await expect.poll(() => loaded.runningSandboxes).toBe(0);
    const after = (await loaded.invoke('alpha', {})) as Reported;

    expect(error).toBeInstanceOf(FunctionTimeoutError);
    expect(error).toMatchObject({ name: 'Sandbox.Timedout', message: 'Task timed out after 0.3 seconds' });
    expect(after.threadId).not.toBe(before.threadId);
    expect(loaded.runningSandboxes).toBe(1);
  });

  it('ends every sandbox on close', async () => {
    const loaded = await load([probe('alpha', 'environment'), probe('beta', 'hangWhenAsked')]);
    await Promise.all([loaded.invoke('alpha', {}), loaded.invoke('beta', {})]);
    const hanging = loaded.invoke('beta', { hang: true }).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(loaded.runningSandboxes).toBe(2);

    await loaded.close();

    expect(loaded.runningSandboxes).toBe(0);
    expect(await hanging).toMatchObject({ name: 'Runtime.ExitError' });
    await expect(loaded.invoke('alpha', {})).rejects.toThrow(FunctionsClosedError);
  });

  it('gives invocations after updateEnvironment the new environment, in a new sandbox, and lets those in flight finish in theirs', async () => {
    const clock = new SimulatedClock({ scale: 1 });
    try {
      const loaded = await load([probe('alpha', 'environment')], {
        environment: { ...BASE, SHARING_POLICY_PATH: '/tmp/first.yml' },
        clock,
      });
      const before = (await loaded.invoke('alpha', {})) as Reported;
      const inFlight = loaded.invoke('alpha', { sleepMs: 60_000 }) as Promise<Reported>;
      await new Promise((resolve) => setTimeout(resolve, 50));

      loaded.updateEnvironment({ SHARING_POLICY_PATH: '/tmp/second.yml' });
      const after = (await loaded.invoke('alpha', {})) as Reported;
      clock.advance(60_000);
      const finished = await inFlight;

      expect(before.environment.SHARING_POLICY_PATH).toBe('/tmp/first.yml');
      expect(after.environment).toMatchObject({ SHARING_POLICY_PATH: '/tmp/second.yml', AWS_ENDPOINT_URL: BASE.AWS_ENDPOINT_URL });
      expect(after.threadId).not.toBe(before.threadId);
      expect(finished).toEqual(before);
      await expect.poll(() => loaded.runningSandboxes).toBe(1);
    } finally {
      clock.close();
    }
  });

  it('follows the simulated clock: its time, its jumps, and sleeps that wait in it', async () => {
    const start = Date.parse('2026-11-21T10:00:00Z');
    const clock = new SimulatedClock({ scale: 1, startTime: start });
    try {
      const loaded = await load([probe('alpha', 'clock')], { clock });

      const first = (await loaded.invoke('alpha', {})) as { before: number };
      expect(first.before - start).toBeGreaterThanOrEqual(0);
      expect(first.before - start).toBeLessThan(5_000);

      clock.advance(3_600_000);
      const jumped = (await loaded.invoke('alpha', {})) as { before: number };
      expect(jumped.before - start).toBeGreaterThanOrEqual(3_600_000);
      expect(jumped.before - clock.now()).toBeLessThanOrEqual(0);
      expect(clock.now() - jumped.before).toBeLessThan(5_000);

      // An hour's sleep at scale 1 ends when the clock is moved past it.
      const sleeping = loaded.invoke('alpha', { sleepMs: 3_600_000 }) as Promise<{ before: number; after: number }>;
      await new Promise((resolve) => setTimeout(resolve, 100));
      clock.advance(3_600_000);
      const slept = await sleeping;
      expect(slept.after - slept.before).toBeGreaterThanOrEqual(3_600_000);

      clock.setScale(1_000);
      const sped = (await loaded.invoke('alpha', { sleepMs: 30_000 })) as { before: number; after: number };
      expect(sped.after - sped.before).toBeGreaterThanOrEqual(30_000);
      expect(Math.abs(clock.now() - sped.after)).toBeLessThan(5_000);
    } finally {
      clock.close();
    }
  });

  it('gives every invocation its own Lambda context, counting down from the timeout', async () => {
    const loaded = await load([probe('alpha', 'context', { timeoutSeconds: 29 })]);

    const [one, two] = (await Promise.all([loaded.invoke('alpha', {}), loaded.invoke('alpha', {})])) as {
      first: number;
      later: number;
      requestId: string;
    }[];

    expect(one?.first).toBeLessThanOrEqual(29_000);
    expect(one?.first).toBeGreaterThan(28_000);
    expect(one?.later).toBeLessThan(one?.first ?? 0);
    expect(one?.requestId).not.toBe(two?.requestId);
  });

  it("lets the process end with a sandbox left idle, under tsx as npm start runs, and keeps the SDK's Node.js notice out of the sandbox", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'test/local-runtime/fixtures/invoke-and-leave.ts')],
      { cwd: PROJECT_ROOT, timeout: 20_000 },
    );

    expect(JSON.parse(stdout)).toMatchObject({ region: 'eu-west-1' });
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  });
});
