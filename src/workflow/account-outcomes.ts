import { BatchWriteItemCommand, type DynamoDBClient, GetItemCommand, QueryCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoDbClient } from '../aws/clients.js';
import { sleep } from '../clock.js';
import { chunk, mapWithConcurrency } from '../concurrency.js';
import { type AccountFailure, AccountOutcome } from '../contracts/outcomes.js';
import { OutcomeStoreError } from '../errors.js';
import { requiredEnv } from '../lambda/handler.js';
import { parseWith } from '../validation.js';
import { cutToJsonBytes } from './result-event.js';

// The per-account outcomes of a request, in the outcomes table (DynamoDB, deployed with the stack).
// A share reaching thousands of accounts outgrows what a workflow's state (256 KiB) and a result event
// (256 KB) can carry: the steps that learn an account's outcome write it here, the state carries
// counts, the result event a bounded sample, and `GET` reads every outcome back.

/** How long outcomes are kept: as long as Step Functions keeps a closed execution's history. */
export const OUTCOME_RETENTION_DAYS = 90;
/** BatchWriteItem takes at most 25 requests. */
const WRITE_BATCH = 25;
const WRITES_AT_ONCE = 8;
/** What DynamoDB leaves unprocessed is sent again, after a growing wait, this many times. */
const UNPROCESSED_RETRIES = 8;

export interface OutcomeStore {
  dynamoDb: DynamoDBClient;
  tableName: string;
  sleep: (ms: number) => Promise<void>;
}

/** The partition of one request of one workflow: requests of different workflows may share an id. */
export type OutcomesWorkflow = 'share' | 'unshare';
export const outcomesKey = (workflow: OutcomesWorkflow, requestId: string) => `${workflow}#${requestId}`;

const accountEntry = (accountId: string) => `account#${accountId}`;
const batchEntry = (index: number) => `batch#${String(index).padStart(5, '0')}`;
const expiresAt = (at: Date) => Math.floor(at.getTime() / 1000) + OUTCOME_RETENTION_DAYS * 86_400;

const writeAll = async (store: OutcomeStore, requests: WriteRequest[]): Promise<void> => {
  await mapWithConcurrency(chunk(requests, WRITE_BATCH), WRITES_AT_ONCE, async (batch) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > UNPROCESSED_RETRIES)
        throw new OutcomeStoreError(`${pending.length} outcome writes to ${store.tableName} were still unprocessed after ${attempt} tries`);
      if (attempt > 0) await store.sleep(Math.min(2_000, 50 * 2 ** attempt));
      const response = await store.dynamoDb.send(new BatchWriteItemCommand({ RequestItems: { [store.tableName]: pending } }));
      pending = response.UnprocessedItems?.[store.tableName] ?? [];
    }
  });
};

/** Writes each account's outcome; a later write for the same account replaces the earlier one. */
export const recordAccountOutcomes = async (store: OutcomeStore, key: string, outcomes: AccountOutcome[], at: Date): Promise<void> => {
  // One write per account: a batch may not name the same key twice, and the last word wins.
  const byAccount = new Map(outcomes.map((outcome) => [outcome.accountId, outcome]));
  await writeAll(
    store,
    [...byAccount.values()].map((outcome) => ({
      PutRequest: {
        Item: marshall(
          { request: key, entry: accountEntry(outcome.accountId), ...outcome, expiresAt: expiresAt(at) },
          {
            removeUndefinedValues: true,
          },
        ),
      },
    })),
  );
};

/** Every account outcome of the request, by account id. */
export const readAccountOutcomes = async (store: OutcomeStore, key: string): Promise<AccountOutcome[]> => {
  const outcomes: AccountOutcome[] = [];
  let startKey: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await store.dynamoDb.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: '#request = :request AND begins_with(#entry, :account)',
        ExpressionAttributeNames: { '#request': 'request', '#entry': 'entry' },
        ExpressionAttributeValues: marshall({ ':request': key, ':account': 'account#' }),
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const { request: _request, entry: _entry, expiresAt: _expires, ...outcome } = unmarshall(item);
      outcomes.push(parseWith(AccountOutcome, outcome, `outcome ${String(_entry)} of ${key}`));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return outcomes;
};

/** Keeps the accounts of each member-actions batch, so the workflow carries batch numbers instead of account lists. */
export const recordBatches = async (store: OutcomeStore, key: string, batches: string[][], at: Date): Promise<number[]> => {
  await writeAll(
    store,
    batches.map((accounts, index) => ({
      PutRequest: { Item: marshall({ request: key, entry: batchEntry(index), accounts, expiresAt: expiresAt(at) }) },
    })),
  );
  return batches.map((_, index) => index);
};

/** The accounts of one batch recorded by `recordBatches`. */
export const readBatch = async (store: OutcomeStore, key: string, index: number): Promise<string[]> => {
  const { Item } = await store.dynamoDb.send(
    new GetItemCommand({ TableName: store.tableName, Key: marshall({ request: key, entry: batchEntry(index) }), ConsistentRead: true }),
  );
  if (!Item) throw new OutcomeStoreError(`Batch ${index} of ${key} is not in ${store.tableName}`);
  const { accounts } = unmarshall(Item) as { accounts?: unknown };
  if (!Array.isArray(accounts) || !accounts.every((account) => typeof account === 'string'))
    throw new OutcomeStoreError(`Batch ${index} of ${key} holds no account list`);
  return accounts;
};

/** The deployed table, named by the function's environment (serverless.yml), with the functions' clock. */
export const deployedOutcomeStore = (): OutcomeStore => ({
  dynamoDb: dynamoDbClient(),
  tableName: requiredEnv('OUTCOMES_TABLE_NAME'),
  sleep,
});

/** At most this many accounts are listed as done (shared, unshared) in a result event, and this many as failed; `GET` has them all. */
export const DONE_ACCOUNTS_LISTED = 1_000;
export const FAILED_ACCOUNTS_LISTED = 100;
/** A listed failure's error and message are cut to these many bytes of JSON (an escaped character takes up to six). */
const LISTED_ERROR_BYTES = 256;
const LISTED_MESSAGE_BYTES = 1_000;

/**
 * The accounts a result event lists, bounded whatever the request reached: the first accounts done
 * (shared, or unshared) and failed by id, the counts of all of them, and whether the lists were cut.
 * With the other fields of a result (identifiers, who asked, a cut failure message) an event stays
 * far below PutEvents' 256 KB.
 */
export const listedAccounts = (done: string[], failed: AccountFailure[]) => {
  const byId = <T>(items: T[], id: (item: T) => string) => [...items].sort((a, b) => id(a).localeCompare(id(b)));
  return {
    done: byId(done, (accountId) => accountId).slice(0, DONE_ACCOUNTS_LISTED),
    failed: byId(failed, (failure) => failure.accountId)
      .slice(0, FAILED_ACCOUNTS_LISTED)
      .map((failure) => ({
        ...failure,
        error: cutToJsonBytes(failure.error, LISTED_ERROR_BYTES),
        message: cutToJsonBytes(failure.message, LISTED_MESSAGE_BYTES),
      })),
    doneCount: done.length,
    failedCount: failed.length,
    truncated: done.length > DONE_ACCOUNTS_LISTED || failed.length > FAILED_ACCOUNTS_LISTED,
  };
};

/** A share's account lists for its result event, from its outcomes (listedAccounts). */
export const listedOutcomes = (outcomes: AccountOutcome[]) => {
  const listed = listedAccounts(
    outcomes.filter((outcome) => outcome.outcome === 'SHARED').map((outcome) => outcome.accountId),
    outcomes.flatMap((outcome) => (outcome.outcome === 'FAILED' ? [failureOf(outcome)] : [])),
  );
  return {
    sharedAccounts: listed.done,
    failedAccounts: listed.failed,
    sharedAccountCount: listed.doneCount,
    failedAccountCount: listed.failedCount,
    truncated: listed.truncated,
  };
};

/** An account failure as results list it, from its recorded outcome. */
export const failureOf = ({ outcome: _outcome, ...failure }: Extract<AccountOutcome, { outcome: 'FAILED' }>): AccountFailure => failure;

/**
 * A request's `GET` answer with every account outcome recorded so far, as `accounts` (the result
 * event lists a bounded sample; this lists them all).
 */
export const withAccountOutcomes = async (
  described: { statusCode: number; body: Record<string, unknown> },
  store: OutcomeStore,
  workflow: OutcomesWorkflow,
): Promise<{ statusCode: number; body: Record<string, unknown> }> => ({
  ...described,
  body: { ...described.body, accounts: await readAccountOutcomes(store, outcomesKey(workflow, String(described.body.requestId))) },
});
