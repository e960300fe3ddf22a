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
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const matched = routes
      .map((entry) => ({ entry, match: entry.route.method === method ? entry.regex.exec(url.pathname) : null }))
      .find((item) => item.match);
    const finish = (status: number, body: string, headers?: Record<string, string>) => {
      send(response, status, body, headers);
      options.onRequest?.({ method, path: url.pathname, status });
    };
    if (!matched?.match) return finish(404, JSON.stringify({ message: 'Not Found' }));
    const { route, names } = matched.entry;
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
      pathParameters: names.length
        ? Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(matched.match?.[index + 1] ?? '')]))
        : undefined,
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
    try {
      const result = (await options.invokeFunction(route.functionKey, event)) as
        | { statusCode?: number; body?: string; headers?: Record<string, string> }
        | undefined;
      finish(result?.statusCode ?? 200, result?.body ?? '', result?.headers);
    } catch {
      finish(500, JSON.stringify({ message: 'Internal Server Error' }));
    }
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
