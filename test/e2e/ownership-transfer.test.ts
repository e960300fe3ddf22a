import {
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  SearchProvisionedProductsCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// The demo organization: jordan (leaving) owns four provisioned products in prod-payments; sam takes over.
const PAYMENTS = '333333333333';
const JORDAN = `arn:aws:iam::${PAYMENTS}:user/jordan`;
const SAM = `arn:aws:iam::${PAYMENTS}:user/sam`;

let e2e: E2eStack;
/** The SourceIdentity of every session taken on a member OwnershipTransfer role. */
const ownershipSessions: unknown[] = [];

beforeAll(async () => {
  e2e = await startE2eStack();
  e2e.stack.aws.onCall((call) => {
    if (call.operation === 'AssumeRole' && String(call.input.RoleArn).endsWith('-OwnershipTransfer') && call.statusCode === 200)
      ownershipSessions.push(call.input.SourceIdentity);
  });
}, 120_000);

afterAll(async () => {
  await e2e?.stack.close();
});

/** Service Catalog as an IAM user of prod-payments, through the demo fixture's access keys. */
const asUser = (accessKeyId: string, secretAccessKey: string) =>
  new ServiceCatalogClient({ ...e2e.config, credentials: { accessKeyId, secretAccessKey } });
const sam = () => asUser('AKIAPAYMENTSSAM00001', 'sam-secret');
const jordan = () => asUser('AKIAPAYMENTSJORDAN01', 'jordan-secret');

const ownProducts = async (client: ServiceCatalogClient) => {
  const { ProvisionedProducts = [] } = await client.send(
    new SearchProvisionedProductsCommand({ AccessLevelFilter: { Key: 'User', Value: 'self' } }),
  );
  return ProvisionedProducts.map((product) => product.Id).sort();
};

describe('ownership transfer end to end', () => {
  it('transfers one product through PUT /provisioned-products/{id}/owner: Succeeded with the record id, and the new owner sees it', async () => {
    const accepted = await e2e.http('PUT', '/provisioned-products/pp-paymentsvpc01/owner', {
      accountId: PAYMENTS,
      ownerArn: SAM,
      requestId: 'e2e-handover',
    });
    expect(accepted).toMatchObject({ status: 202, body: { requestId: 'e2e-handover', status: 'ACCEPTED' } });

    const result = await e2e.resultOf('e2e-handover');

    expect(result['detail-type']).toBe('Ownership Transfer Succeeded');
    // The member account's CloudTrail names who asked: the HTTP caller, the management root here.
    expect(ownershipSessions.length).toBeGreaterThan(0);
    expect(new Set(ownershipSessions)).toEqual(new Set(['root']));
    const [product] = result.detail.products as { provisionedProductId: string; recordId: string; status: string; name: string }[];
    expect(product).toMatchObject({
      provisionedProductId: 'pp-paymentsvpc01',
      name: 'payments-vpc',
      status: 'SUCCEEDED',
      recordId: expect.stringMatching(/^rec-/),
    });
    const { ProvisionedProductDetail } = await sam().send(new DescribeProvisionedProductCommand({ Id: 'pp-paymentsvpc01' }));
    expect(ProvisionedProductDetail).toMatchObject({ Name: 'payments-vpc', LastRecordId: product?.recordId, Status: 'AVAILABLE' });
    const { RecordDetail } = await sam().send(new DescribeRecordCommand({ Id: product?.recordId }));
    expect(RecordDetail).toMatchObject({ RecordType: 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES', Status: 'SUCCEEDED' });
    expect(await ownProducts(sam())).toEqual(['pp-paymentsvpc01']);
    expect(await ownProducts(jordan())).not.toContain('pp-paymentsvpc01');

    const status = await e2e.http('GET', '/ownership-transfers/e2e-handover');
    expect(status.body).toMatchObject({
      status: 'SUCCEEDED',
      outcome: 'SUCCEEDED',
      result: { requestId: 'e2e-handover', products: [product] },
    });
  }, 60_000);

  it('moves every product of a departing owner on one event, reports each, and starts one execution for a duplicate delivery', async () => {
    const request = { accountId: PAYMENTS, ownerArn: SAM, fromOwnerArn: JORDAN, requestId: 'e2e-leaver-jordan' };
    await e2e.putEvent('Ownership Transfer Requested', request);
    await e2e.putEvent('Ownership Transfer Requested', request);

    const result = await e2e.resultOf('e2e-leaver-jordan');

    expect(result['detail-type']).toBe('Ownership Transfer Succeeded');
    const products = result.detail.products as { provisionedProductId: string; status: string; recordId: string }[];
    expect(products.map((product) => product.provisionedProductId).sort()).toEqual([
      'pp-paymentsdb001',
      'pp-paymentsdyn01',
      'pp-paymentspipe1',
    ]);
    expect(products.every((product) => product.status === 'SUCCEEDED' && product.recordId.startsWith('rec-'))).toBe(true);
    expect(await ownProducts(jordan())).toEqual([]);
    expect(await ownProducts(sam())).toEqual(['pp-paymentsdb001', 'pp-paymentsdyn01', 'pp-paymentspipe1', 'pp-paymentsvpc01']);
    const { executions = [] } = await new SFNClient(e2e.config).send(
      new ListExecutionsCommand({ stateMachineArn: e2e.stack.stateMachineArns.transferOwnership }),
    );
    expect(executions.filter((execution) => execution.name === 'e2e-leaver-jordan')).toHaveLength(1);
    expect(e2e.results('Ownership Transfer Succeeded', 'e2e-leaver-jordan')).toHaveLength(1);

    // Once gone, the owner has nothing left: a second request says so.
    await e2e.putEvent('Ownership Transfer Requested', { ...request, requestId: 'e2e-leaver-jordan-again' });
    const again = await e2e.resultOf('e2e-leaver-jordan-again');
    expect(again.detail).toMatchObject({
      outcome: 'SUCCEEDED',
      products: [],
      summary: `${JORDAN} owns no provisioned products in account ${PAYMENTS}: nothing to transfer.`,
    });
  }, 60_000);

  it('answers 400 naming the field for a role ARN of another account, and starts nothing', async () => {
    const response = await e2e.http('PUT', '/provisioned-products/pp-webfrontvpc01/owner', {
      accountId: '444444444444',
      ownerArn: `arn:aws:iam::${PAYMENTS}:role/WebPlatformLead`,
      requestId: 'e2e-wrong-account',
    });

    expect(response.status).toBe(400);
    expect(response.body.message).toContain('ownerArn: must be an IAM user or role of account 444444444444');
    expect((await e2e.http('GET', '/ownership-transfers/e2e-wrong-account')).status).toBe(404);
  });

  it('fails naming the member role in an account that lacks it', async () => {
    await e2e.http('PUT', '/provisioned-products/pp-sandboxvpc001/owner', {
      accountId: '777777777777',
      ownerArn: 'arn:aws:iam::777777777777:user/alice',
      requestId: 'e2e-no-role',
    });

    const result = await e2e.resultOf('e2e-no-role');

    expect(result['detail-type']).toBe('Ownership Transfer Failed');
    expect(result.detail.failure).toMatchObject({
      error: 'MemberRoleUnavailableError',
      message: expect.stringContaining('arn:aws:iam::777777777777:role/PortfolioShareMemberRole'),
    });
  }, 60_000);

  it('validates every event on the project bus against its schema and leaves nothing running', async () => {
    await e2e.expectCleanEnd();
  });
});
