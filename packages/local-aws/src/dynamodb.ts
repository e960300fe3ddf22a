// DynamoDB on the local endpoint: dynalite (an implementation of DynamoDB on LevelDB, in memory or on
// disk) behind the same front as every other service, so calls are signed, authenticated, authorized
// by IAM, throttled and faulted by the knobs, and counted like the others. dynalite's own validation
// and actions run unchanged; only its HTTP layer is skipped (the endpoint has its own), which is why
// this calls its modules directly rather than forwarding to a second server.
import { createRequire } from 'node:module';
import { AwsServiceError, type RequestContext, type ServiceModule } from './contract.js';
import type { AuthorizationRequest } from './iam/evaluator.js';
import type { ServiceRegistration } from './server.js';

const require = createRequire(import.meta.url);

type Callback = (error: DynaliteError | null, output?: unknown) => void;
type DynaliteAction = (store: DynaliteStore, data: Record<string, unknown>, done: Callback) => void;
interface DynaliteValidation {
  types: Record<string, unknown>;
  custom?: unknown;
}
interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type?: string; message?: string; Message?: string };
}
interface DynaliteStore {
  tableDb: { awsAccountId: string; awsRegion: string };
  db: { close(done: (error?: Error) => void): void };
}

const dynaliteDb = require('dynalite/db') as { create(options: Record<string, unknown>): DynaliteStore };
const validations = require('dynalite/validations') as {
  checkTypes(data: unknown, types: unknown): Record<string, unknown>;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: DynaliteStore): void;
};

/** The operations dynalite implements (not transactions, streams, TTL updates, backups or PartiQL). */
export const DYNAMODB_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;
type Operation = (typeof DYNAMODB_OPERATIONS)[number];

const lowerFirst = (name: string) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
const handlers = new Map(
  DYNAMODB_OPERATIONS.map((operation) => [
    operation as string,
    {
      action: require(`dynalite/actions/${lowerFirst(operation)}`) as DynaliteAction,
      validation: require(`dynalite/validations/${lowerFirst(operation)}`) as DynaliteValidation,
    },
  ]),
);

export interface DynamoDbOptions {
  /** A LevelDB directory to keep tables in across restarts; in memory when absent. */
  path?: string;
  /** The account and region the table ARNs name (dynalite keeps one namespace of tables). */
  accountId: string;
  region: string;
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → its shape name, as the SDK reads it. */
const shapeName = (type: string | undefined) => (type ?? 'InternalServerError').split('#').pop() ?? 'InternalServerError';

const toServiceError = (error: DynaliteError): AwsServiceError =>
  new AwsServiceError(shapeName(error.body?.__type), error.body?.message ?? error.body?.Message ?? '', error.statusCode ?? 500);

export class DynamoDb implements ServiceModule {
  readonly target = 'DynamoDB_20120810';
  readonly #store: DynaliteStore;

  constructor(options: DynamoDbOptions) {
    // Tables become ACTIVE at once: the tables of a stack exist before its functions run, as CloudFormation waits for them.
    this.#store = dynaliteDb.create({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    this.#store.tableDb.awsAccountId = options.accountId;
    this.#store.tableDb.awsRegion = options.region;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    const handler = handlers.get(operation);
    if (!handler) throw new AwsServiceError('UnknownOperationException', `DynamoDB on the local endpoint has no operation ${operation}.`);
    let data: Record<string, unknown>;
    try {
      data = validations.checkTypes(structuredClone(input), handler.validation.types);
      validations.checkValidations(data, handler.validation.types, handler.validation.custom, this.#store);
    } catch (error) {
      if ((error as DynaliteError).statusCode) throw toServiceError(error as DynaliteError);
      throw error;
    }
    const output = await new Promise<unknown>((resolve, reject) => {
      handler.action(this.#store, data, (error, result) => {
        if (!error) resolve(result ?? {});
        else reject(error.statusCode ? toServiceError(error) : error);
      });
    });
    if (operation === 'CreateTable' || operation === 'UpdateTable' || operation === 'DeleteTable')
      await this.#settled(String(data.TableName));
    return output;
  }

  /**
   * dynalite flips a table's status on a timer after the call returns (at once here, createTableMs 0);
   * waiting for it keeps a table usable as soon as CreateTable answers, as a stack's table is once
   * CloudFormation reports it created.
   */
  async #settled(tableName: string): Promise<void> {
    const describe = handlers.get('DescribeTable') as { action: DynaliteAction };
    for (let tries = 0; tries < 1_000; tries += 1) {
      const status = await new Promise<string | undefined>((resolve) =>
        describe.action(this.#store, { TableName: tableName }, (error, output) =>
          resolve(error ? undefined : (output as { Table?: { TableStatus?: string } }).Table?.TableStatus),
        ),
      );
      if (status === undefined || status === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.#store.db.close((error) => (error ? reject(error) : resolve())));
  }
}

const text = (input: Record<string, unknown>, member: string): string | undefined => {
  const value = input[member];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The table (and index) ARNs a call touches, per the Service Authorization Reference's `table` and `index` resource types. */
export function dynamoDbAuthorizations(operation: string, input: Record<string, unknown>, context: RequestContext): AuthorizationRequest[] {
  const action = `dynamodb:${operation}`;
  const table = (name: string) => `arn:aws:dynamodb:${context.region}:${context.caller.accountId}:table/${name}`;
  switch (operation as Operation) {
    case 'ListTables':
      return [{ action, resource: '*' }];
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const items = input.RequestItems;
      const names = items && typeof items === 'object' ? Object.keys(items) : [];
      return names.map((name) => ({ action, resource: table(name) }));
    }
    case 'TagResource':
    case 'UntagResource':
    case 'ListTagsOfResource': {
      const arn = text(input, 'ResourceArn');
      return arn ? [{ action, resource: arn }] : [];
    }
    default: {
      const name = text(input, 'TableName');
      if (!name) return [];
      const index = text(input, 'IndexName');
      return [{ action, resource: index ? `${table(name)}/index/${index}` : table(name) }];
    }
  }
}

export function dynamoDbRegistration(dynamoDb: DynamoDb): ServiceRegistration {
  return {
    module: dynamoDb,
    name: 'dynamodb',
    protocol: 'awsJson1_0',
    authorizations: dynamoDbAuthorizations,
    internalError: { code: 'InternalServerError', message: 'Internal server error', statusCode: 500 },
  };
}
