import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeRecordCommand,
  SearchProvisionedProductsCommand,
  ServiceCatalogClient,
  UpdateProvisionedProductPropertiesCommand,
} from '@aws-sdk/client-service-catalog';
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  OwnershipTransferRequest,
  type OwnershipTransferWorkflowInput,
  RefusedOwnershipTransferInput,
} from '../../src/contracts/ownership-transfer.js';
import { ValidationError } from '../../src/errors.js';
import { findProvisionedProducts } from '../../src/ownership/find-products.js';
import { describeOwnerChangeRecords, idempotencyTokenFor, requestOwnerChanges } from '../../src/ownership/owner-changes.js';
import { takeOwnershipTransferRequestEvent } from '../../src/ownership/ownership-intake.js';
import { SummariseOwnershipTransferInput, summariseOwnershipTransfer } from '../../src/ownership/transfer-result.js';
import { parseWith } from '../../src/validation.js';
import { fakeExecutions } from '../support/fake-executions.js';
import { expectValidEvent } from '../support/result-events.js';

const ACCOUNT = '333333333333';
const USER = `arn:aws:iam::${ACCOUNT}:user/jordan`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/teams/payments/PaymentsLead`;

const serviceCatalog = mockClient(ServiceCatalogClient);
const sfn = mockClient(SFNClient);
const eventBridge = mockClient(EventBridgeClient);
const member = async () => new ServiceCatalogClient({ region: 'us-east-1' });

const workflowInput = (overrides: Partial<OwnershipTransferWorkflowInput> = {}): OwnershipTransferWorkflowInput => ({
  requestId: 'transfer-1',
  accountId: ACCOUNT,
  ownerArn: ROLE,
  provisionedProductId: null,
  fromOwnerArn: USER,
  requestedBy: {
    type: 'event',
    accountId: '123456789012',
    source: 'portfolio-share-orchestrator',
    eventId: 'c0ffee00-0000-4000-8000-000000000009',
  },
  ...overrides,
});

/** The ValidationError a request raises, as "field: message" lines. */
const problems = (request: unknown): string[] => {
  try {
    parseWith(OwnershipTransferRequest, request, 'request');
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
};

beforeEach(() => {
  serviceCatalog.reset();
  sfn.reset();
  eventBridge.reset();
});

describe('ownership transfer request', () => {
  it.each([
    [`arn:aws:iam::${ACCOUNT}:user/jordan`],
    [`arn:aws:iam::${ACCOUNT}:role/Admin`],
    [`arn:aws:iam::${ACCOUNT}:role/service-role/teams/Deploy+Role=1,x.y@z_w-v`],
    [`arn:aws-us-gov:iam::${ACCOUNT}:user/gov.user`],
    [`arn:aws-cn:iam::${ACCOUNT}:role/China`],
    [`arn:aws:iam::${ACCOUNT}:user/${'a'.repeat(64)}`],
  ])('accepts the IAM user or role %s of the account', (ownerArn) => {
    expect(problems({ accountId: ACCOUNT, ownerArn, provisionedProductId: 'pp-abcd1234efgh5' })).toEqual([]);
  });

  it.each([
    [
      'another account',
      'arn:aws:iam::444444444444:role/Admin',
      'ownerArn: must be an IAM user or role of account 333333333333 (accountId), not of account 444444444444',
    ],
    ['a group', `arn:aws:iam::${ACCOUNT}:group/Admins`, 'ownerArn: must be an IAM user or role ARN'],
    ['an STS session', `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/session`, 'ownerArn: must be an IAM user or role ARN'],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`, 'ownerArn: must be an IAM user or role ARN'],
    ['a name of 65 characters', `arn:aws:iam::${ACCOUNT}:user/${'a'.repeat(65)}`, 'ownerArn: must be an IAM user or role ARN'],
    ['a name with a space', `arn:aws:iam::${ACCOUNT}:user/jordan smith`, 'ownerArn: must be an IAM user or role ARN'],
    ['an empty name', `arn:aws:iam::${ACCOUNT}:role/path/`, 'ownerArn: must be an IAM user or role ARN'],
    [
      'a path over 512 characters',
      `arn:aws:iam::${ACCOUNT}:role/${'p'.repeat(511)}/Admin`,
      'ownerArn: must have an IAM path of at most 512 characters',
    ],
    ['another service', `arn:aws:s3:::bucket/user/jordan`, 'ownerArn: must be an IAM user or role ARN'],
  ])('refuses an owner ARN of %s, naming the field', (_case, ownerArn, expected) => {
    expect(problems({ accountId: ACCOUNT, ownerArn, provisionedProductId: 'pp-abcd1234efgh5' }).join('\n')).toContain(expected);
  });

  it('checks fromOwnerArn the same way, and wants exactly one of provisionedProductId and fromOwnerArn', () => {
    expect(problems({ accountId: ACCOUNT, ownerArn: ROLE, fromOwnerArn: 'arn:aws:iam::444444444444:user/jordan' })).toEqual([
      'fromOwnerArn: must be an IAM user or role of account 333333333333 (accountId), not of account 444444444444',
    ]);
    expect(problems({ accountId: ACCOUNT, ownerArn: ROLE })).toEqual([
      'provisionedProductId: is required unless fromOwnerArn names the owner whose products all move',
    ]);
    expect(problems({ accountId: ACCOUNT, ownerArn: ROLE, provisionedProductId: 'pp-abcd1234efgh5', fromOwnerArn: USER })).toEqual([
      'fromOwnerArn: cannot be given with provisionedProductId: transfer one product, or every product of fromOwnerArn',
    ]);
    expect(problems({ accountId: ACCOUNT, ownerArn: USER, fromOwnerArn: USER })).toEqual([
      'fromOwnerArn: is the same as ownerArn: there is nothing to transfer',
    ]);
    expect(problems({ accountId: ACCOUNT, ownerArn: ROLE, provisionedProductId: 'pp abc' })[0]).toContain(
      'provisionedProductId: must be a provisioned product id',
    );
    expect(problems({ accountId: '3333', ownerArn: ROLE, provisionedProductId: 'pp-a' })[0]).toContain('accountId');
    expect(problems({ accountId: ACCOUNT, ownerArn: ROLE, provisionedProductId: 'pp-a', owner: 'x' })[0]).toContain('owner');
  });
});

describe('idempotency tokens', () => {
  it('are the same for the same request and product, different otherwise, and fit the API pattern', () => {
    const token = idempotencyTokenFor('transfer-1', 'pp-abcd1234efgh5');
    expect(idempotencyTokenFor('transfer-1', 'pp-abcd1234efgh5')).toBe(token);
    expect(idempotencyTokenFor('transfer-2', 'pp-abcd1234efgh5')).not.toBe(token);
    expect(idempotencyTokenFor('transfer-1', 'pp-abcd1234efgh6')).not.toBe(token);
    // No ambiguity from joining: ("a", "bc") and ("ab", "c") differ.
    expect(idempotencyTokenFor('a', 'bc')).not.toBe(idempotencyTokenFor('ab', 'c'));
    expect(idempotencyTokenFor('r'.repeat(80), 'p'.repeat(100))).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/);
  });

  it('make a retried batch send exactly the same change', async () => {
    serviceCatalog.on(UpdateProvisionedProductPropertiesCommand).resolves({ RecordId: 'rec-1', Status: 'CREATED' });
    const batch = { request: workflowInput(), products: [{ provisionedProductId: 'pp-1', name: 'one', recordId: null }] };

    await requestOwnerChanges(batch, { memberServiceCatalog: member });
    await requestOwnerChanges(batch, { memberServiceCatalog: member });

    const [first, second] = serviceCatalog.commandCalls(UpdateProvisionedProductPropertiesCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      ProvisionedProductId: 'pp-1',
      ProvisionedProductProperties: { OWNER: ROLE },
      IdempotencyToken: idempotencyTokenFor('transfer-1', 'pp-1'),
    });
    expect(second).toEqual(first);
  });
});

describe('finding the products to transfer', () => {
  const owned = (count: number, ownerArn = USER) =>
    Array.from({ length: count }, (_, index) => ({ Id: `pp-${index}`, Name: `product-${index}`, UserArn: ownerArn }));

  it('reads every page and splits the departing owner’s products into batches, ignoring near matches of the full-text search', async () => {
    const all = [
      ...owned(120),
      { Id: 'pp-other', Name: 'other', UserArn: `${USER}-old` },
      ...owned(1).map((product) => ({ ...product, Id: 'pp-upper', UserArn: USER.toUpperCase() })),
    ];
    serviceCatalog
      .on(SearchProvisionedProductsCommand)
      .resolvesOnce({ ProvisionedProducts: all.slice(0, 100), NextPageToken: 'page-2' })
      .resolvesOnce({ ProvisionedProducts: all.slice(100), NextPageToken: '' });

    const found = await findProvisionedProducts({ request: workflowInput() }, { memberServiceCatalog: member, batchSize: 50 });

    expect(found.count).toBe(121);
    expect(found.remaining).toBe(0);
    expect(found.batches.map((batch) => batch.length)).toEqual([50, 50, 21]);
    expect(found.batches.flat().map((product) => product.provisionedProductId)).not.toContain('pp-other');
    expect(serviceCatalog.commandCalls(SearchProvisionedProductsCommand)[1]?.args[0].input.PageToken).toBe('page-2');
  });

  it('takes at most the per-request maximum and counts the rest as remaining', async () => {
    serviceCatalog.on(SearchProvisionedProductsCommand).resolves({ ProvisionedProducts: owned(12) });

    const found = await findProvisionedProducts(
      { request: workflowInput() },
      { memberServiceCatalog: member, batchSize: 5, maxProducts: 10 },
    );

    expect(found).toMatchObject({ count: 10, remaining: 2 });
    expect(found.batches.map((batch) => batch.length)).toEqual([5, 5]);
  });
});

describe('record checks', () => {
  it('describes only records still in progress, and asks again for a record not visible yet', async () => {
    serviceCatalog.on(DescribeRecordCommand, { Id: 'rec-2' }).resolves({ RecordDetail: { Status: 'SUCCEEDED' } });
    serviceCatalog
      .on(DescribeRecordCommand, { Id: 'rec-3' })
      .rejects(Object.assign(new Error('Record not found'), { name: 'ResourceNotFoundException' }));

    const progress = await describeOwnerChangeRecords(
      {
        request: workflowInput(),
        products: [
          { provisionedProductId: 'pp-1', name: 'one', recordId: 'rec-1', status: 'SUCCEEDED' },
          { provisionedProductId: 'pp-2', name: 'two', recordId: 'rec-2', status: 'IN_PROGRESS' },
          { provisionedProductId: 'pp-3', name: 'three', recordId: 'rec-3', status: 'CREATED' },
        ],
      },
      { memberServiceCatalog: member },
    );

    expect(serviceCatalog.commandCalls(DescribeRecordCommand).map((call) => call.args[0].input.Id)).toEqual(['rec-2', 'rec-3']);
    expect(progress.products.map((product) => product.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'CREATED']);
    expect(progress.pending).toBe(true);
  });
});

describe('ownership transfer summary', () => {
  const at = new Date('2026-11-21T10:05:00Z');
  // As the step's handler hands it over: validated, defaults applied (a batch that stopped has products without records).
  const summarise = (overrides: Record<string, unknown>) =>
    summariseOwnershipTransfer(
      parseWith(
        SummariseOwnershipTransferInput,
        { request: workflowInput(), startedAt: '2026-11-21T10:00:00Z', found: null, transfers: null, failure: null, ...overrides },
        'summary input',
      ),
      at,
    );
  const done = (id: string) => ({ provisionedProductId: id, name: id, recordId: `rec-${id}`, status: 'SUCCEEDED' });
  const failed = (id: string) => ({
    provisionedProductId: id,
    name: id,
    recordId: `rec-${id}`,
    status: 'FAILED',
    error: 'RecordFailed',
    message: 'no',
  });

  it.each([
    ['every product moved', [{ products: [done('a'), done('b')] }], 0, 'Ownership Transfer Succeeded', 'SUCCEEDED'],
    ['some products failed', [{ products: [done('a'), failed('b')] }], 0, 'Ownership Transfer Partially Succeeded', 'PARTIALLY_SUCCEEDED'],
    ['every product failed', [{ products: [failed('a')] }, { products: [failed('b')] }], 0, 'Ownership Transfer Failed', 'FAILED'],
    [
      'products remain for a later request',
      [{ products: [done('a')] }],
      3,
      'Ownership Transfer Partially Succeeded',
      'PARTIALLY_SUCCEEDED',
    ],
  ])('%s → %s', (_case, transfers, remaining, detailType, outcome) => {
    const result = summarise({ transfers, found: { count: 2, remaining, batches: [] } });
    expect(result.detailType).toBe(detailType);
    expect(result.detail.outcome).toBe(outcome);
    expectValidEvent({ source: 'portfolio-share-orchestrator', 'detail-type': result.detailType, detail: result.detail });
  });

  it('reports a batch that stopped, and records still in progress, per product', () => {
    const result = summarise({
      transfers: [
        {
          products: [{ provisionedProductId: 'a', name: 'a' }],
          error: { Error: 'MemberRoleUnavailableError', Cause: JSON.stringify({ errorMessage: 'Cannot assume role' }) },
        },
        { products: [{ provisionedProductId: 'b', name: 'b', recordId: 'rec-b', status: 'IN_PROGRESS' }] },
      ],
    });
    expect(result.detail.products).toEqual([
      {
        provisionedProductId: 'a',
        name: 'a',
        recordId: null,
        status: 'FAILED',
        error: 'MemberRoleUnavailableError',
        message: 'Cannot assume role',
      },
      {
        provisionedProductId: 'b',
        name: 'b',
        recordId: 'rec-b',
        status: 'FAILED',
        error: 'RecordStatusTimeout',
        message: 'Record rec-b was still IN_PROGRESS when the workflow stopped waiting',
      },
    ]);
    expect(result.detail.outcome).toBe('FAILED');
  });

  it('says when the departing owner had nothing, and names the failure of a whole request', () => {
    expect(summarise({ found: { count: 0, remaining: 0, batches: [] } }).detail).toMatchObject({
      outcome: 'SUCCEEDED',
      products: [],
      summary: `${USER} owns no provisioned products in account ${ACCOUNT}: nothing to transfer.`,
      startedAt: '2026-11-21T10:00:00.000Z',
      endedAt: '2026-11-21T10:05:00.000Z',
    });
    const failedRequest = summarise({
      failure: { Error: 'ProvisionedProductNotFoundError', Cause: 'Provisioned product pp-x was not found in account 333333333333' },
    });
    expect(failedRequest.detailType).toBe('Ownership Transfer Failed');
    expect(failedRequest.detail.failure).toEqual({
      error: 'ProvisionedProductNotFoundError',
      message: 'Provisioned product pp-x was not found in account 333333333333',
    });
  });
});

describe('ownership transfer request intake', () => {
  const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:transfer-ownership';
  const dependencies = { sfn: new SFNClient({}), stateMachineArn: MACHINE };
  const event = {
    id: 'c0ffee00-0000-4000-8000-000000000009',
    account: '123456789012',
    source: 'portfolio-share-orchestrator',
    detail: { accountId: ACCOUNT, ownerArn: ROLE, fromOwnerArn: USER, requestId: 'leaver-jordan' },
  };

  beforeEach(() => {
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${MACHINE.replace('stateMachine', 'execution')}:leaver-jordan`, startDate: new Date() });
  });

  it('starts the workflow once under the request id', async () => {
    expect(await takeOwnershipTransferRequestEvent(event, dependencies)).toMatchObject({ requestId: 'leaver-jordan', state: 'started' });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe('leaver-jordan');
    expect(JSON.parse(start?.input ?? '{}')).toEqual(workflowInput({ requestId: 'leaver-jordan' }));

    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: start?.input, status: 'RUNNING' } as never);
    expect(await takeOwnershipTransferRequestEvent(event, dependencies)).toMatchObject({ state: 'existing' });
  });

  it('starts the workflow with the refusal of an owner of another account, naming the field, once however often it arrives', async () => {
    sfn.reset();
    const executions = fakeExecutions(sfn);
    const invalid = { ...event, detail: { ...event.detail, ownerArn: 'arn:aws:iam::444444444444:role/Elsewhere' } };

    const outcome = await takeOwnershipTransferRequestEvent(invalid, dependencies);
    const again = await takeOwnershipTransferRequestEvent({ ...invalid, id: 'c0ffee00-0000-4000-8000-0000000000dd' }, dependencies);

    expect(outcome).toMatchObject({ requestId: 'leaver-jordan', state: 'started', refused: { error: 'ValidationError' } });
    expect(again.state).toBe('existing');
    const [execution, ...more] = [...executions.values()];
    expect(more).toEqual([]);
    const refused = parseWith(RefusedOwnershipTransferInput, execution?.input, 'refused transfer');
    expect(refused).toMatchObject({ requestId: 'leaver-jordan', accountId: ACCOUNT, fromOwnerArn: USER, provisionedProductId: null });
    expect(refused.refused.message).toContain('ownerArn: must be an IAM user or role of account 333333333333');
    expect(eventBridge.commandCalls(PutEventsCommand)).toEqual([]);

    // The workflow's summary of it: the one Ownership Transfer Failed event.
    const summary = summariseOwnershipTransfer(
      parseWith(SummariseOwnershipTransferInput, { request: refused, startedAt: '2026-11-21T10:00:00Z' }, 'summary input'),
      new Date('2026-11-21T10:00:01Z'),
    );
    expect(summary.detailType).toBe('Ownership Transfer Failed');
    expectValidEvent({ source: 'portfolio-share-orchestrator', 'detail-type': summary.detailType, detail: summary.detail });
    expect(summary.detail).toMatchObject({
      requestId: 'leaver-jordan',
      accountId: ACCOUNT,
      ownerArn: 'arn:aws:iam::444444444444:role/Elsewhere',
      products: [],
      failure: { error: 'ValidationError', message: refused.refused.message },
      startedAt: '2026-11-21T10:00:00.000Z',
    });
  });
});
