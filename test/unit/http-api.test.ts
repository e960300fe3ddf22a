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
import { outcomesKey, recordAccountOutcomes } from '../../src/workflow/account-outcomes.js';
import { lambdaContext } from '../support/lambda-context.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { iamRequestContext, usePolicy } from '../support/policy.js';

const sfn = mockClient(SFNClient);
const outcomesTable = useOutcomesTable();
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:share-portfolio';
let createShare: (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let getShare: typeof createShare;

beforeAll(async () => {
  process.env.SHARE_STATE_MACHINE_ARN = MACHINE;
  usePolicy({
    version: 1,
    portfolios: [{ portfolioId: 'port-abcd1234efgh5', targets: [{ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' }] }],
  });
  createShare = (await import('../../functions/api/create-share.js')).handler as never;
  getShare = (await import('../../functions/api/get-share.js')).handler as never;
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace('stateMachine', 'execution')}:r`, startDate: new Date() });
});

const post = (body: string | undefined, context: unknown = iamRequestContext()) =>
  createShare(
    { body, isBase64Encoded: false, headers: {}, ...(context as object) } as unknown as APIGatewayProxyEventV2,
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
    [
      JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5', ou: 'ou-ab12-cdef3456' } }),
      'target: Unrecognized key: "ou"',
    ],
  ])('answers 400 naming the field for %s', async (body, field) => {
    const response = await post(body);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toContain(field);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('POST /shares with a body larger than a request can be', () => {
  it('answers 400 naming the limit, and starts nothing', async () => {
    const response = await post(JSON.stringify({ portfolioId: 'port-abcd1234efgh5', note: 'x'.repeat(70_000) }));

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toMatch(/a request takes at most 65,536 bytes/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('POST /shares under a requestId already in use', () => {
  const request = {
    portfolioId: 'port-abcd1234efgh5',
    target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' },
    requestId: 'ticket-7',
  };
  /** The execution an event with this detail started: the same request, sent by another transport. */
  const startedByEvent = (detail: Record<string, unknown>) => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'RUNNING',
      input: JSON.stringify({
        ...detail,
        requestedBy: { type: 'event', accountId: '123456789012', source: 'portfolio-share-orchestrator', eventId: 'e-1' },
      }),
    } as never);
  };

  it('answers ALREADY_ACCEPTED for the request an event already started: the request is compared, not who sent it or how', async () => {
    startedByEvent(request);

    const response = await post(JSON.stringify(request));

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ requestId: 'ticket-7', status: 'ALREADY_ACCEPTED' });
  });

  it('answers 409 RequestIdConflict when the execution under that id asks something else', async () => {
    startedByEvent({ ...request, shareTagOptions: true });

    const response = await post(JSON.stringify(request));

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toEqual({
      message: 'requestId ticket-7 is already used by a different request',
      error: 'RequestIdConflict',
      requestId: 'ticket-7',
    });
  });
});

describe('POST /shares refused by the sharing policy', () => {
  const ask = (target: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ portfolioId: 'port-abcd1234efgh5', target, ...extra });

  it.each([
    [
      'a portfolio the policy does not list',
      JSON.stringify({ portfolioId: 'port-databases0001', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' } }),
      'portfolios',
    ],
    [
      'the whole organization, which the policy does not list',
      ask({ type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }),
      'portfolios[0].requests.targets',
    ],
    ['an account outside the organization', ask({ type: 'EXTERNAL_ACCOUNT', id: '999988887777' }), 'portfolios[0].requests.targets'],
    [
      'principal sharing the policy does not let a request turn on',
      ask({ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' }, { sharePrincipals: true }),
      'portfolios[0].requests.options',
    ],
  ])('answers 403 naming the rule for %s, and starts nothing', async (_name, body, rule) => {
    const response = await post(body);

    expect(response.statusCode).toBe(403);
    expect(bodyOf(response)).toMatchObject({ error: 'NotAuthorized', rule });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 403 for a caller of another account, and for a request with no IAM caller', async () => {
    const body = ask({ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' });
    const outsider = await post(body, iamRequestContext('arn:aws:iam::210987654321:user/sam', '210987654321'));
    expect(outsider.statusCode).toBe(403);
    expect(bodyOf(outsider)).toMatchObject({ rule: 'authorization.requesters.share' });
    expect(bodyOf(outsider).message).toContain('arn:aws:iam::210987654321:user/sam is not one');

    expect((await post(body, { requestContext: {} })).statusCode).toBe(403);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('records the caller as IAM reports it in the workflow input', async () => {
    await post(ask({ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' }));
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}').requestedBy).toEqual({
      type: 'api',
      principalArn: 'arn:aws:iam::123456789012:role/PlatformTeam',
      userArn: 'arn:aws:sts::123456789012:assumed-role/PlatformTeam/alex',
      accountId: '123456789012',
    });
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
      accounts: [],
    });
  });

  it('lists every account outcome, however many the result event could list', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', startDate: new Date('2026-11-21T10:00:00Z') } as never);
    const failed = Array.from({ length: 5_000 }, (_, i) => ({
      accountId: String(400_000_000_000 + i),
      outcome: 'FAILED' as const,
      error: 'AccessDeniedException',
      message: `Account ${400_000_000_000 + i} refused the share`,
    }));
    await recordAccountOutcomes(outcomesTable.store, outcomesKey('share', 'ticket-43'), failed, new Date());

    const body = bodyOf(await get('ticket-43')) as { accounts: unknown[] };

    expect(body.accounts).toHaveLength(5_000);
    expect(body.accounts[4_999]).toEqual(failed[4_999]);
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
