// The local HTTP API answers every request as API Gateway does and lives on: a path that does not
// decode matches no route (404), and whatever fails while a request is answered answers that
// request 500 and is reported, while the server goes on answering the next.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHttpApi } from '../../local/runtime/http-api.js';
import type { LocalRoute } from '../../local/runtime/serverless-config.js';

// The routes serverless.yml deploys, as the local stack reads them.
const { functions } = parse(readFileSync(join(import.meta.dirname, '..', '..', 'serverless.yml'), 'utf8'), { merge: true }) as {
  functions: Record<string, { events?: { httpApi?: { method: string; path: string; authorizer?: { type?: string } } }[] }>;
};
const ROUTES: LocalRoute[] = Object.entries(functions).flatMap(([functionKey, fn]) =>
  (fn.events ?? []).flatMap(({ httpApi }) =>
    httpApi
      ? [{ method: httpApi.method.toUpperCase(), path: httpApi.path, functionKey, iamAuthorised: httpApi.authorizer?.type === 'aws_iam' }]
      : [],
  ),
);
const WITH_PARAMETERS = ROUTES.filter((route) => route.path.includes('{'));

const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/execute-api/aws4_request, Signature=abc' };
const CALLER = { arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012', userId: '123456789012' };

let invoked: { functionKey: string; event: { pathParameters?: Record<string, string> } }[] = [];
let failures: { method: string; path: string; error: unknown }[] = [];
let lines: { method: string; path: string; status: number }[] = [];
/** What the next invocation does; by default it echoes the path parameters it was given. */
let behaviour: (event: unknown) => unknown;
let throwingCaller = false;
let throwingLine = false;
let api: Awaited<ReturnType<typeof startHttpApi>>;

beforeAll(async () => {
  api = await startHttpApi({
    port: 0,
    routes: ROUTES,
    invokeFunction: async (functionKey, event) => {
      invoked.push({ functionKey, event: event as { pathParameters?: Record<string, string> } });
      return behaviour(event);
    },
    callerOf: () => {
      if (throwingCaller) throw new Error('identity store unavailable');
      return CALLER;
    },
    onRequest: (line) => {
      lines.push(line);
      if (throwingLine) throw new Error('the line printer failed');
    },
    onError: (failure) => failures.push(failure),
  });
});

afterAll(() => api?.close());

beforeEach(() => {
  invoked = [];
  failures = [];
  lines = [];
  throwingCaller = false;
  throwingLine = false;
  behaviour = (event) => ({ statusCode: 200, body: JSON.stringify((event as { pathParameters?: unknown }).pathParameters ?? null) });
});

/** Sends the path byte for byte (no client normalises it), signed as the IAM routes require. */
const send = (method: string, path: string) =>
  new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const { hostname, port } = new URL(api.url);
    const outgoing = httpRequest({ hostname, port, method, path, headers: SIGNED }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });

/** A route's path with every parameter replaced by `value`. */
const pathOf = (route: LocalRoute, value: string) => route.path.replace(/\{\w+\+?\}/g, value);

describe('a path that does not decode', () => {
  it('leaves routes with path parameters to test', () => {
    expect(WITH_PARAMETERS.length).toBeGreaterThanOrEqual(5);
  });

  // A truncated UTF-8 sequence, an overlong encoding, a lone %, no hex digits.
  it.each(['%E0%A4%A', '%C0%AF', '%', '%ZZ'])(
    'matches no route: 404 Not Found on every route with a path parameter (%s)',
    async (malformed) => {
      for (const route of WITH_PARAMETERS) {
        expect(await send(route.method, pathOf(route, `x${malformed}`)), `${route.method} ${route.path}`).toEqual({
          status: 404,
          body: { message: 'Not Found' },
        });
      }
      expect(invoked).toEqual([]);
      expect(failures).toEqual([]);
      // The server goes on.
      const route = WITH_PARAMETERS[0] as LocalRoute;
      expect((await send(route.method, pathOf(route, 'ok-1'))).status).toBe(200);
    },
  );

  it('is decoded once to match (an encoded / separates segments) and once more for the parameter', async () => {
    expect(await send('GET', '/shares/a%2Fb')).toEqual({ status: 404, body: { message: 'Not Found' } });
    // Decoded once it is /shares/%ZZ, which matches, but the parameter does not decode.
    expect(await send('GET', '/shares/%25ZZ')).toEqual({ status: 404, body: { message: 'Not Found' } });
    expect(await send('GET', '/shares/ticket%2D42')).toEqual({ status: 200, body: { requestId: 'ticket-42' } });
    expect(await send('GET', '/shares/a%252Fb')).toEqual({ status: 200, body: { requestId: 'a/b' } });
    expect(invoked.map(({ functionKey }) => functionKey)).toEqual(['getShare', 'getShare']);
  });
});

describe('an exception while answering a request', () => {
  it.each([
    [
      'the function fails',
      () => {
        behaviour = () => {
          throw new Error('Runtime.UnhandledPromiseRejection');
        };
      },
      'Runtime.UnhandledPromiseRejection',
    ],
    [
      'the caller cannot be resolved',
      () => {
        throwingCaller = true;
      },
      'identity store unavailable',
    ],
    [
      'the function answers a header no response may carry',
      () => {
        behaviour = () => ({ statusCode: 200, body: '{}', headers: { 'x-bad': 'line\nbreak' } });
      },
      'Invalid character in header content',
    ],
  ])('answers 500 when %s, reports it, and the server goes on', async (_name, arrange, message) => {
    arrange();

    expect(await send('GET', '/shares/ticket-1')).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    expect(failures).toEqual([
      { method: 'GET', path: '/shares/ticket-1', error: expect.objectContaining({ message: expect.stringContaining(message) }) },
    ]);
    expect(lines).toEqual([{ method: 'GET', path: '/shares/ticket-1', status: 500 }]);

    throwingCaller = false;
    behaviour = () => ({ statusCode: 200, body: '{"ok":true}' });
    expect(await send('GET', '/shares/ticket-2')).toEqual({ status: 200, body: { ok: true } });
  });

  it('reports a failure after the answer was sent, and the server goes on', async () => {
    throwingLine = true;

    expect(await send('GET', '/shares/ticket-1')).toEqual({ status: 200, body: { requestId: 'ticket-1' } });
    expect(failures).toEqual([
      { method: 'GET', path: '/shares/ticket-1', error: expect.objectContaining({ message: 'the line printer failed' }) },
    ]);

    throwingLine = false;
    expect((await send('GET', '/shares/ticket-2')).status).toBe(200);
  });
});
