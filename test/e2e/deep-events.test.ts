import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BusEvent } from '@portfolio-share-orchestrator/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// Deeply nested events (issue 16, item 8): what PutEvents takes is on the bus and in the audit
// stream, what it refuses is refused to the caller, and nothing is lost in between or ends the stack.

let e2e: E2eStack;
let stack: E2eStack['stack'];
const lines: string[] = [];

beforeAll(async () => {
  e2e = await startE2eStack({ onLine: (line) => lines.push(line) });
  ({ stack } = e2e);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** `{"requestId": …, "nested": {"nested": … "bottom" …}}`: the detail object and `levels - 1` objects inside it. */
const nestedDetail = (requestId: string, levels: number) =>
  `{"requestId":"${requestId}","nested":${'{"nested":'.repeat(levels - 2)}"bottom"${'}'.repeat(levels - 2)}}`;

const put = (detail: string, detailType = 'Portfolio Share Requested') =>
  new EventBridgeClient(e2e.config).send(
    new PutEventsCommand({
      Entries: [
        { Source: 'portfolio-share-orchestrator', DetailType: detailType, EventBusName: stack.definitions.eventBusName, Detail: detail },
      ],
    }),
  );

const auditStream = (): Record<string, unknown>[] =>
  readFileSync(stack.eventsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('deeply nested events', () => {
  it('refuses a detail nested 20,000 levels deep to its sender, as malformed, and goes on', async () => {
    const output = await put(nestedDetail('deep-20000', 20_000));

    expect(output).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
    });
    await stack.settle();
    expect(stack.aws.events.list().filter((event) => event.detail.requestId === 'deep-20000')).toEqual([]);
    expect((await e2e.http('GET', '/shares/deep-20000')).status).toBe(404);
  }, 60_000);

  it('keeps a detail nested 1,000 levels deep, the most PutEvents takes: on the bus, in the audit stream, and refused by the intake in one result', async () => {
    const detail = nestedDetail('deep-1000', 1000);
    const output = await put(detail);
    expect(output.FailedEntryCount).toBe(0);
    const eventId = output.Entries?.[0]?.EventId;

    const result = await e2e.resultOf('deep-1000');
    expect(result['detail-type']).toBe('Portfolio Share Failed');
    expect(result.detail.failure).toMatchObject({ error: 'ValidationError' });
    const recorded = auditStream().find((event) => event.id === eventId);
    expect(recorded?.detail).toEqual(JSON.parse(detail));
    expect(auditStream().filter((event) => (event.detail as { requestId?: unknown } | null)?.requestId === 'deep-1000')).toHaveLength(2);
  }, 60_000);

  it('writes an event published in process that cannot be serialised with why its detail is missing, and says so', async () => {
    const event: BusEvent = {
      version: '0',
      id: 'deep0000-0000-4000-8000-000000000001',
      'detail-type': 'Deep Thought Recorded',
      source: 'portfolio-share-orchestrator',
      account: stack.aws.organization.managementAccountId,
      time: '2026-12-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: JSON.parse(nestedDetail('deep-in-process', 20_000)) as Record<string, unknown>,
      eventBusName: stack.definitions.eventBusName,
    };
    stack.aws.events.publish(event);

    const recorded = auditStream().find((candidate) => candidate.id === event.id);
    expect(recorded).toMatchObject({
      'detail-type': 'Deep Thought Recorded',
      detail: null,
      detailNotWritten: expect.stringMatching(/^RangeError/),
    });
    expect(lines.some((line) => line.includes(event.id) && line.includes('could not be written out'))).toBe(true);
  });

  it('leaves nothing running, nothing dead-lettered and no internal error', async () => {
    await stack.settle();
    expect(stack.stepFunctions.running()).toBe(0);
    expect(stack.router.deadLetters).toEqual([]);
    expect(stack.aws.internalErrors).toEqual([]);
  });
});
