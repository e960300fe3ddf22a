import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dynamoDbSdk from '@aws-sdk/client-dynamodb';
import { type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_OPERATIONS, DynamoDb } from '@portfolio-share-orchestrator/local-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { parse } from 'yaml';
import type { AccountOutcome } from '../../src/contracts/outcomes.js';
import { type OutcomeStore, outcomesKey, readAccountOutcomes } from '../../src/workflow/account-outcomes.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { Resources } = parse(readFileSync(join(ROOT, 'resources', 'tables.yml'), 'utf8')) as {
  Resources: { OutcomesTable: { Properties: Record<string, unknown> } };
};
const { AttributeDefinitions, KeySchema, BillingMode } = Resources.OutcomesTable.Properties;

/** CreateTable's input for the outcomes table of resources/tables.yml, under the tests' table name. */
export const outcomesTableDefinition = () =>
  ({ TableName: process.env.OUTCOMES_TABLE_NAME as string, AttributeDefinitions, KeySchema, BillingMode }) as CreateTableCommandInput;

/**
 * The functions' DynamoDB client answered by the local endpoint's DynamoDB (dynalite, in memory),
 * called in-process: the workflow and unit tests get a real table of resources/tables.yml's shape,
 * with no network. A fresh table for each test.
 */
export const useOutcomesTable = () => {
  const tableName = process.env.OUTCOMES_TABLE_NAME as string;
  const mocked = mockClient(DynamoDBClient);
  let table: DynamoDb | undefined;
  beforeEach(async () => {
    table = new DynamoDb({ accountId: '123456789012', region: 'us-east-1' });
    await table.handle('CreateTable', { ...outcomesTableDefinition() });
    mocked.reset();
    for (const operation of DYNAMODB_OPERATIONS) {
      const Command = (dynamoDbSdk as unknown as Record<string, new (input: never) => never>)[`${operation}Command`];
      const served = table;
      if (Command) mocked.on(Command).callsFake((input: Record<string, unknown>) => served.handle(operation, input));
    }
  });
  afterEach(async () => {
    await table?.close();
    table = undefined;
  });
  const store: OutcomeStore = { dynamoDb: new DynamoDBClient({}), tableName, sleep: async () => undefined };
  return {
    store,
    /** Every account outcome the table holds for a share request. */
    shareOutcomes: (requestId: string): Promise<AccountOutcome[]> => readAccountOutcomes(store, outcomesKey('share', requestId)),
    /** Every account outcome the table holds for an unshare request. */
    unshareOutcomes: (requestId: string): Promise<AccountOutcome[]> => readAccountOutcomes(store, outcomesKey('unshare', requestId)),
  };
};
