import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  ResourceNotFoundException,
  SearchProvisionedProductsCommand,
  ServiceCatalogClient,
  UpdateProvisionedProductPropertiesCommand,
  type UpdateProvisionedProductPropertiesInput,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OwnershipTransferResultDetail, OwnershipTransferWorkflowInput } from '../../src/contracts/ownership-transfer.js';
import { idempotencyTokenFor } from '../../src/ownership/owner-changes.js';
import { expectValidEvent } from '../support/result-events.js';
import { runWorkflow } from '../support/workflow-harness.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
const eventBridge = mockClient(EventBridgeClient);
const sts = mockClient(STSClient);

const ACCOUNT = '333333333333';
const LEAVER = `arn:aws:iam::${ACCOUNT}:user/jordan`;
const SUCCESSOR = `arn:aws:iam::${ACCOUNT}:user/sam`;
const FILE = 'transfer-ownership.asl.json';

const request = (overrides: Partial<OwnershipTransferWorkflowInput> = {}): OwnershipTransferWorkflowInput => ({
  requestId: 'transfer-1',
  accountId: ACCOUNT,
  ownerArn: SUCCESSOR,
  provisionedProductId: 'pp-paymentsvpc01',
  fromOwnerArn: null,
  origin: 'api',
  ...overrides,
});

const emitted = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

/** The one result event: checked against its published schema. */
const resultEvent = () => {
  expect(emitted()).toHaveLength(1);
  const [entry] = emitted();
  const detail = JSON.parse(entry?.Detail ?? 'null') as OwnershipTransferResultDetail;
  expectValidEvent({ source: entry?.Source ?? '', 'detail-type': entry?.DetailType ?? '', detail });
  return { detailType: entry?.DetailType, detail };
};

const products = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ Id: `pp-${String(index).padStart(13, '0')}`, Name: `product-${index}`, UserArn: LEAVER }));

/** SearchProvisionedProducts answering `all` in pages of `pageSize`, the way the API pages. */
const searchReturns = (all: { Id: string; Name: string; UserArn: string }[], pageSize = 100) =>
  serviceCatalog.on(SearchProvisionedProductsCommand).callsFake((input: { PageToken?: string }) => {
    const start = Number(input.PageToken ?? 0);
    const next = start + pageSize;
    return {
      ProvisionedProducts: all.slice(start, next),
      TotalResultsCount: all.length,
      NextPageToken: next < all.length ? String(next) : undefined,
    };
  });

const updatesReturnRecords = () =>
  serviceCatalog.on(UpdateProvisionedProductPropertiesCommand).callsFake((input: UpdateProvisionedProductPropertiesInput) => ({
    ProvisionedProductId: input.ProvisionedProductId,
    RecordId: `rec-${input.ProvisionedProductId}`,
    Status: 'CREATED',
  }));

const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};

beforeEach(() => {
  serviceCatalog.reset();
  eventBridge.reset();
  sts.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
  updatesReturnRecords();
  serviceCatalog.on(DescribeRecordCommand).resolves({ RecordDetail: { Status: 'SUCCEEDED' } });
});

describe('transfer-ownership state machine', () => {
  it('transfers one product with an idempotency token, waits for its record to succeed, and emits Succeeded with the record id', async () => {
    serviceCatalog
      .on(DescribeProvisionedProductCommand)
      .resolves({ ProvisionedProductDetail: { Id: 'pp-paymentsvpc01', Name: 'payments-vpc' } });
    serviceCatalog
      .on(DescribeRecordCommand)
      .resolvesOnce({ RecordDetail: { RecordId: 'rec-pp-paymentsvpc01', Status: 'IN_PROGRESS' } })
      .resolves({ RecordDetail: { RecordId: 'rec-pp-paymentsvpc01', Status: 'SUCCEEDED' } });

    const run = await runWorkflow(FILE, request());

    expect(run.error).toBeUndefined();
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleArn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/PortfolioShareMemberRole-OwnershipTransfer`,
    );
    expect(serviceCatalog.commandCalls(UpdateProvisionedProductPropertiesCommand).map((call) => call.args[0].input)).toEqual([
      {
        ProvisionedProductId: 'pp-paymentsvpc01',
        ProvisionedProductProperties: { OWNER: SUCCESSOR },
        IdempotencyToken: idempotencyTokenFor('transfer-1', 'pp-paymentsvpc01'),
      },
    ]);
    expect(serviceCatalog.commandCalls(DescribeRecordCommand)).toHaveLength(2);
    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Succeeded');
    expect(detail).toMatchObject({
      requestId: 'transfer-1',
      outcome: 'SUCCEEDED',
      accountId: ACCOUNT,
      ownerArn: SUCCESSOR,
      provisionedProductId: 'pp-paymentsvpc01',
      fromOwnerArn: null,
      failure: null,
      products: [{ provisionedProductId: 'pp-paymentsvpc01', name: 'payments-vpc', recordId: 'rec-pp-paymentsvpc01', status: 'SUCCEEDED' }],
    });
    expect(run.output).toEqual(detail);
  });

  it('moves all 250 products of a departing owner in batches of 50, reading every search page, with a short history', async () => {
    const owned = products(250);
    const someoneElse = { Id: 'pp-notjordans001', Name: 'not-jordans', UserArn: `arn:aws:iam::${ACCOUNT}:user/jordana` };
    searchReturns([...owned.slice(0, 120), someoneElse, ...owned.slice(120)]);

    const run = await runWorkflow(FILE, request({ provisionedProductId: null, fromOwnerArn: LEAVER }));

    expect(run.error).toBeUndefined();
    const searches = serviceCatalog.commandCalls(SearchProvisionedProductsCommand).map((call) => call.args[0].input);
    expect(searches).toHaveLength(3);
    expect(searches[0]).toMatchObject({
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      Filters: { SearchQuery: [`userArn:${LEAVER}`] },
    });
    const updates = serviceCatalog.commandCalls(UpdateProvisionedProductPropertiesCommand).map((call) => call.args[0].input);
    expect(updates.map((input) => input.ProvisionedProductId).sort()).toEqual(owned.map((product) => product.Id).sort());
    expect(new Set(updates.map((input) => input.IdempotencyToken)).size).toBe(250);
    expect(run.entered.filter((name) => name === 'Request owner changes')).toHaveLength(5);
    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Succeeded');
    expect(detail.products).toHaveLength(250);
    expect(
      detail.products.every((product) => product.status === 'SUCCEEDED' && product.recordId === `rec-${product.provisionedProductId}`),
    ).toBe(true);
    expect(detail.summary).toContain('250 of 250 provisioned products');
    // Measured: 42 transitions (about 7 per batch of 50), far below a Standard execution's 25,000 history events.
    expect(run.transitions).toBeLessThanOrEqual(45);
    expect(run.historyEvents).toBeLessThan(250);
  });

  it('reports a FAILED record and a refused change per product in a Partially Succeeded event', async () => {
    searchReturns(products(3));
    serviceCatalog
      .on(UpdateProvisionedProductPropertiesCommand, { ProvisionedProductId: 'pp-0000000000002' })
      .rejects(Object.assign(new Error('Provisioned product pp-0000000000002 is UNDER_CHANGE'), { name: 'InvalidStateException' }));
    serviceCatalog.on(DescribeRecordCommand, { Id: 'rec-pp-0000000000001' }).resolves({
      RecordDetail: { Status: 'FAILED', RecordErrors: [{ Code: 'AccessDenied', Description: 'The launch role cannot be assumed' }] },
    });

    await runWorkflow(FILE, request({ provisionedProductId: null, fromOwnerArn: LEAVER }));

    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Partially Succeeded');
    expect(detail.outcome).toBe('PARTIALLY_SUCCEEDED');
    expect(detail.products).toEqual([
      { provisionedProductId: 'pp-0000000000000', name: 'product-0', recordId: 'rec-pp-0000000000000', status: 'SUCCEEDED' },
      {
        provisionedProductId: 'pp-0000000000001',
        name: 'product-1',
        recordId: 'rec-pp-0000000000001',
        status: 'FAILED',
        error: 'AccessDenied',
        message: 'The launch role cannot be assumed',
      },
      {
        provisionedProductId: 'pp-0000000000002',
        name: 'product-2',
        recordId: null,
        status: 'FAILED',
        error: 'InvalidStateException',
        message: 'Provisioned product pp-0000000000002 is UNDER_CHANGE',
      },
    ]);
    expect(detail.summary).toContain('1 of 3');
  });

  it('fails naming the member role when it cannot be assumed, and changes nothing', async () => {
    sts
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::777777777777:role/PortfolioShareMemberRole-OwnershipTransfer' })
      .rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));

    const run = await runWorkflow(FILE, request({ accountId: '777777777777', ownerArn: 'arn:aws:iam::777777777777:role/Owner' }));

    expect(run.error).toBeUndefined();
    expect(serviceCatalog.commandCalls(UpdateProvisionedProductPropertiesCommand)).toHaveLength(0);
    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Failed');
    expect(detail.products).toEqual([]);
    expect(detail.failure).toMatchObject({ error: 'MemberRoleUnavailableError' });
    expect(detail.failure?.message).toContain('arn:aws:iam::777777777777:role/PortfolioShareMemberRole-OwnershipTransfer');
  });

  it('fails naming a provisioned product that does not exist in the account', async () => {
    serviceCatalog
      .on(DescribeProvisionedProductCommand)
      .rejects(new ResourceNotFoundException({ message: 'Provisioned product not found', $metadata: {} }));

    await runWorkflow(FILE, request({ provisionedProductId: 'pp-doesnotexist1' }));

    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Failed');
    expect(detail.failure).toEqual({
      error: 'ProvisionedProductNotFoundError',
      message: `Provisioned product pp-doesnotexist1 was not found in account ${ACCOUNT}`,
    });
    expect(serviceCatalog.commandCalls(UpdateProvisionedProductPropertiesCommand)).toHaveLength(0);
  });

  it('succeeds with an empty list that says so when the departing owner has no products', async () => {
    searchReturns([]);

    const run = await runWorkflow(FILE, request({ provisionedProductId: null, fromOwnerArn: LEAVER }));

    expect(run.entered).not.toContain('Transfer ownership in batches');
    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Succeeded');
    expect(detail).toMatchObject({
      products: [],
      failure: null,
      summary: `${LEAVER} owns no provisioned products in account ${ACCOUNT}: nothing to transfer.`,
    });
  });

  it('stops waiting after a bounded number of record checks and reports the record as timed out', async () => {
    serviceCatalog
      .on(DescribeProvisionedProductCommand)
      .resolves({ ProvisionedProductDetail: { Id: 'pp-paymentsvpc01', Name: 'payments-vpc' } });
    serviceCatalog.on(DescribeRecordCommand).resolves({ RecordDetail: { Status: 'IN_PROGRESS' } });

    await runWorkflow(FILE, request());

    expect(serviceCatalog.commandCalls(DescribeRecordCommand)).toHaveLength(60);
    const { detailType, detail } = resultEvent();
    expect(detailType).toBe('Ownership Transfer Failed');
    expect(detail.products[0]).toMatchObject({ status: 'FAILED', error: 'RecordStatusTimeout', recordId: 'rec-pp-paymentsvpc01' });
  });
});
