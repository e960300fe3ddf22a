import { type BusEvent, EventLog, SimulatedClock } from '@portfolio-share-orchestrator/local-aws';
import { describe, expect, it } from 'vitest';
import { startEventRouter } from '../../local/runtime/event-router.js';
import type { LocalRule } from '../../local/runtime/serverless-config.js';

const clock = new SimulatedClock({ scale: 1000 });
const event = (overrides: Partial<BusEvent> = {}): BusEvent => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'Portfolio Share Requested',
  source: 'portfolio-share-orchestrator',
  account: '123456789012',
  time: '2026-11-21T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { portfolioId: 'port-abcd1234efgh5' },
  eventBusName: 'project-bus',
  ...overrides,
});
const rule = (overrides: Partial<LocalRule> = {}): LocalRule => ({
  name: 'share-requests',
  arn: 'arn:aws:events:us-east-1:123456789012:rule/project-bus/share-requests',
  eventBusName: 'project-bus',
  pattern: { source: ['portfolio-share-orchestrator'], 'detail-type': ['Portfolio Share Requested'] },
  target: { kind: 'function', functionKey: 'takeShareRequest' },
  retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 86_400 },
  input: {},
  ...overrides,
});

describe('event router', () => {
  it('delivers matching events of the rule bus only, without the local bus field', async () => {
    const events = new EventLog();
    const delivered: unknown[] = [];
    const router = startEventRouter({
      events,
      rules: [rule()],
      accountId: '123456789012',
      clock,
      invokeFunction: async (_key, input) => void delivered.push(input),
      writeLog: () => undefined,
    });
    events.publish(event());
    events.publish(event({ id: 'e-2', eventBusName: 'default' }));
    events.publish(event({ id: 'e-3', source: 'someone-else' }));
    await router.idle();
    router.stop();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ id: 'e-1' });
    expect(delivered[0]).not.toHaveProperty('eventBusName');
  });

  it("delivers the default bus's events of its own account only, as each account has its own default bus", async () => {
    const events = new EventLog();
    const delivered: unknown[] = [];
    const defaultRule = rule({ eventBusName: 'default', pattern: { source: ['aws.organizations'] } });
    const router = startEventRouter({
      events,
      rules: [defaultRule],
      accountId: '123456789012',
      clock,
      invokeFunction: async (_key, input) => void delivered.push(input),
      writeLog: () => undefined,
    });
    const organizationsEvent = { source: 'aws.organizations', 'detail-type': 'AWS API Call via CloudTrail', eventBusName: 'default' };
    events.publish(event({ ...organizationsEvent, id: 'in-the-hub' }));
    events.publish(event({ ...organizationsEvent, id: 'in-a-member', account: '210987654321' }));
    await router.idle();
    router.stop();
    expect(delivered).toEqual([expect.objectContaining({ id: 'in-the-hub' })]);
  });

  it('retries a failing target with backoff, then parks the event in the dead-letter queue', async () => {
    const events = new EventLog();
    let calls = 0;
    const router = startEventRouter({
      events,
      rules: [rule()],
      accountId: '123456789012',
      clock,
      invokeFunction: async () => {
        calls++;
        throw new Error('handler failed');
      },
      writeLog: () => undefined,
    });
    events.publish(event());
    await router.idle();
    router.stop();
    expect(calls).toBe(4);
    expect(router.deadLetters).toEqual([expect.objectContaining({ rule: 'share-requests', attempts: 4, error: 'Error: handler failed' })]);
  });

  it('succeeds on a retry without a dead letter', async () => {
    const events = new EventLog();
    let calls = 0;
    const router = startEventRouter({
      events,
      rules: [rule()],
      accountId: '123456789012',
      clock,
      invokeFunction: async () => {
        if (++calls < 3) throw new Error('not yet');
      },
      writeLog: () => undefined,
    });
    events.publish(event());
    await router.idle();
    router.stop();
    expect(calls).toBe(3);
    expect(router.deadLetters).toEqual([]);
  });

  it('applies the target input and writes log targets', async () => {
    const events = new EventLog();
    const written: unknown[] = [];
    const router = startEventRouter({
      events,
      rules: [
        rule({
          target: { kind: 'log', logGroupName: '/audit', logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/audit:*' },
          input: { inputPath: '$.detail' },
        }),
      ],
      accountId: '123456789012',
      clock,
      invokeFunction: async () => undefined,
      writeLog: (_group, entry) => void written.push(entry),
    });
    events.publish(event());
    await router.idle();
    router.stop();
    expect(written).toEqual([{ portfolioId: 'port-abcd1234efgh5' }]);
  });

  it('refuses an invalid pattern when it starts', () => {
    expect(() =>
      startEventRouter({
        events: new EventLog(),
        rules: [rule({ pattern: { source: 'not-an-array' } as never })],
        accountId: '123456789012',
        clock,
        invokeFunction: async () => undefined,
        writeLog: () => undefined,
      }),
    ).toThrow(/source/);
  });
});
