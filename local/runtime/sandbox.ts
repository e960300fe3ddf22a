// One function's sandbox: runs in a worker thread of its own (started by local-functions.ts through
// sandbox-bootstrap.mjs) with that function's Lambda environment as process.env, so its module-level
// SDK clients resolve its own credentials, as in a Lambda execution environment.
import { parentPort, workerData } from 'node:worker_threads';
import { useClock } from '../../src/clock.js';
import { type LambdaFunction, lambdaContext } from './lambda-context.js';
import { type FromSandbox, type SandboxData, serializeError, type ToSandbox } from './sandbox-protocol.js';
import { readSharedClock } from './shared-clock.js';

export class HandlerNotFoundError extends Error {
  override name = 'Runtime.HandlerNotFound';
}

const port = parentPort;
if (!port) throw new Error('local/runtime/sandbox.ts runs in a function worker only');
const data = workerData as SandboxData;
const send = (message: FromSandbox) => port.postMessage(message);

// src/clock.ts of the handler's module graph: it follows the main thread's simulated clock, read
// synchronously from the shared anchors; a sleep waits on that clock in the main thread.
const sleepers = new Map<number, () => void>();
let sleepSequence = 0;
const { clock } = data;
if (clock) {
  useClock({
    now: () => new Date(readSharedClock(clock)),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const id = ++sleepSequence;
        sleepers.set(id, resolve);
        send({ type: 'sleep', id, ms });
      }),
  });
}

const load = async (): Promise<LambdaFunction> => {
  const module = (await import(data.moduleUrl)) as Record<string, unknown>;
  const handler = module[data.exportName];
  if (typeof handler !== 'function') throw new HandlerNotFoundError(`${data.moduleUrl} exports no ${data.exportName}`);
  return handler as LambdaFunction;
};

const invoke = async (handler: LambdaFunction, id: number, event: string | undefined) => {
  try {
    const context = lambdaContext(data.functionName, data.region, data.accountId, data.timeoutSeconds);
    const result = await handler(event === undefined ? undefined : JSON.parse(event), context);
    send({ type: 'result', id, result: result === undefined ? undefined : JSON.stringify(result) });
  } catch (error) {
    send({ type: 'error', id, error: serializeError(error) });
  }
};

try {
  const handler = await load();
  port.on('message', (message: ToSandbox) => {
    if (message.type === 'invoke') void invoke(handler, message.id, message.event);
    else {
      sleepers.get(message.id)?.();
      sleepers.delete(message.id);
    }
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'init-failed', error: serializeError(error) });
}
