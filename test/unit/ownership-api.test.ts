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
import { lambdaContext } from '../support/lambda-context.js';
import { API_CALLER, iamRequestContext } from '../support/policy.js';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:transfer-ownership';
const OWNER = 'arn:aws:iam::333333333333:user/sam';
type Handler = (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let transfer: Handler;
let getTransfer: Handler;

beforeAll(async () => {
  process.env.OWNERSHIP_TRANSFER_STATE_MACHINE_ARN = MACHINE;
  transfer = (await import('../../functions/api/transfer-product-ownership.js')).handler as never;
  getTransfer = (await import('../../functions/api/get-ownership-transfer.js')).handler as never;
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace('stateMachine', 'execution')}:r`, startDate: new Date() });
});

const put = (id: string, body: unknown) =>
  transfer(
    {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      pathParameters: { id },
      isBase64Encoded: false,
      ...iamRequestContext(),
      headers: {},
    } as unknown as APIGatewayProxyEventV2,
    lambdaContext('transferProductOwnership'),
  );
const get = (requestId: string) =>
  getTransfer(
    { pathParameters: { requestId }, ...iamRequestContext(), headers: {} } as unknown as APIGatewayProxyEventV2,
    lambdaContext('getOwnershipTransfer'),
  );
const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '{}');

describe('PUT /provisioned-products/{id}/owner', () => {
  it('answers 202 and starts the transfer of the product in the path under the request id', async () => {
    const response = await put('pp-paymentsvpc01', { accountId: '333333333333', ownerArn: OWNER, requestId: 'handover-1' });

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ requestId: 'handover-1', status: 'ACCEPTED' });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe('handover-1');
    expect(JSON.parse(start?.input ?? '{}')).toMatchObject({
      requestId: 'handover-1',
      accountId: '333333333333',
      ownerArn: OWNER,
      provisionedProductId: 'pp-paymentsvpc01',
      fromOwnerArn: null,
      requestedBy: API_CALLER,
    });
  });

  it.each([
    [
      'an owner of another account',
      'pp-paymentsvpc01',
      { accountId: '333333333333', ownerArn: 'arn:aws:iam::444444444444:role/WebLead' },
      'ownerArn: must be an IAM user or role of account 333333333333',
    ],
    [
      'a user group',
      'pp-paymentsvpc01',
      { accountId: '333333333333', ownerArn: 'arn:aws:iam::333333333333:group/Payments' },
      'ownerArn: must be an IAM user or role ARN',
    ],
    [
      'another product in the body',
      'pp-paymentsvpc01',
      { accountId: '333333333333', ownerArn: OWNER, provisionedProductId: 'pp-other' },
      'provisionedProductId: must be the id in the path',
    ],
    [
      'a bulk transfer in the body',
      'pp-paymentsvpc01',
      { accountId: '333333333333', ownerArn: OWNER, fromOwnerArn: 'arn:aws:iam::333333333333:user/jordan' },
      'fromOwnerArn: cannot be given with provisionedProductId',
    ],
    [
      'a malformed product id',
      'pp.bad',
      { accountId: '333333333333', ownerArn: OWNER },
      'provisionedProductId: must be a provisioned product id',
    ],
    ['no account', 'pp-paymentsvpc01', { ownerArn: OWNER }, 'accountId'],
    ['a body that is not JSON', 'pp-paymentsvpc01', '{nope', 'body: is not valid JSON'],
  ])('answers 400 naming the field for %s', async (_case, id, body, message) => {
    const response = await put(id, body);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toContain(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 409 when the request id is taken by a different transfer', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify({ other: true }), status: 'SUCCEEDED' } as never);

    const response = await put('pp-paymentsvpc01', { accountId: '333333333333', ownerArn: OWNER, requestId: 'handover-1' });

    expect(response.statusCode).toBe(409);
  });
});

describe('GET /ownership-transfers/{requestId}', () => {
  it('answers the status with the result, and 404 naming an unknown transfer', async () => {
    const result = { requestId: 'handover-1', outcome: 'SUCCEEDED', products: [] };
    sfn.on(DescribeExecutionCommand, { executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:handover-1` }).resolves({
      status: 'SUCCEEDED',
      startDate: new Date('2026-11-21T10:00:00Z'),
      output: JSON.stringify(result),
    } as never);

    expect(bodyOf(await get('handover-1'))).toMatchObject({ requestId: 'handover-1', status: 'SUCCEEDED', outcome: 'SUCCEEDED', result });

    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    const unknown = await get('nobody');
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown).message).toBe('No ownership transfer nobody');
  });
});
