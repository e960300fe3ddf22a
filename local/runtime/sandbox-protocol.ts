// What a function's worker (local/runtime/sandbox.ts) and the main thread (local-functions.ts) say
// to each other. Events and results cross as JSON text, as Lambda's invoke payloads do; errors as
// their name, message, stack and the own fields that survive the crossing.

/** What the worker needs to load the function and build its Lambda contexts. */
export interface SandboxData {
  /** The handler module's file URL and export. */
  moduleUrl: string;
  exportName: string;
  functionName: string;
  region: string;
  accountId: string;
  timeoutSeconds: number;
  /** The simulated clock's anchors (shared-clock.ts); without it the function keeps the wall clock. */
  clock?: SharedArrayBuffer;
}

export type ToSandbox = { type: 'invoke'; id: number; event: string | undefined } | { type: 'woke'; id: number };

export type FromSandbox =
  | { type: 'ready' }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; result: string | undefined }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'sleep'; id: number; ms: number };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  cause?: SerializedError;
}

const cloneable = (value: unknown): boolean => {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
};

const OWN_PARTS = new Set(['name', 'message', 'stack', 'cause']);

export const serializeError = (error: unknown): SerializedError => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields = Object.fromEntries(Object.entries(error).filter(([key, value]) => !OWN_PARTS.has(key) && cloneable(value)));
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
    fields,
    ...(error.cause !== undefined ? { cause: serializeError(error.cause) } : {}),
  };
};

/** The error as the caller sees it: same name and message (Retry and Catch match on the name), the handler's stack. */
export const deserializeError = (serialized: SerializedError): Error => {
  const error = Object.assign(new Error(serialized.message), serialized.fields);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.cause) error.cause = deserializeError(serialized.cause);
  return error;
};
