// The HTTP front of the local AWS endpoint: one node:http server that routes each request to a
// service module by its wire protocol (awsJson by `X-Amz-Target` prefix, awsQuery by `Version`),
// decides the caller from the SigV4 access key, applies the simulation knobs (latency, throttling,
// faults), counts the call, and encodes the result or error exactly as AWS does for that protocol.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import type { SimulatedClock } from './clock.js';
import { AwsServiceError, type Caller, type RequestContext, type ServiceModule } from './contract.js';
import { type AuthorizationRequest, accessDenied, type IamEvaluator } from './iam/evaluator.js';
import type { IdentityStore } from './identity.js';
import type { SimulationKnobs } from './knobs.js';
import { ChangedRecords } from './persistence/records.js';
import type { PersistedPart } from './persistence/store.js';
import {
  type AwsJsonVersion,
  decodeJsonInput,
  type ErrorMessageMember,
  encodeJsonError,
  encodeJsonOutput,
  readJsonTarget,
} from './protocols/aws-json.js';
import { decodeQueryRequest, encodeQueryError, encodeQueryOutput } from './protocols/aws-query.js';
import type { EncodedResponse } from './protocols/http-response.js';
import { firstHeader, readCredentialScope } from './protocols/sigv4.js';
import type { ApiCallStats } from './stats.js';

export type WireProtocol = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery';

export interface ServiceErrorTemplate {
  code: string;
  message: string;
  statusCode: number;
}

export interface ServiceRegistration {
  module: ServiceModule;
  /** Short name used in stats and knob selectors: `organizations`, `servicecatalog`, `sts`, `events`, `stepfunctions`. */
  name: string;
  protocol: WireProtocol;
  /** awsQuery services: the `Version` request parameter and the XML namespace of responses. */
  query?: { version: string; xmlNamespace: string };
  /** What a throttled call fails with; `ThrottlingException` (400, "Rate exceeded") unless the model names another. */
  throttlingError?: ServiceErrorTemplate;
  /** What an injected fault fails with; the common `InternalFailure` (500) unless the model names another. */
  internalError?: ServiceErrorTemplate;
  /** awsJson services: the member name of the error message in the model's error shapes (`message` unless given). */
  errorMessageMember?: ErrorMessageMember;
  /**
   * The IAM authorizations a call needs (action, resource ARN, condition keys, resource policy), per the
   * Service Authorization Reference; none when the service authorizes inside the operation (STS).
   */
  authorizations?: (operation: string, input: Record<string, unknown>, context: RequestContext) => AuthorizationRequest[];
  /** What a refused call fails with; `AccessDeniedException` (400) unless given. */
  accessDenied?: (message: string) => AwsServiceError;
}

/** One handled API call, as reported to `onCall` listeners (live logs, tests that inspect wire output). */
export interface ApiCallRecord {
  requestId: string;
  service: string;
  operation: string;
  caller?: Caller;
  region?: string;
  statusCode: number;
  errorCode?: string;
  input: Record<string, unknown>;
  /** The output shape as written to the wire (before protocol encoding). */
  output?: unknown;
  durationMs: number;
}

export type ApiCallListener = (call: ApiCallRecord) => void;

export interface LocalAwsServerOptions {
  identity: IdentityStore;
  iam: IamEvaluator;
  knobs: SimulationKnobs;
  clock: SimulatedClock;
  stats: ApiCallStats;
  /** Bugs (errors that are not AwsServiceError) are answered with a 500 and reported here. */
  onInternalError?: (error: unknown, call: { service: string; operation: string }) => void;
  /**
   * Resolves once what a call changed is on disk (a persisted state): every answer waits for it, so
   * nothing a client was told of is lost when the process is killed.
   */
  durable?: () => Promise<void>;
}

/**
 * A request header the local runtime's Step Functions integrations send: the same key names the same
 * task call of an execution, however often the execution is run again (a redrive after a restart).
 * A call that changes something is carried out once per key; its answer is kept and given again.
 */
export const IDEMPOTENCY_KEY_HEADER = 'x-local-aws-idempotency-key';

/** Operations that only read: answered afresh each time, never kept by idempotency key. */
const READ_ONLY_OPERATION = /^(Describe|List|Get|Search|Scan)/;

interface KeptAnswer {
  service: string;
  operation: string;
  response: EncodedResponse;
  errorCode?: string;
}

export class DuplicateServiceError extends Error {
  override name = 'DuplicateServiceError';
}

const DEFAULT_THROTTLING_ERROR: ServiceErrorTemplate = { code: 'ThrottlingException', message: 'Rate exceeded', statusCode: 400 };
const DEFAULT_INTERNAL_ERROR: ServiceErrorTemplate = {
  code: 'InternalFailure',
  message: 'The request processing has failed because of an unknown error, exception or failure.',
  statusCode: 500,
};
const MAX_BODY_BYTES = 16 * 1024 * 1024;

interface Route {
  registration: ServiceRegistration;
  operation: string;
  input: Record<string, unknown>;
}

export class LocalAwsServer {
  readonly #jsonServices = new Map<string, ServiceRegistration>();
  readonly #queryServices = new Map<string, ServiceRegistration>();
  readonly #listeners = new Set<ApiCallListener>();
  readonly #options: LocalAwsServerOptions;
  readonly #server: Server;
  readonly #answers = new Map<string, KeptAnswer>();
  readonly #answerRecords = new ChangedRecords(
    (key) => this.#answers.get(key),
    () => this.#answers.keys(),
  );

  constructor(options: LocalAwsServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        // Only a broken socket gets here; the client is gone, so the error is reported and nothing is sent.
        options.onInternalError?.(error, { service: 'http', operation: request.method ?? 'UNKNOWN' });
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  }

  /** Plugs a service module in. awsJson modules are found by their target prefix, awsQuery ones by `Version`. */
  register(registration: ServiceRegistration): void {
    if (registration.protocol === 'awsQuery') {
      if (!registration.query)
        throw new DuplicateServiceError(`awsQuery service ${registration.name} needs query.version and query.xmlNamespace`);
      if (this.#queryServices.has(registration.query.version))
        throw new DuplicateServiceError(`A query service with version ${registration.query.version} is already registered`);
      this.#queryServices.set(registration.query.version, registration);
      return;
    }
    if (this.#jsonServices.has(registration.module.target))
      throw new DuplicateServiceError(`Target prefix ${registration.module.target} is already registered`);
    this.#jsonServices.set(registration.module.target, registration);
  }

  /** Commits the answers kept by idempotency key to a state store, continuing from `restored` ones. */
  persistedPart(attach: (part: PersistedPart) => () => void, restored: Map<string, unknown> | undefined): void {
    for (const [key, answer] of restored ?? []) this.#answers.set(key, answer as KeptAnswer);
    this.#answerRecords.part('requests', attach);
  }

  /** Drops the answers kept under keys that start with `prefix` (an execution that ended will not ask again). */
  forgetAnswers(prefix: string): void {
    for (const key of this.#answers.keys()) {
      if (!key.startsWith(prefix)) continue;
      this.#answers.delete(key);
      this.#answerRecords.touch(key);
    }
  }

  services(): string[] {
    return [...this.#jsonServices.values(), ...this.#queryServices.values()].map((registration) => registration.name);
  }

  onCall(listener: ApiCallListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async listen(port: number, host: string): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${hostForUrl}:${address.port}`, port: address.port };
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);

    if (request.method === 'GET' && url.pathname === '/_local/health') {
      send(response, {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'running', services: this.services() }),
      });
      return;
    }

    const routed = this.#route(request, body, url, requestId);
    if ('response' in routed) {
      send(response, routed.response);
      return;
    }
    const { registration, operation, input } = routed;
    const record: ApiCallRecord = { requestId, service: registration.name, operation, input, statusCode: 0, durationMs: 0 };
    const key = READ_ONLY_OPERATION.test(operation) ? undefined : firstHeader(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const kept = key === undefined ? undefined : this.#answers.get(key);
    let encoded: EncodedResponse;
    if (kept && kept.service === registration.name && kept.operation === operation) {
      encoded = kept.response;
      if (kept.errorCode !== undefined) record.errorCode = kept.errorCode;
    } else {
      encoded = await this.#invoke(registration, operation, input, request, url, record);
      if (key !== undefined) {
        this.#answers.set(key, {
          service: registration.name,
          operation,
          response: encoded,
          ...(record.errorCode !== undefined ? { errorCode: record.errorCode } : {}),
        });
        this.#answerRecords.touch(key);
      }
    }
    encoded = await this.#whenDurable(registration, record, encoded);
    record.statusCode = encoded.statusCode;
    record.durationMs = performance.now() - started;
    this.#options.stats.record(registration.name, operation, record.errorCode);
    send(response, encoded);
    for (const listener of this.#listeners) listener(record);
  }

  /** The answer, once what the call changed is on disk; a 500 when it cannot be written. */
  async #whenDurable(registration: ServiceRegistration, record: ApiCallRecord, encoded: EncodedResponse): Promise<EncodedResponse> {
    if (!this.#options.durable) return encoded;
    try {
      await this.#options.durable();
      return encoded;
    } catch (error) {
      this.#options.onInternalError?.(error, { service: registration.name, operation: record.operation });
      const template = registration.internalError ?? DEFAULT_INTERNAL_ERROR;
      const detail = error instanceof Error ? error.message : String(error);
      record.errorCode = template.code;
      return encodeError(
        registration,
        record.requestId,
        new AwsServiceError(template.code, `${template.message} (local endpoint: ${detail})`, template.statusCode),
      );
    }
  }

  async #invoke(
    registration: ServiceRegistration,
    operation: string,
    input: Record<string, unknown>,
    request: IncomingMessage,
    url: URL,
    record: ApiCallRecord,
  ): Promise<EncodedResponse> {
    const { knobs, clock, identity, iam } = this.#options;
    const fail = (error: AwsServiceError): EncodedResponse => {
      record.errorCode = error.code;
      return encodeError(registration, record.requestId, error);
    };
    try {
      const latency = knobs.latencyFor(registration.name, operation);
      if (latency > 0) await sleep(latency);
      clock.runDue();

      const scope = readCredentialScope(request.headers, url.searchParams);
      if (!scope) return fail(authenticationError(registration.protocol, 'missing'));
      const resolved = identity.resolve(scope.accessKeyId, scope.sessionToken);
      if (!resolved.ok) return fail(authenticationError(registration.protocol, resolved.reason));
      record.caller = resolved.caller;
      record.region = scope.region;
      const context: RequestContext = {
        caller: resolved.caller,
        region: scope.region,
        requestId: record.requestId,
        policies: resolved.policies,
      };

      const authorizations = registration.authorizations?.(operation, input, context) ?? [];
      const refused = await iam.authorize(
        { kind: 'caller', caller: resolved.caller, policies: resolved.policies },
        authorizations,
        registration.accessDenied ?? accessDenied,
      );
      if (refused) return fail(refused);

      if (!knobs.admit(registration.name, operation, resolved.caller.accountId))
        return fail(fromTemplate(registration.throttlingError ?? DEFAULT_THROTTLING_ERROR));
      if (knobs.injectFault(registration.name, operation)) return fail(fromTemplate(registration.internalError ?? DEFAULT_INTERNAL_ERROR));

      const output = await registration.module.handle(operation, input, context);
      record.output = output ?? {};
      return encodeOutput(registration, operation, record.requestId, record.output);
    } catch (error) {
      if (error instanceof AwsServiceError) return fail(error);
      this.#options.onInternalError?.(error, { service: registration.name, operation });
      const template = registration.internalError ?? DEFAULT_INTERNAL_ERROR;
      const detail = error instanceof Error ? error.message : String(error);
      return fail(new AwsServiceError(template.code, `${template.message} (local endpoint: ${detail})`, template.statusCode));
    }
  }

  #route(request: IncomingMessage, body: string, url: URL, requestId: string): Route | { response: EncodedResponse } {
    const target = firstHeader(request.headers['x-amz-target']);
    if (target) {
      const parsed = readJsonTarget(target);
      const registration = parsed && this.#jsonServices.get(parsed.prefix);
      if (!parsed || !registration) {
        return {
          response: encodeJsonError(
            '1.1',
            requestId,
            new AwsServiceError('UnknownOperationException', `No service of the local endpoint handles target ${target}.`),
          ),
        };
      }
      try {
        return { registration, operation: parsed.operation, input: decodeJsonInput(body) };
      } catch (error) {
        if (error instanceof AwsServiceError)
          return { response: encodeJsonError(jsonVersion(registration.protocol), requestId, error, registration.errorMessageMember) };
        throw error;
      }
    }
    const query =
      request.method === 'POST' || request.method === 'GET'
        ? decodeQueryRequest(request.method === 'POST' ? body : '', url.searchParams)
        : undefined;
    const registration = query && this.#queryServices.get(query.version);
    if (query && registration?.query) return { registration, operation: query.action, input: query.input };
    if (query) {
      return {
        response: encodeQueryError(
          undefined,
          requestId,
          new AwsServiceError('InvalidAction', `Could not find operation ${query.action} for version ${query.version}`),
        ),
      };
    }
    return {
      response: encodeJsonError(
        '1.1',
        requestId,
        new AwsServiceError('UnknownOperationException', 'The request has neither an X-Amz-Target header nor an Action parameter.'),
      ),
    };
  }
}

function encodeOutput(registration: ServiceRegistration, operation: string, requestId: string, output: unknown): EncodedResponse {
  if (registration.protocol === 'awsQuery' && registration.query)
    return encodeQueryOutput(operation, registration.query.xmlNamespace, requestId, output);
  return encodeJsonOutput(jsonVersion(registration.protocol), requestId, output);
}

function encodeError(registration: ServiceRegistration, requestId: string, error: AwsServiceError): EncodedResponse {
  if (registration.protocol === 'awsQuery' && registration.query)
    return encodeQueryError(registration.query.xmlNamespace, requestId, error);
  return encodeJsonError(jsonVersion(registration.protocol), requestId, error, registration.errorMessageMember);
}

function jsonVersion(protocol: WireProtocol): AwsJsonVersion {
  return protocol === 'awsJson1_0' ? '1.0' : '1.1';
}

function fromTemplate(template: ServiceErrorTemplate): AwsServiceError {
  return new AwsServiceError(template.code, template.message, template.statusCode);
}

/**
 * The errors AWS answers before any service logic runs; query services spell them without the suffix.
 * A key AWS does not recognise, or an expired session, is a 403 on query services (STS) but a 400 on
 * the awsJson services (Coral answers `UnrecognizedClientException` and `ExpiredTokenException` with
 * 400 Bad Request, whatever the generic "Common Errors" pages say).
 */
function authenticationError(
  protocol: WireProtocol,
  reason: 'missing' | 'unknown-key' | 'invalid-session-token' | 'expired',
): AwsServiceError {
  const query = protocol === 'awsQuery';
  switch (reason) {
    case 'missing':
      return query
        ? new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
        : new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    case 'expired':
      return query
        ? new AwsServiceError('ExpiredToken', 'The security token included in the request is expired', 403)
        : new AwsServiceError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    case 'unknown-key':
    case 'invalid-session-token':
      return query
        ? new AwsServiceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
        : new AwsServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RangeError(`Request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  // Some AWS clients compress large request bodies.
  const decoded = firstHeader(request.headers['content-encoding']) === 'gzip' ? gunzipSync(raw) : raw;
  return decoded.toString('utf8');
}

function send(response: ServerResponse, encoded: EncodedResponse): void {
  response.writeHead(encoded.statusCode, { ...encoded.headers, 'content-length': Buffer.byteLength(encoded.body) });
  response.end(encoded.body);
}
