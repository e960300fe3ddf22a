import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClockAnchors } from '@portfolio-share-orchestrator/local-aws';
import type { LambdaFunction } from './lambda-context.js';
import { deserializeError, type FromSandbox, type SandboxData, type ToSandbox } from './sandbox-protocol.js';
import { type LocalFunction, PROJECT_ROOT } from './serverless-config.js';
import { createSharedClock, publishAnchors } from './shared-clock.js';

export class FunctionTimeoutError extends Error {
  override name = 'Sandbox.Timedout';
}

/** The sandbox ended under an invocation: its worker exited, or the functions were closed. */
export class SandboxExitError extends Error {
  override name = 'Runtime.ExitError';
}

export class FunctionModuleNotFoundError extends Error {
  override name = 'FunctionModuleNotFoundError';
}

export class FunctionsClosedError extends Error {
  override name = 'FunctionsClosedError';
}

/** A function's own credentials, as Lambda gives it its execution role's session. */
export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch ms of the machine clock, as STS's Expiration (SDK clients compare it with the machine clock too). */
  expiration?: number;
}

/** The clock the functions' src/clock.ts follows: the endpoint's SimulatedClock. */
export interface FunctionsClock {
  anchors(): ClockAnchors;
  onChange(listener: () => void): () => void;
  sleep(ms: number): Promise<void>;
}

export interface LocalFunctionsOptions {
  region: string;
  accountId: string;
  /** What every function's environment starts from (e.g. AWS_ENDPOINT_URL), over serverless.yml's. */
  environment: Record<string, string>;
  /** Each function's credentials; without it, the keys of `environment`. */
  credentialsFor?: (fn: LocalFunction) => Promise<FunctionCredentials>;
  /** Without it, the functions keep the wall clock. */
  clock?: FunctionsClock;
}

// Lambda hands a function its execution role's credentials again before they expire.
const CREDENTIALS_REFRESH_MS = 5 * 60_000;
const BOOTSTRAP = new URL('./sandbox-bootstrap.mjs', import.meta.url);
// Set by the runtime, not by serverless.yml: the SDK's Node.js version notice would otherwise be
// printed once per worker (the deployed runtime, Node.js 24, has no such notice).
const RUNTIME_ENVIRONMENT = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One function's execution environment: a worker thread with the function's environment as its
 * process.env and its own module graph (so its own SDK clients and credentials).
 */
class Sandbox {
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #sequence = 0;
  #retired = false;
  #exited = false;
  #initFailed: ((error: Error) => void) | undefined;

  constructor(
    readonly fn: LocalFunction,
    environment: Record<string, string>,
    data: SandboxData,
    readonly expiration: number | undefined,
    private readonly clock: FunctionsClock | undefined,
    onExit: () => void,
  ) {
    // execArgv: [] so that a parent's loader flags (tsx's, vitest's) do not reach the worker: its bootstrap registers tsx itself.
    this.#worker = new Worker(BOOTSTRAP, { env: environment, workerData: data, execArgv: [] });
    this.ready = new Promise<void>((resolve, reject) => {
      this.#initFailed = reject;
      this.#worker.on('message', (message: FromSandbox) => {
        if (message.type === 'ready') {
          this.#initFailed = undefined;
          this.#idle();
          resolve();
        } else if (message.type === 'init-failed') {
          this.#failAll(deserializeError(message.error));
          void this.terminate();
        } else this.#receive(message);
      });
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', (code) => {
      this.#exited = true;
      this.#failAll(new SandboxExitError(`Runtime exited with exit code ${code}`));
      onExit();
    });
  }

  /** Takes new invocations: not retired, not exited. */
  get accepting(): boolean {
    return !this.#retired && !this.#exited;
  }

  /** Takes new invocations, and its credentials will not expire during one. */
  usable(realNow: number): boolean {
    return this.accepting && (this.expiration === undefined || this.expiration - realNow > CREDENTIALS_REFRESH_MS);
  }

  invoke(event: unknown): Promise<unknown> {
    const id = ++this.#sequence;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#idle();
        reject(new FunctionTimeoutError(`Task timed out after ${this.fn.timeoutSeconds} seconds`));
        // Lambda discards a timed-out sandbox. Invocations still running here would have had
        // sandboxes of their own, so they finish first; the next invocation gets a fresh sandbox.
        this.retire();
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#worker.ref();
      this.#send({ type: 'invoke', id, event: JSON.stringify(event) });
    });
  }

  /** Takes no new invocation, and ends once those in flight have. */
  retire(): void {
    this.#retired = true;
    if (this.#pending.size === 0) void this.terminate();
  }

  async terminate(reason = 'The sandbox was discarded'): Promise<void> {
    this.#retired = true;
    this.#failAll(new SandboxExitError(reason));
    if (!this.#exited) await this.#worker.terminate();
  }

  #send(message: ToSandbox): void {
    if (!this.#exited) this.#worker.postMessage(message);
  }

  #receive(message: Exclude<FromSandbox, { type: 'ready' } | { type: 'init-failed' }>): void {
    if (message.type === 'sleep') {
      const sleep = this.clock?.sleep(message.ms) ?? Promise.resolve();
      void sleep.then(() => this.#send({ type: 'woke', id: message.id }));
      return;
    }
    const pending = this.#pending.get(message.id);
    // A timed-out invocation's late answer has no one waiting for it.
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(message.id);
    this.#idle();
    if (message.type === 'result') pending.resolve(message.result === undefined ? undefined : JSON.parse(message.result));
    else pending.reject(deserializeError(message.error));
    if (this.#retired && this.#pending.size === 0) void this.terminate();
  }

  /** A sandbox keeps the process alive while it starts or runs an invocation, as pending I/O does; an idle one does not. */
  #idle(): void {
    if (this.#pending.size === 0) this.#worker.unref();
  }

  #failAll(error: Error): void {
    this.#initFailed?.(error);
    this.#initFailed = undefined;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

interface Slot {
  starting: Promise<Sandbox>;
  sandbox?: Sandbox;
}

/**
 * The project's functions, loaded from the handlers serverless.yml names, each in a sandbox of its
 * own as Lambda runs them: a worker thread started on the function's first invocation and reused
 * after, whose process.env is that function's Lambda environment only (the base environment, the
 * function's from serverless.yml, its name, region and credentials). Unlike Lambda, concurrent
 * invocations of one function share its sandbox rather than each getting one.
 */
export class LocalFunctions {
  readonly invocations = new Map<string, number>();
  readonly #region: string;
  readonly #accountId: string;
  readonly #environment: Record<string, string>;
  readonly #credentialsFor: LocalFunctionsOptions['credentialsFor'];
  readonly #clock: FunctionsClock | undefined;
  readonly #clockBuffer: SharedArrayBuffer | undefined;
  readonly #unsubscribeClock: (() => void) | undefined;
  /** Each function's current sandbox, starting or started. */
  readonly #current = new Map<string, Slot>();
  /** Every sandbox whose worker runs, retired ones finishing their invocations included. */
  readonly #sandboxes = new Set<Sandbox>();
  #closed = false;

  private constructor(
    readonly definitions: LocalFunction[],
    options: LocalFunctionsOptions,
  ) {
    this.#region = options.region;
    this.#accountId = options.accountId;
    this.#environment = { ...options.environment };
    this.#credentialsFor = options.credentialsFor;
    const clock = options.clock;
    this.#clock = clock;
    if (clock) {
      const buffer = createSharedClock();
      publishAnchors(buffer, clock.anchors());
      this.#unsubscribeClock = clock.onChange(() => publishAnchors(buffer, clock.anchors()));
      this.#clockBuffer = buffer;
    }
  }

  static async load(definitions: LocalFunction[], options: LocalFunctionsOptions): Promise<LocalFunctions> {
    for (const fn of definitions) {
      if (!existsSync(join(PROJECT_ROOT, fn.modulePath))) throw new FunctionModuleNotFoundError(`${fn.key}: no module ${fn.modulePath}`);
    }
    return new LocalFunctions(definitions, options);
  }

  /** Invokes a function as Lambda would: in its sandbox, with a fresh context, its timeout enforced. */
  async invoke(key: string, event: unknown): Promise<unknown> {
    const fn = this.definitions.find((definition) => definition.key === key);
    if (!fn) throw new Error(`No function ${key}`);
    this.invocations.set(key, (this.invocations.get(key) ?? 0) + 1);
    for (;;) {
      if (this.#closed) throw new FunctionsClosedError(`The local functions are closed: ${key} was not invoked`);
      const sandbox = await this.#sandboxFor(fn);
      // Retired (an environment update) or exited while it started: the next one serves.
      if (sandbox.accepting) return sandbox.invoke(event);
    }
  }

  /**
   * Changes the base environment of every function from now on, as a function configuration update
   * does: the current sandboxes finish their invocations in flight, new ones get the new environment.
   */
  updateEnvironment(variables: Record<string, string>): void {
    Object.assign(this.#environment, variables);
    for (const slot of this.#current.values()) {
      if (slot.sandbox) slot.sandbox.retire();
      else
        void slot.starting.then(
          (sandbox) => sandbox.retire(),
          () => undefined,
        );
    }
    this.#current.clear();
  }

  /** How many sandboxes' workers run, retired ones still finishing invocations included. */
  get runningSandboxes(): number {
    return this.#sandboxes.size;
  }

  /** The functions by deployed name, as Task states reference them through their ARNs. */
  byName(): Record<string, LambdaFunction> {
    return Object.fromEntries(this.definitions.map((fn) => [fn.name, (event: unknown) => this.invoke(fn.key, event)]));
  }

  /** Ends every sandbox; invocations in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribeClock?.();
    this.#current.clear();
    await Promise.all([...this.#sandboxes].map((sandbox) => sandbox.terminate('The local functions were closed')));
  }

  #sandboxFor(fn: LocalFunction): Promise<Sandbox> {
    const slot = this.#current.get(fn.key);
    if (slot && (!slot.sandbox || slot.sandbox.usable(Date.now()))) return slot.starting;
    slot?.sandbox?.retire();
    const next: Slot = { starting: this.#start(fn) };
    this.#current.set(fn.key, next);
    next.starting.then(
      (sandbox) => {
        next.sandbox = sandbox;
      },
      () => {
        // A failed start (e.g. the module's initialisation threw) is tried again by the next invocation, as Lambda does.
        if (this.#current.get(fn.key) === next) this.#current.delete(fn.key);
      },
    );
    return next.starting;
  }

  async #start(fn: LocalFunction): Promise<Sandbox> {
    const credentials = await this.#credentialsFor?.(fn);
    if (this.#closed) throw new FunctionsClosedError(`The local functions are closed: ${fn.key} was not started`);
    const data: SandboxData = {
      moduleUrl: pathToFileURL(join(PROJECT_ROOT, fn.modulePath)).href,
      exportName: fn.exportName,
      functionName: fn.name,
      region: this.#region,
      accountId: this.#accountId,
      timeoutSeconds: fn.timeoutSeconds,
      ...(this.#clockBuffer ? { clock: this.#clockBuffer } : {}),
    };
    const sandbox: Sandbox = new Sandbox(fn, this.#environmentOf(fn, credentials), data, credentials?.expiration, this.#clock, () =>
      this.#sandboxes.delete(sandbox),
    );
    this.#sandboxes.add(sandbox);
    await sandbox.ready;
    return sandbox;
  }

  /** The function's Lambda environment: serverless.yml's (SHARING_POLICY_PATH as packaged), under the base environment, and what Lambda sets. */
  #environmentOf(fn: LocalFunction, credentials: FunctionCredentials | undefined): Record<string, string> {
    const own = Object.fromEntries(
      Object.entries(fn.environment).map(([name, value]) => [name, name === 'SHARING_POLICY_PATH' ? join(PROJECT_ROOT, value) : value]),
    );
    const environment: Record<string, string> = {
      ...own,
      ...this.#environment,
      ...RUNTIME_ENVIRONMENT,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_REGION: this.#region,
    };
    if (credentials) {
      environment.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      environment.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      if (credentials.sessionToken) environment.AWS_SESSION_TOKEN = credentials.sessionToken;
      else delete environment.AWS_SESSION_TOKEN;
    }
    return environment;
  }
}
