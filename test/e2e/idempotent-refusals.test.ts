import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { BusEvent } from '@portfolio-share-orchestrator/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';
import { expectValidEvent } from '../support/result-events.js';

// One result per request, however often it arrives (issue 16): a malformed request delivered twice
// by EventBridge and sent twice more by its client, a malformed account event delivered four times, a
// requestId reused for a different request, and the same request sent as an event and then over HTTP.

let e2e: E2eStack;
let stack: E2eStack['stack'];

const DATABASES = 'port-databases0001';
const SANDBOX = 'ou-ex12-sandbox1';
const DEVELOPMENT = 'ou-ex12-devwork1';
const SECURITY = 'ou-ex12-security';
const PROD_PAYMENTS = '333333333333';

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ stack } = e2e);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** Puts a request event that EventBridge delivers twice (the same event id), as at-least-once delivery may. */
const putDeliveredTwice = async (detailType: string, detail: unknown) => {
  stack.aws.knobs.setDuplicateEventRate(1);
  try {
    await e2e.putEvent(detailType, detail);
  } finally {
    stack.aws.knobs.setDuplicateEventRate(0);
  }
};

/** The request delivered twice, then sent twice more by its client (new events, the same detail). */
const sendThreeTimes = async (detailType: string, detail: unknown) => {
  await putDeliveredTwice(detailType, detail);
  await e2e.putEvent(detailType, detail);
  await e2e.putEvent(detailType, detail);
};

/** The request's results on the bus once the stack is idle: every result event for the request id. */
const resultsFor = async (requestId: string): Promise<BusEvent[]> => {
  await stack.settle();
  return stack.aws.events
    .list({ eventBusName: stack.definitions.eventBusName })
    .filter((event) => event.detail.requestId === requestId && !event['detail-type'].endsWith(' Requested'));
};

const executionsNamed = async (machine: keyof E2eStack['stack']['stateMachineArns'], prefix: string) => {
  const { executions = [] } = await new SFNClient(e2e.config).send(
    new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArns[machine] }),
  );
  return executions.filter((execution) => execution.name?.startsWith(prefix)).map((execution) => execution.name);
};

describe('refusals are as idempotent as successes, end to end', () => {
  it('ends a malformed share request sent three times (one of them delivered twice) in one Portfolio Share Failed naming the key', async () => {
    const malformed = {
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: SANDBOX, includeChildren: true },
      requestId: 'e2e-malformed-share',
    };
    await sendThreeTimes('Portfolio Share Requested', malformed);

    const results = await resultsFor('e2e-malformed-share');
    const requests = stack.aws.events.list({ eventBusName: stack.definitions.eventBusName, detailType: 'Portfolio Share Requested' });
    const deliveries = requests.filter((event) => event.detail.requestId === 'e2e-malformed-share').map((event) => event.id);
    expect([deliveries.length, new Set(deliveries).size]).toEqual([4, 3]);
    expect(results.map((result) => result['detail-type'])).toEqual(['Portfolio Share Failed']);
    expect(results[0]?.detail).toMatchObject({
      portfolioId: DATABASES,
      target: null,
      sharedAccounts: [],
      failure: { error: 'ValidationError', message: expect.stringContaining('target: Unrecognized key: "includeChildren"') },
      requestedBy: { type: 'event', source: 'portfolio-share-orchestrator' },
    });
    expect(await executionsNamed('sharePortfolio', 'e2e-malformed-share')).toEqual(['e2e-malformed-share']);

    // The refusal is the request's outcome, read like any other.
    const read = await e2e.http('GET', '/shares/e2e-malformed-share');
    expect(read).toMatchObject({ status: 200, body: { status: 'SUCCEEDED', outcome: 'FAILED', result: results[0]?.detail } });
    // Over HTTP the same body is a 400 that names the key, and starts nothing.
    const { requestId: _id, ...body } = malformed;
    const refused = await e2e.http('POST', '/shares', body);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('target: Unrecognized key: "includeChildren"');
  }, 90_000);

  it('ends a malformed unshare and a malformed ownership transfer, each sent three times, in one Failed result each', async () => {
    await sendThreeTimes('Portfolio Unshare Requested', {
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: SANDBOX },
      requestId: 'e2e-malformed-unshare',
      everywhere: true,
    });
    await sendThreeTimes('Ownership Transfer Requested', {
      accountId: PROD_PAYMENTS,
      ownerArn: `arn:aws:iam::${PROD_PAYMENTS}:group/Admins`,
      provisionedProductId: 'pp-paymentsvpc01',
      requestId: 'e2e-malformed-transfer',
    });

    const unshare = await resultsFor('e2e-malformed-unshare');
    expect(unshare.map((result) => result['detail-type'])).toEqual(['Portfolio Unshare Failed']);
    expect(unshare[0]?.detail.failure).toMatchObject({ error: 'ValidationError', message: expect.stringContaining('"everywhere"') });
    const transfer = await resultsFor('e2e-malformed-transfer');
    expect(transfer.map((result) => result['detail-type'])).toEqual(['Ownership Transfer Failed']);
    expect(transfer[0]?.detail).toMatchObject({
      accountId: PROD_PAYMENTS,
      products: [],
      failure: { error: 'ValidationError', message: expect.stringContaining('ownerArn') },
    });
  }, 90_000);

  it('reports a requestId reused for a different request in one Portfolio Share Failed naming the conflict, and leaves the first request alone', async () => {
    const first = { portfolioId: DATABASES, target: { type: 'ORGANIZATIONAL_UNIT', id: DEVELOPMENT }, requestId: 'e2e-reused' };
    await e2e.putEvent('Portfolio Share Requested', first);
    await e2e.resultOf('e2e-reused');
    const reuse = { ...first, target: { type: 'ORGANIZATIONAL_UNIT', id: SECURITY } };
    await putDeliveredTwice('Portfolio Share Requested', reuse);
    await e2e.putEvent('Portfolio Share Requested', reuse);

    const results = await resultsFor('e2e-reused');
    expect(results.map((result) => result['detail-type']).sort()).toEqual(['Portfolio Share Failed', 'Portfolio Share Succeeded']);
    const conflict = results.find((result) => result['detail-type'] === 'Portfolio Share Failed');
    expect(conflict?.detail).toMatchObject({
      portfolioId: DATABASES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: SECURITY },
      sharedAccounts: [],
      failure: {
        error: 'RequestIdConflict',
        message: expect.stringContaining('requestId e2e-reused is already used by a different request'),
      },
    });
    expect((await executionsNamed('sharePortfolio', 'e2e-reused')).sort()).toEqual([
      'e2e-reused',
      expect.stringMatching(/^e2e-reused-conflict-[0-9a-f]{16}$/),
    ]);
    // Nothing was shared with the OU the reused id asked for.
    const read = await e2e.http('GET', '/shares/e2e-reused');
    expect(read.body.result).toMatchObject({ outcome: 'SUCCEEDED', target: { id: DEVELOPMENT } });
  }, 90_000);

  it('accepts over HTTP the request an event already started: the request is compared, not its transport', async () => {
    const request = { portfolioId: DATABASES, target: { type: 'ORGANIZATIONAL_UNIT', id: SECURITY }, requestId: 'e2e-event-then-http' };
    await e2e.putEvent('Portfolio Share Requested', request);
    await e2e.resultOf('e2e-event-then-http');

    const again = await e2e.http('POST', '/shares', request);
    expect(again).toMatchObject({ status: 202, body: { requestId: 'e2e-event-then-http', status: 'ALREADY_ACCEPTED' } });
    const different = await e2e.http('POST', '/shares', { ...request, shareTagOptions: true });
    expect(different).toMatchObject({ status: 409, body: { error: 'RequestIdConflict', requestId: 'e2e-event-then-http' } });

    const results = await resultsFor('e2e-event-then-http');
    expect(results.map((result) => result['detail-type'])).toEqual(['Portfolio Share Succeeded']);
    expect(results[0]?.detail.requestedBy).toMatchObject({ type: 'event' });
  }, 90_000);

  it('ends a malformed account event delivered three times (one of them twice at once) in one Account Offboarding Failed', async () => {
    const managementAccountId = stack.aws.organization.managementAccountId;
    // Organizations' departure event, in a shape the intake cannot find the account in (AWS publishes no sample of it).
    const departure: BusEvent = {
      version: '0',
      id: 'e2e0fa11-0000-4000-8000-000000000001',
      'detail-type': 'AWS Service Event via CloudTrail',
      source: 'aws.organizations',
      account: managementAccountId,
      time: new Date(stack.aws.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail: {
        eventSource: 'organizations.amazonaws.com',
        eventName: 'AccountDepartedOrganization',
        eventType: 'AwsServiceEvent',
        serviceEventDetails: { departedMethod: 'Left' },
        recipientAccountId: managementAccountId,
      },
      eventBusName: 'default',
    };
    stack.aws.knobs.setDuplicateEventRate(1);
    try {
      stack.aws.events.publish(departure);
    } finally {
      stack.aws.knobs.setDuplicateEventRate(0);
    }
    stack.aws.events.publish(structuredClone(departure));
    await stack.settle();
    stack.aws.events.publish(structuredClone(departure));

    const results = await resultsFor(departure.id);
    expect(results.map((result) => result['detail-type'])).toEqual(['Account Offboarding Failed']);
    expect(results[0]?.detail).toMatchObject({
      accountId: null,
      eventName: 'AccountDepartedOrganization',
      removedShares: [],
      failure: { error: 'ValidationError', message: expect.stringContaining('names no departed account') },
      requestedBy: { type: 'event', source: 'aws.organizations', eventId: departure.id },
    });
    expect(await executionsNamed('onboardAccount', departure.id)).toEqual([departure.id]);
  }, 90_000);

  it('leaves nothing running and nothing dead-lettered, every result valid against its schema', async () => {
    await stack.settle();
    const events = stack.aws.events.list({ eventBusName: stack.definitions.eventBusName });
    // The malformed requests this file sent are on the bus as sent; every result must validate.
    for (const event of events.filter((candidate) => !candidate['detail-type'].endsWith(' Requested'))) expectValidEvent(event);
    expect(stack.stepFunctions.running()).toBe(0);
    expect(stack.router.deadLetters).toEqual([]);
  }, 90_000);
});
