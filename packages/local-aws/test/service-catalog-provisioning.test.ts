import { describe, expect, it } from 'vitest';
import { type Call, createHarness, type Harness, MEMBER_A, OU_WORKLOADS, roleCaller } from './service-catalog/fakes.js';

const PORTFOLIO = 'port-fixture000001';
const PRODUCT = 'prod-fixture000001';
const ALICE_ROLE = `arn:aws:iam::${MEMBER_A}:role/DeveloperAlice`;
const BOB_ROLE = `arn:aws:iam::${MEMBER_A}:role/DeveloperBob`;

async function sharedCatalog(): Promise<{ h: Harness; alice: Call; bob: Call; admin: Call; artifactId: string }> {
  const h = createHarness({
    fixture: [
      {
        id: PORTFOLIO,
        name: 'Networking',
        providerName: 'Platform',
        products: [{ id: PRODUCT, name: 'Standard VPC', owner: 'Platform' }],
        principals: [{ type: 'IAM_PATTERN', arn: 'arn:aws:iam:::role/Developer*' }],
      },
    ],
  });
  await h.mgmt('CreatePortfolioShare', {
    PortfolioId: PORTFOLIO,
    OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU_WORKLOADS },
    SharePrincipals: true,
  });
  h.clock.advance(1300);
  const alice = h.as(roleCaller(MEMBER_A, 'DeveloperAlice', 'alice'));
  const bob = h.as(roleCaller(MEMBER_A, 'DeveloperBob', 'bob'));
  const admin = h.as(MEMBER_A);
  const provisioned = await admin('ProvisionProduct', {
    ProductId: PRODUCT,
    ProvisioningArtifactName: 'v1',
    ProvisionedProductName: 'probe',
    ProvisionToken: 'probe-token',
  });
  const record = await admin('DescribeRecord', { Id: (provisioned.RecordDetail as { RecordId: string }).RecordId });
  const artifactId = (record.RecordDetail as { ProvisioningArtifactId: string }).ProvisioningArtifactId;
  return { h, alice, bob, admin, artifactId };
}

function recordIds(output: Record<string, unknown>): string[] {
  return (output.RecordDetails as { RecordId: string }[]).map((record) => record.RecordId);
}

describe('provisioning', () => {
  it('provisions a product owned by the caller, its record moving CREATED → IN_PROGRESS → SUCCEEDED', async () => {
    const { h, alice, artifactId } = await sharedCatalog();
    const output = await alice('ProvisionProduct', {
      ProductId: PRODUCT,
      ProvisioningArtifactId: artifactId,
      ProvisionedProductName: 'team-vpc',
      ProvisionToken: 'alice-1',
      Tags: [{ Key: 'team', Value: 'a' }],
    });
    const record = output.RecordDetail as Record<string, unknown>;
    expect(record).toMatchObject({
      RecordId: expect.stringMatching(/^rec-[a-z0-9]{13}$/),
      ProvisionedProductId: expect.stringMatching(/^pp-[a-z0-9]{13}$/),
      ProvisionedProductName: 'team-vpc',
      Status: 'CREATED',
      RecordType: 'PROVISION_PRODUCT',
      ProductId: PRODUCT,
      PathId: PORTFOLIO,
      RecordTags: [{ Key: 'team', Value: 'a' }],
    });
    expect(
      await alice('ProvisionProduct', {
        ProductId: PRODUCT,
        ProvisioningArtifactId: artifactId,
        ProvisionedProductName: 'team-vpc',
        ProvisionToken: 'alice-1',
      }),
    ).toEqual(output);

    h.clock.advance(10);
    const inProgress = await alice('DescribeProvisionedProduct', { Id: record.ProvisionedProductId });
    expect(inProgress.ProvisionedProductDetail).toMatchObject({ Status: 'UNDER_CHANGE', LastRecordId: record.RecordId, Type: 'CFN_STACK' });
    expect(await alice('DescribeRecord', { Id: record.RecordId })).toMatchObject({
      RecordDetail: { Status: 'IN_PROGRESS' },
      RecordOutputs: [],
    });
    await expect(
      alice('UpdateProvisionedProductProperties', {
        ProvisionedProductId: record.ProvisionedProductId,
        ProvisionedProductProperties: { OWNER: BOB_ROLE },
        IdempotencyToken: 'too-early',
      }),
    ).rejects.toMatchObject({ code: 'InvalidStateException' });

    h.clock.advance(1000);
    const available = await alice('DescribeProvisionedProduct', { Name: 'team-vpc' });
    expect(available.ProvisionedProductDetail).toMatchObject({ Status: 'AVAILABLE', LastSuccessfulProvisioningRecordId: record.RecordId });
    expect(await alice('DescribeRecord', { Id: record.RecordId })).toMatchObject({ RecordDetail: { Status: 'SUCCEEDED' } });

    await expect(
      alice('ProvisionProduct', {
        ProductId: PRODUCT,
        ProvisioningArtifactId: artifactId,
        ProvisionedProductName: 'team-vpc',
        ProvisionToken: 'alice-2',
      }),
    ).rejects.toMatchObject({ code: 'DuplicateResourceException' });
    await expect(alice('DescribeProvisionedProduct', { Id: record.ProvisionedProductId, Name: 'team-vpc' })).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
  });

  it('refuses callers without a launch path and unknown products or artifacts', async () => {
    const { h, artifactId } = await sharedCatalog();
    const tester = h.as(roleCaller(MEMBER_A, 'Tester'));
    const base = { ProductId: PRODUCT, ProvisioningArtifactId: artifactId, ProvisionedProductName: 'x', ProvisionToken: 't1' };
    await expect(tester('ProvisionProduct', base)).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: `No launch paths found for resource: ${PRODUCT}`,
    });
    const alice = h.as(roleCaller(MEMBER_A, 'DeveloperAlice'));
    await expect(alice('ProvisionProduct', { ...base, ProductId: 'prod-aaaaaaaaaaaaa' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(alice('ProvisionProduct', { ...base, ProvisioningArtifactId: 'pa-aaaaaaaaaaaaa' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(alice('ProvisionProduct', { ...base, ProvisioningArtifactId: undefined })).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
    await expect(alice('ProvisionProduct', { ...base, PathId: 'port-aaaaaaaaaaaaa' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await alice('ProvisionProduct', { ...base, ProductId: undefined, ProductName: 'Standard VPC', PathId: PORTFOLIO });
  });

  it('transfers ownership: the new owner sees the product and all its records, the previous owner only its own history', async () => {
    const { h, alice, bob, admin, artifactId } = await sharedCatalog();
    const provisioned = await alice('ProvisionProduct', {
      ProductId: PRODUCT,
      ProvisioningArtifactId: artifactId,
      ProvisionedProductName: 'handover',
      ProvisionToken: 'alice-handover',
    });
    const { RecordId: provisionRecord, ProvisionedProductId: ppId } = provisioned.RecordDetail as {
      RecordId: string;
      ProvisionedProductId: string;
    };
    h.clock.advance(1000);
    await expect(bob('DescribeProvisionedProduct', { Id: ppId })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });

    const update = await alice('UpdateProvisionedProductProperties', {
      ProvisionedProductId: ppId,
      ProvisionedProductProperties: { OWNER: BOB_ROLE },
      IdempotencyToken: 'handover-1',
    });
    expect(update).toMatchObject({ ProvisionedProductId: ppId, ProvisionedProductProperties: { OWNER: BOB_ROLE }, Status: 'CREATED' });
    const updateRecord = update.RecordId as string;
    expect(
      await alice('UpdateProvisionedProductProperties', {
        ProvisionedProductId: ppId,
        ProvisionedProductProperties: { OWNER: BOB_ROLE },
        IdempotencyToken: 'handover-1',
      }),
    ).toMatchObject({ RecordId: updateRecord });
    h.clock.advance(200);

    expect(await bob('DescribeProvisionedProduct', { Id: ppId })).toMatchObject({
      ProvisionedProductDetail: { Id: ppId, Status: 'AVAILABLE' },
    });
    expect(await bob('DescribeRecord', { Id: provisionRecord })).toMatchObject({ RecordDetail: { RecordId: provisionRecord } });
    expect(await bob('DescribeRecord', { Id: updateRecord })).toMatchObject({
      RecordDetail: { RecordType: 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES', Status: 'SUCCEEDED' },
    });
    expect(recordIds(await bob('ListRecordHistory', {}))).toEqual([updateRecord, provisionRecord]);

    await expect(alice('DescribeProvisionedProduct', { Id: ppId })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    await expect(alice('DescribeRecord', { Id: provisionRecord })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    expect(recordIds(await alice('ListRecordHistory', { AccessLevelFilter: { Key: 'User', Value: 'self' } }))).toEqual([
      updateRecord,
      provisionRecord,
    ]);
    await expect(
      alice('UpdateProvisionedProductProperties', {
        ProvisionedProductId: ppId,
        ProvisionedProductProperties: { OWNER: ALICE_ROLE },
        IdempotencyToken: 'take-back',
      }),
    ).rejects.toMatchObject({ code: 'ResourceNotFoundException' });

    const second = await bob('UpdateProvisionedProductProperties', {
      ProvisionedProductId: ppId,
      ProvisionedProductProperties: { OWNER: `arn:aws:iam::${MEMBER_A}:user/carol` },
      IdempotencyToken: 'handover-2',
    });
    expect(recordIds(await alice('ListRecordHistory', {}))).toEqual([updateRecord, provisionRecord]);
    expect(recordIds(await bob('ListRecordHistory', {}))).toEqual([second.RecordId, updateRecord]);
    const all = await admin('ListRecordHistory', {
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      SearchFilter: { Key: 'provisionedproduct', Value: ppId },
    });
    expect(recordIds(all)).toEqual([second.RecordId, updateRecord, provisionRecord]);
    const byProduct = await admin('ListRecordHistory', {
      AccessLevelFilter: { Key: 'Account', Value: MEMBER_A },
      SearchFilter: { Key: 'product', Value: PRODUCT },
      PageSize: 2,
    });
    expect(byProduct.RecordDetails).toHaveLength(2);
    expect(byProduct.NextPageToken).toBeDefined();
    await expect(admin('ListRecordHistory', { SearchFilter: { Key: 'portfolio', Value: PORTFOLIO } })).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
  });

  it('validates OWNER and LAUNCH_ROLE values', async () => {
    const { h, alice, artifactId } = await sharedCatalog();
    const provisioned = await alice('ProvisionProduct', {
      ProductId: PRODUCT,
      ProvisioningArtifactId: artifactId,
      ProvisionedProductName: 'v',
      ProvisionToken: 'v',
    });
    const ppId = (provisioned.RecordDetail as { ProvisionedProductId: string }).ProvisionedProductId;
    h.clock.advance(1000);
    const update = (properties: Record<string, string>, idempotencyToken: string) =>
      alice('UpdateProvisionedProductProperties', {
        ProvisionedProductId: ppId,
        ProvisionedProductProperties: properties,
        IdempotencyToken: idempotencyToken,
      });
    await expect(update({ OWNER: 'arn:aws:iam::999999999999:role/Elsewhere' }, 'a')).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
    await expect(update({ LAUNCH_ROLE: `arn:aws:iam::${MEMBER_A}:user/bob` }, 'b')).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
    await expect(update({ COLOUR: 'blue' }, 'c')).rejects.toMatchObject({ code: 'ValidationException' });
    await update({ LAUNCH_ROLE: `arn:aws:iam::${MEMBER_A}:role/Launch` }, 'd');
    expect(await alice('DescribeProvisionedProduct', { Id: ppId })).toMatchObject({
      ProvisionedProductDetail: { LaunchRoleArn: `arn:aws:iam::${MEMBER_A}:role/Launch` },
    });
  });

  it('searches provisioned products by access level, query, sort order and page', async () => {
    const { h, alice, bob, admin, artifactId } = await sharedCatalog();
    for (const name of ['charlie', 'alpha', 'bravo']) {
      await alice('ProvisionProduct', {
        ProductId: PRODUCT,
        ProvisioningArtifactId: artifactId,
        ProvisionedProductName: name,
        ProvisionToken: name,
      });
    }
    await bob('ProvisionProduct', {
      ProductId: PRODUCT,
      ProvisioningArtifactId: artifactId,
      ProvisionedProductName: 'bobs',
      ProvisionToken: 'bobs',
    });
    h.clock.advance(1000);

    const mine = await alice('SearchProvisionedProducts', { SortBy: 'name' });
    expect((mine.ProvisionedProducts as { Name: string }[]).map((product) => product.Name)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(mine.TotalResultsCount).toBe(3);
    expect((mine.ProvisionedProducts as Record<string, unknown>[])[0]).toMatchObject({
      UserArn: ALICE_ROLE,
      UserArnSession: `arn:aws:sts::${MEMBER_A}:assumed-role/DeveloperAlice/alice`,
      ProductName: 'Standard VPC',
      ProvisioningArtifactName: 'v1',
      Status: 'AVAILABLE',
    });
    const everyone = await admin('SearchProvisionedProducts', {
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      SortBy: 'name',
      SortOrder: 'DESCENDING',
      PageSize: 2,
    });
    expect((everyone.ProvisionedProducts as { Name: string }[]).map((product) => product.Name)).toEqual(['probe', 'charlie']);
    expect(everyone.TotalResultsCount).toBe(5);
    const next = await admin('SearchProvisionedProducts', {
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      SortBy: 'name',
      SortOrder: 'DESCENDING',
      PageSize: 2,
      PageToken: everyone.NextPageToken,
    });
    expect((next.ProvisionedProducts as { Name: string }[]).map((product) => product.Name)).toEqual(['bravo', 'bobs']);
    const queried = await admin('SearchProvisionedProducts', {
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      Filters: { SearchQuery: ['name:bobs'] },
    });
    expect(queried.TotalResultsCount).toBe(1);
    const freeText = await alice('SearchProvisionedProducts', { Filters: { SearchQuery: ['ALP'] } });
    expect(freeText.TotalResultsCount).toBe(1);
    await expect(alice('SearchProvisionedProducts', { SortBy: 'colour' })).rejects.toMatchObject({ code: 'InvalidParametersException' });
    await expect(
      alice('SearchProvisionedProducts', { AccessLevelFilter: { Key: 'Account', Value: '999999999999' } }),
    ).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
  });
});
