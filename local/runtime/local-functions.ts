import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type LambdaFunction, lambdaContext } from './lambda-context.js';
import type { LocalFunction } from './serverless-config.js';
import { PROJECT_ROOT } from './serverless-config.js';

export class FunctionEnvironmentConflictError extends Error {
  override name = 'FunctionEnvironmentConflictError';
}

export class FunctionTimeoutError extends Error {
  override name = 'Sandbox.Timedout';
}

/**
 * The project's functions, loaded from the handlers serverless.yml names. They share one process,
 * so their environments are merged once; two functions giving one variable different values would
 * make that unfaithful, and is refused.
 */
export class LocalFunctions {
  readonly invocations = new Map<string, number>();

  private constructor(
    readonly definitions: LocalFunction[],
    private readonly handlers: Map<string, LambdaFunction>,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  static async load(
    definitions: LocalFunction[],
    options: {
      region: string;
      accountId: string;
      environment: Record<string, string>;
      /** The function's execution-role session (used once functions run in their own sandboxes). */
      credentialsFor?: (
        fn: LocalFunction,
      ) => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: number }>;
    },
  ): Promise<LocalFunctions> {
    const merged: Record<string, string> = { ...options.environment };
    for (const fn of definitions) {
      for (const [name, value] of Object.entries(fn.environment)) {
        const resolved = name === 'SHARING_POLICY_PATH' ? join(PROJECT_ROOT, value) : value;
        if (merged[name] !== undefined && merged[name] !== resolved && !(name in options.environment)) {
          throw new FunctionEnvironmentConflictError(`${fn.key}: ${name}=${resolved} conflicts with ${merged[name]}`);
        }
        merged[name] ??= resolved;
      }
    }
    Object.assign(process.env, merged);
    const handlers = new Map<string, LambdaFunction>();
    for (const fn of definitions) {
      const module = (await import(pathToFileURL(join(PROJECT_ROOT, fn.modulePath)).href)) as Record<string, LambdaFunction>;
      const handler = module[fn.exportName];
      if (typeof handler !== 'function') throw new Error(`${fn.modulePath} exports no ${fn.exportName}`);
      handlers.set(fn.key, handler);
    }
    return new LocalFunctions(definitions, handlers, options.region, options.accountId);
  }

  /** Invokes a function as Lambda would: a fresh context, its timeout enforced. */
  async invoke(key: string, event: unknown): Promise<unknown> {
    const fn = this.definitions.find((definition) => definition.key === key);
    const handler = this.handlers.get(key);
    if (!fn || !handler) throw new Error(`No function ${key}`);
    this.invocations.set(key, (this.invocations.get(key) ?? 0) + 1);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`Task timed out after ${fn.timeoutSeconds} seconds`)),
        fn.timeoutSeconds * 1000,
      );
    });
    try {
      return await Promise.race([handler(event, lambdaContext(fn.name, this.region, this.accountId, fn.timeoutSeconds)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The functions by deployed name, as Task states reference them through their ARNs. */
  byName(): Record<string, LambdaFunction> {
    return Object.fromEntries(this.definitions.map((fn) => [fn.name, (event: unknown) => this.invoke(fn.key, event)]));
  }
}
