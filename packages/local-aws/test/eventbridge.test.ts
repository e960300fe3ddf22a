// EventBridge: PutEvents with AWS's limits and per-entry errors, custom buses.
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DescribeEventBusCommand,
  ListEventBusesCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonDepth, MAX_DETAIL_DEPTH } from '../src/eventbridge.js';
import { conformance, describeWithBotocore } from './botocore-model.js';
import { expectAwsError, expectConforms, MANAGEMENT, PROD_A, startTestEndpoint, type TestEndpoint } from './local-aws-harness.js';

const PROJECT_BUS = 'portfolio-share-orchestrator';
const events = (operation: string) => ({ service: 'events', operation });
const request: PutEventsRequestEntry = {
  Source: 'portfolio-share-orchestrator',
  DetailType: 'Portfolio Share Requested',
  Detail: JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' } }),
  EventBusName: PROJECT_BUS,
};

let endpoint: TestEndpoint;
beforeEach(async () => {
  endpoint = await startTestEndpoint();
});
afterEach(async () => {
  await endpoint.close();
});

describe('EventBridge PutEvents', () => {
  it('accepts entries, returns their EventIds and publishes them on the named bus', async () => {
    const output = await endpoint.events().send(
      new PutEventsCommand({
        Entries: [request, { ...request, EventBusName: undefined, Resources: ['arn:aws:catalog:us-east-1:123456789012:portfolio/p'] }],
      }),
    );
    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.map((entry) => entry.EventId)).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36}$/),
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    ]);
    expectConforms(endpoint, 'events', 'PutEvents', output);

    const [onProjectBus, onDefault] = endpoint.aws.events.list({ source: 'portfolio-share-orchestrator' });
    expect(onProjectBus).toMatchObject({
      version: '0',
      id: output.Entries?.[0]?.EventId,
      'detail-type': 'Portfolio Share Requested',
      source: 'portfolio-share-orchestrator',
      account: MANAGEMENT,
      region: 'us-east-1',
      resources: [],
      detail: { portfolioId: 'port-abcd1234efgh5' },
      eventBusName: PROJECT_BUS,
    });
    expect(onProjectBus?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(onDefault).toMatchObject({ eventBusName: 'default', resources: ['arn:aws:catalog:us-east-1:123456789012:portfolio/p'] });
  });

  it('takes the bus by ARN and keeps the entry Time', async () => {
    const EventBusName = `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/${PROJECT_BUS}`;
    await endpoint.events().send(new PutEventsCommand({ Entries: [{ ...request, EventBusName, Time: new Date('2024-05-01T10:20:30Z') }] }));
    expect(endpoint.aws.events.list()[0]).toMatchObject({ eventBusName: PROJECT_BUS, time: '2024-05-01T10:20:30Z' });
  });

  it('fails single entries with the per-entry error codes AWS uses', async () => {
    const entries: PutEventsRequestEntry[] = [
      { ...request, Source: undefined },
      { ...request, DetailType: undefined },
      { ...request, Detail: undefined },
      { ...request, Detail: '["not", "an", "object"]' },
      { ...request, Detail: '{not json' },
      { ...request, Source: 'aws.organizations' },
      request,
    ];
    const output = await endpoint.events().send(new PutEventsCommand({ Entries: entries }));
    expect(output.FailedEntryCount).toBe(6);
    expect(output.Entries).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      { EventId: expect.any(String) },
    ]);
    expectConforms(endpoint, 'events', 'PutEvents', output);
    expect(endpoint.aws.events.list()).toHaveLength(1);
  });

  it('takes a detail nested 1,000 levels deep, the most PutEvents processes, and refuses a deeper one as malformed', async () => {
    const nested = (levels: number) => `${'{"level":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`;
    // A string that looks deep is not: brackets inside strings, escaped quotes included, do not count.
    const shallow = JSON.stringify({ text: `\\"${'{['.repeat(5000)}` });
    expect([jsonDepth(nested(1000)), jsonDepth(nested(1)), jsonDepth(shallow), jsonDepth('[[],[[]]]')]).toEqual([1000, 1, 1, 3]);

    const output = await endpoint.events().send(
      new PutEventsCommand({
        Entries: [
          { ...request, Detail: nested(MAX_DETAIL_DEPTH) },
          { ...request, Detail: nested(MAX_DETAIL_DEPTH + 1) },
          { ...request, Detail: nested(20_000) },
          { ...request, Detail: shallow },
        ],
      }),
    );

    expect(output.FailedEntryCount).toBe(2);
    expect(output.Entries).toEqual([
      { EventId: expect.any(String) },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { EventId: expect.any(String) },
    ]);
    const published = endpoint.aws.events.list();
    expect(published.map((event) => event.id)).toEqual([output.Entries?.[0]?.EventId, output.Entries?.[3]?.EventId]);
    // What the bus holds can be written out and copied, as the audit stream and a duplicate delivery do.
    expect(JSON.parse(JSON.stringify(published[0]))).toEqual(structuredClone(published[0]));
    expect(endpoint.aws.internalErrors).toEqual([]);
  });

  it('fails entries, not the request, when no entry has Source, DetailType and Detail (as AWS answers)', async () => {
    const output = await endpoint.events().send(
      new PutEventsCommand({
        Entries: [
          { ...request, Source: undefined },
          { ...request, Detail: undefined },
        ],
      }),
    );
    expect(output.FailedEntryCount).toBe(2);
    expect(output.Entries?.map((entry) => entry.ErrorCode)).toEqual(['InvalidArgument', 'InvalidArgument']);
    expectConforms(endpoint, 'events', 'PutEvents', output);
    expect(endpoint.aws.events.list()).toEqual([]);
  });

  it('fails an entry whose DetailType is longer than 128 characters', async () => {
    const output = await endpoint.events().send(
      new PutEventsCommand({
        Entries: [
          { ...request, DetailType: 'd'.repeat(129) },
          { ...request, DetailType: 'd'.repeat(128) },
        ],
      }),
    );
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters.',
      },
      { EventId: expect.any(String) },
    ]);
    expectConforms(endpoint, 'events', 'PutEvents', output);
    expect(endpoint.aws.events.list()).toHaveLength(1);
  });

  it('accepts entries for a bus that does not exist and delivers them nowhere, as AWS does', async () => {
    const output = await endpoint.events().send(new PutEventsCommand({ Entries: [{ ...request, EventBusName: 'no-such-bus' }] }));
    expect(output).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(endpoint.aws.events.list()).toEqual([]);
  });

  it('refuses requests with no entries, more than 10 entries or more than 256 KiB', async () => {
    const client = endpoint.events();
    await expectAwsError(client.send(new PutEventsCommand({ Entries: [] })), {
      ...events('PutEvents'),
      name: 'ValidationException',
      status: 400,
    });
    await expectAwsError(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => request) })), {
      ...events('PutEvents'),
      name: 'ValidationException',
      status: 400,
      message: /Member must have length less than or equal to 10/,
    });
    const big = { ...request, Detail: JSON.stringify({ blob: 'x'.repeat(140 * 1024) }) };
    await expectAwsError(client.send(new PutEventsCommand({ Entries: [big, big] })), {
      ...events('PutEvents'),
      name: 'ValidationException',
      status: 400,
      message: 'Total size of the entries in the request is over the limit.',
    });
    await client.send(new PutEventsCommand({ Entries: [big] }));
    expect(endpoint.aws.events.list()).toHaveLength(1);
  });
});

describe('EventBridge buses', () => {
  it('creates, describes, lists and deletes custom buses per account', async () => {
    const client = endpoint.events();
    const created = await client.send(new CreateEventBusCommand({ Name: 'audit', Description: 'Audit stream' }));
    expect(created).toMatchObject({ EventBusArn: `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/audit`, Description: 'Audit stream' });
    expectConforms(endpoint, 'events', 'CreateEventBus', created);

    const described = await client.send(new DescribeEventBusCommand({ Name: PROJECT_BUS }));
    expect(described).toMatchObject({ Name: PROJECT_BUS, Arn: `arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/${PROJECT_BUS}` });
    expect(described.CreationTime).toBeInstanceOf(Date);
    expectConforms(endpoint, 'events', 'DescribeEventBus', described);
    const byDefault = await client.send(new DescribeEventBusCommand({}));
    expect(byDefault.Name).toBe('default');

    const listed = await client.send(new ListEventBusesCommand({}));
    expect(listed.EventBuses?.map((bus) => bus.Name)).toEqual(['audit', 'default', PROJECT_BUS]);
    expectConforms(endpoint, 'events', 'ListEventBuses', listed);
    const firstPage = await client.send(new ListEventBusesCommand({ Limit: 2 }));
    const secondPage = await client.send(new ListEventBusesCommand({ Limit: 2, NextToken: firstPage.NextToken }));
    expect([...(firstPage.EventBuses ?? []), ...(secondPage.EventBuses ?? [])].map((bus) => bus.Name)).toEqual([
      'audit',
      'default',
      PROJECT_BUS,
    ]);
    expect(secondPage.NextToken).toBeUndefined();
    const prefixed = await client.send(new ListEventBusesCommand({ NamePrefix: 'port' }));
    expect(prefixed.EventBuses?.map((bus) => bus.Name)).toEqual([PROJECT_BUS]);

    const memberBuses = await endpoint.events(await memberCredentials()).send(new ListEventBusesCommand({}));
    expect(memberBuses.EventBuses?.map((bus) => bus.Name)).toEqual(['default']);

    const deleted = await client.send(new DeleteEventBusCommand({ Name: 'audit' }));
    expectConforms(endpoint, 'events', 'DeleteEventBus', deleted);
    await expectAwsError(client.send(new DescribeEventBusCommand({ Name: 'audit' })), {
      ...events('DescribeEventBus'),
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'Event bus audit does not exist.',
    });
  });

  it('refuses duplicate, invalid and undeletable buses', async () => {
    const client = endpoint.events();
    await expectAwsError(client.send(new CreateEventBusCommand({ Name: PROJECT_BUS })), {
      ...events('CreateEventBus'),
      name: 'ResourceAlreadyExistsException',
      status: 400,
      message: `Event bus ${PROJECT_BUS} already exists.`,
    });
    await expectAwsError(client.send(new CreateEventBusCommand({ Name: 'bad name!' })), {
      ...events('CreateEventBus'),
      name: 'ValidationException',
      status: 400,
    });
    // `/` belongs to partner bus names only: a custom bus name is the model's NonPartnerEventBusName.
    await expectAwsError(client.send(new CreateEventBusCommand({ Name: 'team/audit' })), {
      ...events('CreateEventBus'),
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value 'team/audit' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    });
    const description = 'x'.repeat(513);
    await expectAwsError(client.send(new CreateEventBusCommand({ Name: 'audit', Description: description })), {
      ...events('CreateEventBus'),
      name: 'ValidationException',
      status: 400,
      message: `1 validation error detected: Value '${description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 512`,
    });
    await expectAwsError(client.send(new CreateEventBusCommand({ Name: 'a/b', Description: description })), {
      ...events('CreateEventBus'),
      name: 'ValidationException',
      status: 400,
      message: /^2 validation errors detected: Value 'a\/b' at 'name' .*; Value 'x+' at 'description' /,
    });
    const created = await client.send(new CreateEventBusCommand({ Name: 'audit', Description: 'x'.repeat(512) }));
    expect(created.Description).toHaveLength(512);
    await expectAwsError(client.send(new DeleteEventBusCommand({ Name: 'default' })), {
      ...events('DeleteEventBus'),
      name: 'ValidationException',
      status: 400,
      message: 'Cannot delete event bus default.',
    });
    await expectAwsError(client.send(new ListEventBusesCommand({ NextToken: 'garbage' })), {
      ...events('ListEventBuses'),
      name: 'ValidationException',
      status: 400,
    });
  });
});

describeWithBotocore('EventBridge conformance', () => {
  it('has checked every emulated EventBridge operation against the model', ({ annotate }) => {
    expect(conformance.operations.filter((name) => name.startsWith('events:'))).toEqual([
      'events:CreateEventBus',
      'events:DeleteEventBus',
      'events:DescribeEventBus',
      'events:ListEventBuses',
      'events:PutEvents',
    ]);
    return annotate(conformance.report());
  });
});

async function memberCredentials() {
  const output = await endpoint
    .sts()
    .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD_A}:role/PortfolioShareMemberRole`, RoleSessionName: 'buses' }));
  return {
    accessKeyId: output.Credentials?.AccessKeyId ?? '',
    secretAccessKey: output.Credentials?.SecretAccessKey ?? '',
    sessionToken: output.Credentials?.SessionToken ?? '',
  };
}
