// Conformance of the local endpoint against AWS's own service models (botocore's service-2.json).
//
//   expectConformsToOutput('organizations', 'ListAccounts', output)   // wire output or SDK v3 output
//   expectModelledError('organizations', 'MoveAccount', 'DuplicateAccountException', { Reason: … })
//   conformance.report()   // "12 operations, 340 fields, 9 errors checked"
//
// The output check walks the value against the operation's output shape: every member must exist in
// the shape, types must match (structure, list, map, string, integer, long, boolean, timestamp, …),
// enum values must be ones the model defines, patterns and lengths must hold, and required members
// must be present. Models are found through `python3 -c "import botocore"` (or BOTOCORE_DATA_DIR);
// when they are absent, `describeWithBotocore` skips its tests and says why.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe } from 'vitest';

interface ShapeRef {
  shape: string;
  locationName?: string;
}

interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'float' | 'blob';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number };
}

interface Operation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export interface ServiceModel {
  metadata: { protocol: string; apiVersion: string; serviceId: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

export class BotocoreUnavailableError extends Error {
  override name = 'BotocoreUnavailableError';
}

/** Where the errors a check accepted come from. */
export type ErrorSource = 'operation' | 'service' | 'common';

/**
 * Errors every AWS API may return before or around the operation (the "Common Errors" page of each
 * API reference), which service models do not list. The query protocol spells some without the suffix.
 */
const COMMON_ERRORS: Record<'json' | 'query', ReadonlySet<string>> = {
  json: new Set([
    'AccessDeniedException',
    'ExpiredTokenException',
    'IncompleteSignature',
    'InternalFailure',
    'InvalidAction',
    'InvalidClientTokenId',
    'MissingAuthenticationTokenException',
    'NotAuthorized',
    'OptInRequired',
    'RequestExpired',
    'SerializationException',
    'ServiceUnavailable',
    'ThrottlingException',
    'UnknownOperationException',
    'UnrecognizedClientException',
    'ValidationError',
    'ValidationException',
  ]),
  query: new Set([
    'AccessDenied',
    'ExpiredToken',
    'IncompleteSignature',
    'InternalFailure',
    'InvalidAction',
    'InvalidClientTokenId',
    'MissingAuthenticationToken',
    'NotAuthorized',
    'OptInRequired',
    'RequestExpired',
    'ServiceUnavailable',
    'Throttling',
    'ValidationError',
  ]),
};

const counters = { operations: new Set<string>(), responses: 0, fields: 0, errors: 0 };

/** What the conformance checks have covered so far in this test process. */
export const conformance = {
  get operations(): string[] {
    return [...counters.operations].sort();
  },
  get responses(): number {
    return counters.responses;
  },
  get fields(): number {
    return counters.fields;
  },
  get errors(): number {
    return counters.errors;
  },
  report(): string {
    return `${counters.operations.size} operations, ${counters.responses} responses, ${counters.fields} fields and ${counters.errors} errors checked against botocore models`;
  },
  reset(): void {
    counters.operations.clear();
    counters.responses = 0;
    counters.fields = 0;
    counters.errors = 0;
  },
};

let dataDirectory: { path: string } | { reason: string } | undefined;

function locateData(): { path: string } | { reason: string } {
  if (dataDirectory) return dataDirectory;
  const fromEnvironment = process.env.BOTOCORE_DATA_DIR;
  if (fromEnvironment) {
    dataDirectory = existsSync(fromEnvironment)
      ? { path: fromEnvironment }
      : { reason: `BOTOCORE_DATA_DIR=${fromEnvironment} does not exist` };
    return dataDirectory;
  }
  try {
    const packageDir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
    const path = join(packageDir, 'data');
    dataDirectory = existsSync(path) ? { path } : { reason: `botocore has no data directory at ${path}` };
  } catch {
    dataDirectory = { reason: 'python3 with botocore is not installed (pip install botocore), so AWS service models are unavailable' };
  }
  return dataDirectory;
}

/** Why botocore models cannot be used here, or undefined when they can. */
export function botocoreUnavailableReason(): string | undefined {
  const located = locateData();
  return 'reason' in located ? located.reason : undefined;
}

/** `describe` when botocore models are available, a skipped suite naming the reason otherwise. */
export function describeWithBotocore(name: string, body: () => void): void {
  const reason = botocoreUnavailableReason();
  if (reason) describe.skip(`${name} — skipped: ${reason}`, body);
  else describe(name, body);
}

const models = new Map<string, ServiceModel>();

/** The latest `service-2.json` of a botocore service directory (`organizations`, `sts`, `events`, `servicecatalog`, `stepfunctions`). */
export function loadServiceModel(service: string): ServiceModel {
  const cached = models.get(service);
  if (cached) return cached;
  const located = locateData();
  if ('reason' in located) throw new BotocoreUnavailableError(located.reason);
  const serviceDir = join(located.path, service);
  if (!existsSync(serviceDir)) throw new BotocoreUnavailableError(`botocore has no model for ${service}`);
  const versions = readdirSync(serviceDir)
    .filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry))
    .sort();
  const latest = versions.at(-1);
  if (!latest) throw new BotocoreUnavailableError(`botocore has no versions of ${service}`);
  const plain = join(serviceDir, latest, 'service-2.json');
  const text = existsSync(plain) ? readFileSync(plain, 'utf8') : gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
  const model = JSON.parse(text) as ServiceModel;
  models.set(service, model);
  return model;
}

/**
 * Problems of `response` against the output shape of `service`/`operation` (empty when it conforms).
 * An SDK v3 output (it has `$metadata`) is read with timestamps as Dates; a wire output (what the
 * endpoint serialised) with timestamps as the protocol writes them: epoch seconds for JSON, ISO
 * strings for query.
 */
export function outputProblems(service: string, operation: string, response: unknown): string[] {
  const model = loadServiceModel(service);
  const op = operationOf(model, service, operation);
  counters.operations.add(`${service}:${operation}`);
  counters.responses += 1;
  const sdk = typeof response === 'object' && response !== null && '$metadata' in response;
  const timestamps: TimestampForm = sdk ? 'date' : model.metadata.protocol === 'query' ? 'iso' : 'epoch';
  const problems: string[] = [];
  if (!op.output) {
    const keys = Object.keys((response ?? {}) as object).filter((key) => key !== '$metadata');
    if (keys.length > 0) problems.push(`${operation} has no output shape but the response has ${keys.join(', ')}`);
    return problems;
  }
  const value = sdk ? withoutMetadata(response as Record<string, unknown>) : response;
  checkValue(model, op.output.shape, value, operation, problems, timestamps);
  return problems;
}

export function expectConformsToOutput(service: string, operation: string, response: unknown): void {
  const problems = outputProblems(service, operation, response);
  if (problems.length > 0)
    throw new ConformanceError(`${service}:${operation} output does not conform to the botocore model:\n  ${problems.join('\n  ')}`);
}

/**
 * Checks that `errorName` is an error of the operation (its model's `errors`), of the service, or one
 * of AWS's common errors, and that the error's extra members (e.g. Organizations' `Reason`) conform
 * to the error shape. Returns where the name was found.
 */
export function expectModelledError(
  service: string,
  operation: string,
  errorName: string,
  members: Record<string, unknown> = {},
): ErrorSource {
  const model = loadServiceModel(service);
  const op = operationOf(model, service, operation);
  counters.operations.add(`${service}:${operation}`);
  counters.errors += 1;
  const named = (ref: ShapeRef) => ref.shape === errorName || model.shapes[ref.shape]?.error?.code === errorName;
  const operationError = (op.errors ?? []).find(named);
  const serviceError = Object.entries(model.shapes).find(([name, shape]) => shape.exception && named({ shape: name }));
  const shapeName = operationError?.shape ?? serviceError?.[0];
  const common = COMMON_ERRORS[model.metadata.protocol === 'query' ? 'query' : 'json'].has(errorName);
  if (!shapeName && !common) {
    throw new ConformanceError(
      `${errorName} is not an error of ${service}:${operation} (${(op.errors ?? []).map((ref) => ref.shape).join(', ')}) nor a common AWS error`,
    );
  }
  if (shapeName) {
    const problems: string[] = [];
    const shape = model.shapes[shapeName] as Shape;
    for (const [member, value] of Object.entries(members)) {
      if (value === undefined) continue;
      const ref = shape.members?.[member];
      if (!ref) problems.push(`${errorName}.${member} is not a member of the error shape`);
      else checkValue(model, ref.shape, value, `${errorName}.${member}`, problems, 'epoch');
    }
    if (problems.length > 0)
      throw new ConformanceError(`${service}:${operation} error ${errorName} does not conform:\n  ${problems.join('\n  ')}`);
  }
  if (operationError) return 'operation';
  return shapeName ? 'service' : 'common';
}

type TimestampForm = 'date' | 'epoch' | 'iso';

function operationOf(model: ServiceModel, service: string, operation: string): Operation {
  const op = model.operations[operation];
  if (!op) throw new ConformanceError(`${service} has no operation ${operation}`);
  return op;
}

function withoutMetadata(response: Record<string, unknown>): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = response;
  return rest;
}

function checkValue(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  problems: string[],
  timestamps: TimestampForm,
): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    problems.push(`${path}: the model has no shape ${shapeName}`);
    return;
  }
  counters.fields += 1;
  const fail = (message: string) => problems.push(`${path}: ${message} (shape ${shapeName})`);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date)
        return void fail(`expected a structure, got ${describeValue(value)}`);
      const record = value as Record<string, unknown>;
      for (const [member, memberValue] of Object.entries(record)) {
        if (memberValue === undefined) continue;
        const ref = shape.members?.[member];
        if (!ref) fail(`member ${member} is not in the shape`);
        else checkValue(model, ref.shape, memberValue, `${path}.${member}`, problems, timestamps);
      }
      for (const member of shape.required ?? []) if (record[member] === undefined) fail(`required member ${member} is missing`);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return void fail(`expected a list, got ${describeValue(value)}`);
      checkLength(shape, value.length, fail, 'items');
      value.forEach((item, index) => {
        checkValue(model, (shape.member as ShapeRef).shape, item, `${path}[${index}]`, problems, timestamps);
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return void fail(`expected a map, got ${describeValue(value)}`);
      for (const [key, item] of Object.entries(value)) {
        checkValue(model, (shape.key as ShapeRef).shape, key, `${path}{key}`, problems, timestamps);
        checkValue(model, (shape.value as ShapeRef).shape, item, `${path}.${key}`, problems, timestamps);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void fail(`expected a string, got ${describeValue(value)}`);
      if (shape.enum && !shape.enum.includes(value))
        fail(`${JSON.stringify(value)} is not one of the enum values ${shape.enum.join(', ')}`);
      checkLength(shape, [...value].length, fail, 'characters');
      const pattern = compilePattern(shape.pattern);
      if (pattern && !pattern.test(value)) fail(`${JSON.stringify(value)} does not match the pattern ${shape.pattern}`);
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return void fail(`expected an integer, got ${describeValue(value)}`);
      if (shape.min !== undefined && value < shape.min) fail(`${value} is below the minimum ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`${value} is above the maximum ${shape.max}`);
      return;
    }
    case 'double':
    case 'float':
      if (typeof value !== 'number') fail(`expected a number, got ${describeValue(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected a boolean, got ${describeValue(value)}`);
      return;
    case 'timestamp':
      checkTimestamp(value, timestamps, fail);
      return;
    case 'blob':
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) fail(`expected a blob, got ${describeValue(value)}`);
      return;
  }
}

function checkTimestamp(value: unknown, form: TimestampForm, fail: (message: string) => void): void {
  if (form === 'date') {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail(`expected a Date, got ${describeValue(value)}`);
  } else if (form === 'epoch') {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`expected epoch seconds (a number), got ${describeValue(value)}`);
    else if (value > 1e11) fail(`${value} looks like milliseconds, not epoch seconds`);
  } else if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) {
    fail(`expected an ISO 8601 timestamp, got ${describeValue(value)}`);
  }
}

function checkLength(shape: Shape, length: number, fail: (message: string) => void, unit: string): void {
  if (shape.min !== undefined && length < shape.min) fail(`has ${length} ${unit}, fewer than the minimum ${shape.min}`);
  if (shape.max !== undefined && length > shape.max) fail(`has ${length} ${unit}, more than the maximum ${shape.max}`);
}

const patterns = new Map<string, RegExp | null>();

// Model patterns are Java regular expressions, unanchored as Smithy reads them; the few that
// JavaScript cannot compile are skipped rather than guessed at.
function compilePattern(pattern: string | undefined): RegExp | null {
  if (!pattern) return null;
  if (!patterns.has(pattern)) {
    try {
      patterns.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      patterns.set(pattern, null);
    }
  }
  return patterns.get(pattern) ?? null;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a Date';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 60) ?? ''}`.trim();
}
