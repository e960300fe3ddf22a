import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalRoute } from './serverless-config.js';

export interface HttpApiOptions {
  port: number;
  host?: string;
  routes: LocalRoute[];
  invokeFunction: (functionKey: string, event: unknown) => Promise<unknown>;
  /** Whether an access key is known to the local endpoint (IAM authorisation of the routes). */
  /** Who signed with this key (and session token), as the endpoint knows it; undefined for an unknown key. */
  callerOf: (accessKeyId: string, sessionToken: string | undefined) => { arn: string; accountId: string; userId: string } | undefined;
  onRequest?: (line: { method: string; path: string; status: number }) => void;
  /** An exception while answering a request (it was answered 500); the server goes on. Default: stderr. */
  onError?: (failure: { method: string; path: string; error: unknown }) => void;
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//;

const toPattern = (path: string) => {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\+?\}/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
};

/**
 * A path as API Gateway routes it: decoded once to match the routes (so `%2F` separates segments), and
 * each path parameter decoded once more before it reaches the function. A path that does not decode
 * (`%`, `%ZZ`, `%C0%AF`, a truncated UTF-8 sequence) matches no route: undefined.
 */
const decodePath = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
};

const readBody = async (request: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
};

const send = (
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => {
  response.writeHead(status, headers).end(body);
};

/**
 * The HTTP API of serverless.yml on a local port: its routes, API Gateway's payload format 2.0,
 * the same handlers. IAM routes need a SigV4 Authorization header with a key the local endpoint
 * knows (e.g. `curl --aws-sigv4 aws:amz:us-east-1:execute-api --user test:test`).
 */
export const startHttpApi = async (options: HttpApiOptions) => {
  const routes = options.routes.map((route) => ({ route, ...toPattern(route.path) }));
  const onError =
    options.onError ??
    (({ method, path, error }) => console.error(`http ${method} ${path} failed:`, error instanceof Error ? (error.stack ?? error) : error));

  const answer = async (request: IncomingMessage, finish: (status: number, body: string, headers?: Record<string, string>) => void) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const notFound = () => finish(404, JSON.stringify({ message: 'Not Found' }));
    const decodedPath = decodePath(url.pathname);
    if (decodedPath === undefined) return notFound();
    const matched = routes
      .map((entry) => ({ entry, match: entry.route.method === method ? entry.regex.exec(decodedPath) : null }))
      .find((item) => item.match);
    if (!matched?.match) return notFound();
    const { route, names } = matched.entry;
    const values = names.map((_name, index) => decodePath(matched.match?.[index + 1] ?? ''));
    if (values.some((value) => value === undefined)) return notFound();
    let caller: ReturnType<HttpApiOptions['callerOf']>;
    if (route.iamAuthorised) {
      const key = SIGV4.exec(request.headers.authorization ?? '')?.[1];
      const token = request.headers['x-amz-security-token'];
      caller = key ? options.callerOf(key, Array.isArray(token) ? token[0] : token) : undefined;
      if (!caller) return finish(403, JSON.stringify({ message: 'Forbidden' }));
    }
    const body = await readBody(request);
    const event = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]),
      ),
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: names.length ? Object.fromEntries(names.map((name, index) => [name, values[index] as string])) : undefined,
      requestContext: {
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        // What API Gateway's IAM authorizer reports about the signer (payload format 2.0).
        ...(caller
          ? {
              authorizer: {
                iam: {
                  accessKey: SIGV4.exec(request.headers.authorization ?? '')?.[1] ?? null,
                  accountId: caller.accountId,
                  callerId: caller.userId,
                  cognitoIdentity: null,
                  principalOrgId: null,
                  userArn: caller.arn,
                  userId: caller.userId,
                },
              },
            }
          : {}),
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        timeEpoch: Date.now(),
      },
      body,
      isBase64Encoded: false,
    };
    // A function that fails answers 500 as API Gateway does; the catch below logs it.
    const result = (await options.invokeFunction(route.functionKey, event)) as
      | { statusCode?: number; body?: string; headers?: Record<string, string> }
      | undefined;
    finish(result?.statusCode ?? 200, result?.body ?? '', result?.headers);
  };

  // Whatever a request does, it is answered, and the server (and the process) goes on.
  const report = (failure: { method: string; path: string; error: unknown }) => {
    try {
      onError(failure);
    } catch (error) {
      console.error(`http ${failure.method} ${failure.path} failed, and so did reporting it:`, failure.error, error);
    }
  };
  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0] as string;
    let status: number | undefined;
    const finish = (answered: number, body: string, headers?: Record<string, string>) => {
      status = answered;
      send(response, answered, body, headers);
    };
    answer(request, finish)
      .catch((error: unknown) => {
        report({ method, path, error });
        if (response.headersSent) response.destroy();
        else finish(500, JSON.stringify({ message: 'Internal Server Error' }));
      })
      .then(() => {
        if (status !== undefined) options.onRequest?.({ method, path, status });
      })
      .catch((error: unknown) => report({ method, path, error }));
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
