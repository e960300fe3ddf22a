// The README's table of emulated operations stays true: every operation it lists is served (called
// through the real SDK client, it may fail on its empty input but not as an unknown operation), and
// the Service Catalog row is exactly the operations of the module's model.

import { readFileSync } from 'node:fs';
import * as dynamoDb from '@aws-sdk/client-dynamodb';
import * as eventBridge from '@aws-sdk/client-eventbridge';
import * as organizations from '@aws-sdk/client-organizations';
import * as serviceCatalog from '@aws-sdk/client-service-catalog';
import * as sfn from '@aws-sdk/client-sfn';
import * as sts from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../src/endpoint.js';
import type { ApiCallRecord } from '../src/server.js';
import { operationModels } from '../src/service-catalog/model.js';
import { createStepFunctionsModule } from '../src/stepfunctions/index.js';
import { testFixture } from './local-aws-harness.js';

type Sdk = Record<string, unknown>;
type Client = { send(command: unknown): Promise<unknown>; destroy(): void };

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The Operations column of each row of the "Emulated operations" table, by the service column's name. */
function documentedOperations(): Map<string, string[]> {
  const section = README.split('\n## Emulated operations\n')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Service |') && !line.startsWith('| ---'));
  return new Map(
    rows.map((row) => {
      const [service = '', , operations = ''] = row
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      return [service, operations.split(',').map((operation) => operation.trim())];
    }),
  );
}

const SERVICES: Record<string, { sdk: Sdk; client: string; wireName: string }> = {
  Organizations: { sdk: organizations, client: 'OrganizationsClient', wireName: 'organizations' },
  'Service Catalog': { sdk: serviceCatalog, client: 'ServiceCatalogClient', wireName: 'servicecatalog' },
  STS: { sdk: sts, client: 'STSClient', wireName: 'sts' },
  EventBridge: { sdk: eventBridge, client: 'EventBridgeClient', wireName: 'events' },
  DynamoDB: { sdk: dynamoDb, client: 'DynamoDBClient', wireName: 'dynamodb' },
  'Step Functions (plugged in)': { sdk: sfn, client: 'SFNClient', wireName: 'stepfunctions' },
};
const UNKNOWN_OPERATION = new Set(['UnknownOperationException', 'InvalidAction']);

let aws: LocalAws;
const calls: ApiCallRecord[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, fixture: testFixture() });
  aws.onCall((call) => calls.push(call));
  aws.registerService(
    createStepFunctionsModule({
      region: aws.region,
      accountId: aws.organization.managementAccountId,
      clock: aws.clock,
      bindTasks: () => ({}),
    }).registration,
  );
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await aws?.close();
});

describe('the README', () => {
  it('lists a row for every service', () => {
    expect([...documentedOperations().keys()]).toEqual(Object.keys(SERVICES));
  });

  it("lists exactly the Service Catalog module's operations", () => {
    expect(documentedOperations().get('Service Catalog')).toEqual(Object.keys(operationModels).sort());
  });

  it.each(Object.keys(SERVICES))('lists only operations that %s serves', async (service) => {
    const { sdk, client: clientName, wireName } = SERVICES[service] as (typeof SERVICES)[string];
    const Client = sdk[clientName] as new (config: unknown) => Client;
    const client = new Client({ ...aws.clientConfig(), maxAttempts: 1 });
    clients.push(client);
    const operations = documentedOperations().get(service) ?? [];
    expect(operations.length).toBeGreaterThan(0);
    expect([...operations].sort(), 'in alphabetical order').toEqual(operations);
    for (const operation of operations) {
      const Command = sdk[`${operation}Command`] as (new (input: unknown) => unknown) | undefined;
      expect(Command, `${operation}Command`).toBeDefined();
      await client.send(new (Command as new (input: unknown) => unknown)({})).catch(() => undefined);
      const call = calls.findLast((candidate) => candidate.service === wireName && candidate.operation === operation);
      expect(call, `${service} ${operation} reached the endpoint`).toBeDefined();
      expect(UNKNOWN_OPERATION.has(call?.errorCode ?? ''), `${service} ${operation} answered ${call?.errorCode}`).toBe(false);
    }
  });
});
