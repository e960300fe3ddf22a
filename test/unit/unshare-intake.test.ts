import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { takeUnshareRequestEvent } from '../../src/unshare/unshare-intake.js';
import { fakeExecutions } from '../support/fake-executions.js';
import { lambdaContext } from '../support/lambda-context.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { API_CALLER, iamRequestContext, usePolicy } from '../support/policy.js';

const sfn = mockClient(SFNClient);
// The share and unshare steps keep their account outcomes in the outcomes table.
useOutcomesTable();
const eventBridge = mockClient(EventBridgeClient);
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:unshare-portfolio';
const executionArn = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const OU_TARGET = { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' };

const dependencies = { sfn: new SFNClient({}), stateMachineArn: MACHINE };
const published = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const startedInput = (index = 0) => JSON.parse(sfn.commandCalls(StartExecutionCommand)[index]?.args[0].input.input ?? '{}');

let deleteShare: (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let getUnshare: typeof deleteShare;

beforeAll(async () => {
  usePolicy({
    version: 1,
    portfolios: [{ portfolioId: 'port-abcd1234efgh5', targets: [{ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' }] }],
  });
  process.env.UNSHARE_STATE_MACHINE_ARN = MACHINE;
  deleteShare = (await import('../../functions/api/delete-share.js')).handler as never;
  getUnshare = (await import('../../functions/api/get-unshare.js')).handler as never;
});

beforeEach(() => {
  sfn.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: executionArn(input.name), startDate: new Date() }));
});

const del = (body: string | undefined) =>
  deleteShare(
    { body, isBase64Encoded: false, ...iamRequestContext(), headers: {} } as unknown as APIGatewayProxyEventV2,
    lambdaContext('deleteShare'),
  );
const get = (requestId: string) =>
  getUnshare(
    { pathParameters: { requestId }, ...iamRequestContext(), headers: {} } as unknown as APIGatewayProxyEventV2,
    lambdaContext('getUnshare'),
  );
const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '{}');

describe('unshare request intake', () => {
  const event = {
    id: 'c0ffee00-0000-4000-8000-000000000011',
    account: '123456789012',
    source: 'portfolio-share-orchestrator',
    detail: { portfolioId: 'port-abcd1234efgh5', target: OU_TARGET, requestId: 'ticket-7' },
  };

  it('starts the unshare workflow under the request id', async () => {
    const outcome = await takeUnshareRequestEvent(event, dependencies);

    expect(outcome).toMatchObject({ requestId: 'ticket-7', state: 'started', executionArn: executionArn('ticket-7') });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({ stateMachineArn: MACHINE, name: 'ticket-7' });
    expect(startedInput()).toEqual({
      requestId: 'ticket-7',
      portfolioId: 'port-abcd1234efgh5',
      target: OU_TARGET,
      requestedBy: { type: 'event', accountId: '123456789012', source: 'portfolio-share-orchestrator', eventId: event.id },
    });
    expect(published()).toEqual([]);
  });

  it('starts under the event id when the request has none, and nothing new for a repeated delivery', async () => {
    const { requestId: _none, ...detail } = event.detail;
    await takeUnshareRequestEvent({ ...event, detail }, dependencies);
    const first = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input;
    sfn.reset();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: first, status: 'RUNNING' } as never);

    expect(await takeUnshareRequestEvent({ ...event, detail }, dependencies)).toMatchObject({ requestId: event.id, state: 'existing' });
    expect(published()).toEqual([]);
  });

  it('starts the workflow with the refusal of an invalid request, once however often it is delivered, and reports a reused id once', async () => {
    const executions = fakeExecutions(sfn);
    const invalid = {
      ...event,
      detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'EXTERNAL_ACCOUNT', id: '12' }, requestId: 'ticket-8' },
    };
    const reuse = { ...event, detail: { ...event.detail, requestId: 'ticket-8' } };

    const outcomes = [];
    for (const taken of [invalid, invalid, invalid, reuse, reuse]) outcomes.push(await takeUnshareRequestEvent(taken, dependencies));

    expect(outcomes.map((outcome) => [outcome.state, outcome.conflictReport?.state])).toEqual([
      ['started', undefined],
      ['existing', undefined],
      ['existing', undefined],
      ['conflict', 'started'],
      ['conflict', 'existing'],
    ]);
    const [refusal, conflict, ...more] = [...executions.values()];
    expect(more).toEqual([]);
    expect(refusal?.name).toBe('ticket-8');
    expect(refusal?.input).toMatchObject({
      requestId: 'ticket-8',
      portfolioId: 'port-abcd1234efgh5',
      target: null,
      refused: { error: 'ValidationError', message: expect.stringContaining('target.id: must be a 12-digit AWS account id') },
    });
    expect(conflict?.name).toMatch(/^ticket-8-conflict-[0-9a-f]{16}$/);
    expect(conflict?.input).toMatchObject({ requestId: 'ticket-8', target: OU_TARGET, refused: { error: 'RequestIdConflict' } });
    expect(published()).toEqual([]);
  });
});

describe('DELETE /shares', () => {
  it('answers 202 with the request id and execution it started the unshare workflow under', async () => {
    const response = await del(JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: OU_TARGET, requestId: 'ticket-8' }));

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ requestId: 'ticket-8', status: 'ACCEPTED', executionArn: executionArn('ticket-8') });
    expect(startedInput()).toEqual({
      requestId: 'ticket-8',
      portfolioId: 'port-abcd1234efgh5',
      target: OU_TARGET,
      requestedBy: API_CALLER,
    });
  });

  it('answers 202 ALREADY_ACCEPTED for the same request again, and 409 for a reused request id with another body', async () => {
    const body = { portfolioId: 'port-abcd1234efgh5', target: OU_TARGET, requestId: 'ticket-9' };
    await del(JSON.stringify(body));
    const first = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input;
    sfn.reset();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: first, status: 'SUCCEEDED' } as never);

    expect(bodyOf(await del(JSON.stringify(body)))).toMatchObject({ status: 'ALREADY_ACCEPTED' });
    const conflict = await del(JSON.stringify({ ...body, target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' } }));
    expect(conflict.statusCode).toBe(409);
    expect(bodyOf(conflict)).toMatchObject({ requestId: 'ticket-9' });
  });

  it.each([
    [undefined, 'body: is required'],
    [JSON.stringify({ target: OU_TARGET }), 'portfolioId'],
    [JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATIONAL_UNIT', id: 'r-ab12' } }), 'target.id'],
    [JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: OU_TARGET, sharePrincipals: true }), 'sharePrincipals'],
  ])('answers 400 naming the field for %s', async (body, field) => {
    const response = await del(body);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toContain(field);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('GET /unshares/{requestId}', () => {
  it('answers the unshare execution status and the result it reported', async () => {
    const result = { requestId: 'ticket-8', outcome: 'SUCCEEDED', alreadyAbsent: true };
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn('ticket-8') }).resolves({
      status: 'SUCCEEDED',
      startDate: new Date('2026-11-21T10:00:00Z'),
      stopDate: new Date('2026-11-21T10:00:30Z'),
      output: JSON.stringify(result),
    } as never);

    const response = await get('ticket-8');

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      requestId: 'ticket-8',
      status: 'SUCCEEDED',
      outcome: 'SUCCEEDED',
      startedAt: '2026-11-21T10:00:00.000Z',
      stoppedAt: '2026-11-21T10:00:30.000Z',
      result,
      accounts: [],
    });
  });

  it('answers 404 naming an unknown unshare request, and 400 for a malformed id', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));

    const missing = await get('unknown');
    expect(missing.statusCode).toBe(404);
    expect(bodyOf(missing).message).toBe('No unshare request unknown');
    expect((await get('has spaces')).statusCode).toBe(400);
  });
});
