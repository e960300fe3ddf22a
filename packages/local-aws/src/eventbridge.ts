// EventBridge (awsJson 1.1), the part the project needs: PutEvents with AWS's limits and per-entry
// errors, and custom event buses. Accepted entries go to the same EventSink as the events the
// endpoint itself publishes.
import type { SimulatedClock } from './clock.js';
import { AwsServiceError, type BusEvent, type EventSink, type Random, type RequestContext, type ServiceModule } from './contract.js';
import { unknownOperationError } from './errors.js';
import type { AuthorizationRequest } from './iam/evaluator.js';
import { paginate } from './pagination.js';
import { ChangedRecords } from './persistence/records.js';
import type { PersistedPart } from './persistence/store.js';
import { randomUuid } from './random.js';
import type { ServiceRegistration } from './server.js';
import { epochSeconds, isoSeconds } from './time-format.js';

export const DEFAULT_EVENT_BUS = 'default';
const MAX_ENTRIES = 10;
// "The total entry size must be less than 256KB."
const MAX_REQUEST_BYTES = 256 * 1024;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
// The model's NonPartnerEventBusName: a custom bus name has no `/` (only partner bus names do).
const CUSTOM_BUS_NAME = { pattern: /^[.\-_A-Za-z0-9]+$/, source: '[\\.\\-_A-Za-z0-9]+', max: 256 };
const MAX_BUS_DESCRIPTION = 512;
// "Free-form string, with a maximum of 128 characters" (PutEventsRequestEntry.DetailType).
const MAX_DETAIL_TYPE = 128;
// "PutEvents will only process nested JSON up to 1000 levels deep" (the PutEvents API reference;
// older SDK models said 1100). The detail object itself is the first level.
export const MAX_DETAIL_DEPTH = 1000;
const BUS_ARN = /^arn:aws[\w-]*:events:([a-z]+-[a-z]+-[\w-]+):(\d{12}):event-bus\/([/.\-_A-Za-z0-9]+)$/;

export interface EventBusRecord {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  description?: string;
  /** The bus's resource-based policy (PutPermission / AWS::Events::EventBusPolicy statements), if any. */
  policy?: { Version: string; Statement: Record<string, unknown>[] };
  /** Simulated epoch ms. */
  creationTime: number;
  lastModifiedTime: number;
}

export interface EventBridgeOptions {
  clock: SimulatedClock;
  /** Where event ids are drawn (identityRandom on the endpoint: unique across runs). */
  random: Random;
  sink: EventSink;
}

/** The event buses of every account and region, plus the PutEvents / bus API over them. */
export class EventBridge {
  readonly #buses = new Map<string, EventBusRecord>();
  readonly #options: EventBridgeOptions;
  #defaultBusCreated: number;
  readonly #records = new ChangedRecords(
    (key) => (key === 'defaultBuses' ? { creationTime: this.#defaultBusCreated } : this.#buses.get(key.slice('bus:'.length))),
    () => ['defaultBuses', ...[...this.#buses.keys()].map((key) => `bus:${key}`)],
  );

  constructor(options: EventBridgeOptions) {
    this.#options = options;
    this.#defaultBusCreated = options.clock.now();
  }

  /** Commits the event buses (and their policies) to a state store from now on. */
  persistedPart(attach: (part: PersistedPart) => () => void): void {
    this.#records.part('events', attach);
  }

  /** Replaces the buses with a persisted state's. */
  restore(records: Map<string, unknown>): void {
    this.#buses.clear();
    for (const [key, value] of records) {
      if (key === 'defaultBuses') this.#defaultBusCreated = (value as { creationTime: number }).creationTime;
      else if (key.startsWith('bus:')) this.#buses.set(key.slice('bus:'.length), value as EventBusRecord);
    }
  }

  /** Creates a custom bus (idempotent), e.g. the project's bus named in the fixture. */
  ensureBus(accountId: string, region: string, name: string, description?: string): EventBusRecord {
    const existing = this.bus(accountId, region, name);
    if (existing) return existing;
    const now = this.#options.clock.now();
    const record: EventBusRecord = {
      accountId,
      region,
      name,
      arn: busArn(accountId, region, name),
      creationTime: now,
      lastModifiedTime: now,
    };
    if (description !== undefined) record.description = description;
    this.#buses.set(busKey(accountId, region, name), record);
    this.#records.touch(`bus:${busKey(accountId, region, name)}`);
    return record;
  }

  /**
   * Adds or replaces (by Sid) a statement of a bus's resource-based policy, as PutPermission with a
   * Policy or an AWS::Events::EventBusPolicy does. PutEvents to the bus is evaluated against it.
   */
  putPolicyStatement(accountId: string, region: string, name: string, statement: Record<string, unknown>): void {
    const bus = this.#buses.get(busKey(accountId, region, name));
    if (!bus) throw new Error(`No event bus ${name} in ${accountId} ${region}`);
    const statements = (bus.policy?.Statement ?? []).filter((existing) => existing.Sid === undefined || existing.Sid !== statement.Sid);
    bus.policy = { Version: '2012-10-17', Statement: [...statements, statement] };
    bus.lastModifiedTime = this.#options.clock.now();
    this.#records.touch(`bus:${busKey(accountId, region, name)}`);
  }

  /** The IAM authorizations a call needs: PutEvents one per entry (its source and detail-type are condition keys), on its bus with the bus policy. */
  authorizations(operation: string, input: Record<string, unknown>, context: RequestContext): AuthorizationRequest[] {
    const action = `events:${operation}`;
    const onBus = (nameOrArn: unknown, keys?: Record<string, string>): AuthorizationRequest[] => {
      const target = resolveBus(nameOrArn ?? DEFAULT_EVENT_BUS, context);
      if (!target) return [];
      const policy = this.#buses.get(busKey(target.accountId, target.region, target.name))?.policy;
      return [
        {
          action,
          resource: busArn(target.accountId, target.region, target.name),
          resourceAccount: target.accountId,
          ...(keys ? { context: keys } : {}),
          ...(policy ? { resourcePolicy: policy } : {}),
        },
      ];
    };
    switch (operation) {
      case 'PutEvents':
        return (Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : []).flatMap((entry) =>
          onBus(entry.EventBusName, {
            ...(typeof entry.Source === 'string' ? { 'events:source': entry.Source } : {}),
            ...(typeof entry.DetailType === 'string' ? { 'events:detail-type': entry.DetailType } : {}),
          }),
        );
      case 'CreateEventBus':
      case 'DescribeEventBus':
      case 'DeleteEventBus':
        return onBus(input.Name);
      default:
        return [{ action, resource: '*' }];
    }
  }

  bus(accountId: string, region: string, name: string): EventBusRecord | undefined {
    if (name === DEFAULT_EVENT_BUS) {
      return {
        accountId,
        region,
        name,
        arn: busArn(accountId, region, name),
        creationTime: this.#defaultBusCreated,
        lastModifiedTime: this.#defaultBusCreated,
      };
    }
    return this.#buses.get(busKey(accountId, region, name));
  }

  module(): ServiceModule {
    return {
      target: 'AWSEvents',
      handle: async (operation, input, context) => {
        switch (operation) {
          case 'PutEvents':
            return this.#putEvents(input, context);
          case 'CreateEventBus':
            return this.#createEventBus(input, context);
          case 'DescribeEventBus':
            return this.#describeEventBus(input, context);
          case 'ListEventBuses':
            return this.#listEventBuses(input, context);
          case 'DeleteEventBus':
            return this.#deleteEventBus(input, context);
          default:
            throw unknownOperationError(operation);
        }
      },
    };
  }

  registration(): ServiceRegistration {
    return {
      module: this.module(),
      name: 'events',
      protocol: 'awsJson1_1',
      internalError: { code: 'InternalException', message: 'An internal error occurred.', statusCode: 500 },
      authorizations: (operation, input, context) => this.authorizations(operation, input, context),
    };
  }

  #putEvents(input: Record<string, unknown>, context: RequestContext): unknown {
    const entries = input.Entries;
    if (!Array.isArray(entries))
      throw validation(`1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null`);
    if (entries.length < 1)
      throw validation(
        `1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    if (entries.length > MAX_ENTRIES) {
      throw validation(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    const records = entries.map((entry: unknown) =>
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {},
    );
    if (records.reduce((total, entry) => total + entrySize(entry), 0) > MAX_REQUEST_BYTES) {
      throw validation('Total size of the entries in the request is over the limit.');
    }
    const results = records.map((entry) => this.#putEntry(entry, context));
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  /**
   * One entry's outcome. An entry without Source, DetailType or Detail fails alone, even when no
   * entry of the request has all three: the model's documentation says EventBridge then fails the
   * whole request, but AWS answers 200 with per-entry InvalidArgument (LocalStack's snapshots
   * recorded against AWS, tests/aws/services/events/test_events.snapshot.json, test_put_events_without_source
   * and its siblings, each a request whose only entry lacks one of them).
   */
  #putEntry(entry: Record<string, unknown>, context: RequestContext): Record<string, string> {
    for (const member of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[member] !== 'string' || entry[member] === '') {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.`,
        };
      }
    }
    // The model puts no length on DetailType; the service checks it per entry, as it checks presence.
    if ((entry.DetailType as string).length > MAX_DETAIL_TYPE) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter DetailType is not valid. Reason: DetailType is longer than ${MAX_DETAIL_TYPE} characters.`,
      };
    }
    // AWS documents the depth limit, not how it refuses a deeper detail: here it is malformed, as
    // JSON that is not valid is. Checked before parsing, so that no deeper event reaches the bus,
    // whose subscribers (rule matching, the audit stream) then never meet one they cannot serialise.
    const detail = jsonDepth(entry.Detail as string) <= MAX_DETAIL_DEPTH ? parseDetail(entry.Detail as string) : undefined;
    if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const source = entry.Source as string;
    // Sources starting with `aws.` are reserved for AWS services.
    if (source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    const target = resolveBus(entry.EventBusName, context);
    if (!target) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter EventBusName is not valid.' };
    const time = readTime(entry.Time) ?? this.#options.clock.now();
    const id = randomUuid(this.#options.random);
    const bus = this.bus(target.accountId, target.region, target.name);
    // AWS accepts entries for a bus that does not exist, returns an EventId, and delivers them nowhere.
    if (bus) {
      const event: BusEvent = {
        version: '0',
        id,
        'detail-type': entry.DetailType as string,
        source,
        account: context.caller.accountId,
        time: isoSeconds(time),
        region: target.region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail,
        eventBusName: bus.name,
      };
      this.#options.sink.publish(event);
    }
    return { EventId: id };
  }

  #createEventBus(input: Record<string, unknown>, context: RequestContext): unknown {
    if (input.EventSourceName !== undefined) throw validation('Partner event buses are not supported by the local endpoint.');
    const name = input.Name;
    const problems: string[] = [];
    if (typeof name !== 'string') problems.push(`Value null at 'name' failed to satisfy constraint: Member must not be null`);
    else {
      if (name.length > CUSTOM_BUS_NAME.max)
        problems.push(
          `Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to ${CUSTOM_BUS_NAME.max}`,
        );
      if (!CUSTOM_BUS_NAME.pattern.test(name))
        problems.push(
          `Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ${CUSTOM_BUS_NAME.source}`,
        );
    }
    if (typeof input.Description === 'string' && input.Description.length > MAX_BUS_DESCRIPTION)
      problems.push(
        `Value '${input.Description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BUS_DESCRIPTION}`,
      );
    if (problems.length > 0 || typeof name !== 'string') throw validationErrors(problems);
    const accountId = context.caller.accountId;
    if (this.bus(accountId, context.region, name))
      throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    const description = typeof input.Description === 'string' ? input.Description : undefined;
    const bus = this.ensureBus(accountId, context.region, name, description);
    return { EventBusArn: bus.arn, ...(description !== undefined ? { Description: description } : {}) };
  }

  #describeEventBus(input: Record<string, unknown>, context: RequestContext): unknown {
    const target = resolveBus(input.Name, context);
    const bus = target && this.bus(target.accountId, target.region, target.name);
    if (!bus) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${String(target?.name ?? input.Name)} does not exist.`);
    return describe(bus);
  }

  #listEventBuses(input: Record<string, unknown>, context: RequestContext): unknown {
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const accountId = context.caller.accountId;
    const custom = [...this.#buses.values()].filter((bus) => bus.accountId === accountId && bus.region === context.region);
    const all = [this.bus(accountId, context.region, DEFAULT_EVENT_BUS) as EventBusRecord, ...custom]
      .filter((bus) => bus.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(
      all,
      { nextToken: input.NextToken, pageSize: input.Limit },
      {
        scope: `events:ListEventBuses:${accountId}:${context.region}:${prefix}`,
        limits: { defaultPageSize: 100, maxPageSize: 100 },
        invalid: (_problem, message) => validation(message),
      },
    );
    return { EventBuses: page.items.map(describe), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }

  #deleteEventBus(input: Record<string, unknown>, context: RequestContext): unknown {
    const name = input.Name;
    if (typeof name !== 'string' || !BUS_NAME.test(name))
      throw validation(
        `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must not be null`,
      );
    if (name === DEFAULT_EVENT_BUS) throw validation('Cannot delete event bus default.');
    this.#buses.delete(busKey(context.caller.accountId, context.region, name));
    this.#records.touch(`bus:${busKey(context.caller.accountId, context.region, name)}`);
    return {};
  }
}

function describe(bus: EventBusRecord): Record<string, unknown> {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined ? { Description: bus.description } : {}),
    ...(bus.policy ? { Policy: JSON.stringify(bus.policy) } : {}),
    CreationTime: epochSeconds(bus.creationTime),
    LastModifiedTime: epochSeconds(bus.lastModifiedTime),
  };
}

function resolveBus(nameOrArn: unknown, context: RequestContext): { accountId: string; region: string; name: string } | undefined {
  if (nameOrArn === undefined || nameOrArn === null || nameOrArn === '')
    return { accountId: context.caller.accountId, region: context.region, name: DEFAULT_EVENT_BUS };
  if (typeof nameOrArn !== 'string') return undefined;
  const arn = BUS_ARN.exec(nameOrArn);
  if (arn) return { region: arn[1] ?? context.region, accountId: arn[2] ?? context.caller.accountId, name: arn[3] ?? DEFAULT_EVENT_BUS };
  return BUS_NAME.test(nameOrArn) ? { accountId: context.caller.accountId, region: context.region, name: nameOrArn } : undefined;
}

function parseDetail(detail: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How deep a JSON text nests objects and arrays (a flat object is 1), read without recursion so that
 * any depth is measured, strings skipped with their escapes.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
}

/** Entry size as the EventBridge User Guide computes it ("Calculating PutEvents event entry size"). */
function entrySize(entry: Record<string, unknown>): number {
  let size = entry.Time !== undefined ? 14 : 0;
  for (const member of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[member] === 'string') size += Buffer.byteLength(entry[member]);
  }
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) size += Buffer.byteLength(String(resource));
  return size;
}

function readTime(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

/** Model constraint violations, reported together as the request framework reports them. */
function validationErrors(problems: string[]): AwsServiceError {
  const count = problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
  return validation(`${count} detected: ${problems.join('; ')}`);
}

function busKey(accountId: string, region: string, name: string): string {
  return `${accountId}|${region}|${name}`;
}

function busArn(accountId: string, region: string, name: string): string {
  return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
}
