import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../support/lambda-context.js';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:share-portfolio';
let createShare: (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let getShare: typeof createShare;

beforeAll(async () => {
  process.env.SHARE_STATE_MACHINE_ARN = MACHINE;
  createShare = (await import('../../functions/api/create-share.js')).handler as never;
  getShare = (await import('../../functions/api/get-share.js')).handler as never;
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace('stateMachine', 'execution')}:r`, startDate: new Date() });
});

const post = (body: string | undefined) =>
  createShare(
    { body, isBase64Encoded: false, requestContext: {}, headers: {} } as unknown as APIGatewayProxyEventV2,
    lambdaContext('createShare'),
  );
const get = (requestId: string) =>
  getShare(
    { pathParameters: { requestId }, requestContext: {}, headers: {} } as unknown as APIGatewayProxyEventV2,
    lambdaContext('getShare'),
  );
const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '{}');

describe('POST /shares', () => {
  it('answers 202 with the request id it started the workflow under', async () => {
    const response = await post(
      JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' } }),
    );

    expect(response.statusCode).toBe(202);
    const body = bodyOf(response);
    expect(body.status).toBe('ACCEPTED');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(body.requestId);
  });

  it.each([
    [undefined, 'body: is required'],
    ['{not json', 'body: is not valid JSON'],
    [JSON.stringify({ target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' } }), 'portfolioId'],
    [JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'OU', id: 'x' } }), 'target.type'],
    [
      JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }, requestId: 'has spaces' }),
      'requestId',
    ],
    [JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }, extra: 1 }), 'extra'],
  ])('answers 400 naming the field for %s', async (body, field) => {
    const response = await post(body);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toContain(field);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('GET /shares/{requestId}', () => {
  it('answers the execution status and the result it reported', async () => {
    const result = { requestId: 'ticket-42', outcome: 'SUCCEEDED', sharedAccounts: ['111111111111'] };
    sfn.on(DescribeExecutionCommand, { executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:ticket-42` }).resolves({
      status: 'SUCCEEDED',
      startDate: new Date('2026-11-21T10:00:00Z'),
      stopDate: new Date('2026-11-21T10:01:00Z'),
      output: JSON.stringify(result),
    } as never);

    const response = await get('ticket-42');

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({
      requestId: 'ticket-42',
      status: 'SUCCEEDED',
      outcome: 'SUCCEEDED',
      result,
      stoppedAt: '2026-11-21T10:01:00.000Z',
    });
  });

  it('answers 404 for an unknown request and 500 without details for anything unexpected', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }))
      .rejectsOnce(new Error('socket hang up'));

    expect((await get('unknown')).statusCode).toBe(404);
    const failed = await get('other');
    expect(failed.statusCode).toBe(500);
    expect(bodyOf(failed)).toEqual({ message: 'Internal server error' });
  });
});
