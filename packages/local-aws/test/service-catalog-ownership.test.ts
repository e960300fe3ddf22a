import { describe, expect, it } from 'vitest';
import type { Caller } from '../src/contract.js';
import { createHarness, MEMBER_A, MEMBER_B, roleCaller } from './service-catalog/fakes.js';

const PORTFOLIO = 'port-fixture000001';
const PRODUCT = 'prod-fixture000001';
const JORDAN = `arn:aws:iam::${MEMBER_A}:user/jordan`;
const SAM = `arn:aws:iam::${MEMBER_A}:user/sam`;

const userCaller = (accountId: string, name: string): Caller => ({
  accountId,
  arn: `arn:aws:iam::${accountId}:user/${name}`,
  userId: `AIDA${name.toUpperCase()}`,
  accessKeyId: `AKIA${name.toUpperCase()}`,
});

/** A catalog whose fixture gives jordan `count` products in MEMBER_A and one to a role. */
function catalog(count: number, knobs: Record<string, unknown> = {}) {
  const provisionedProducts = [
    ...Array.from({ length: count }, (_, index) => ({
      accountId: MEMBER_A,
      name: `jordan-${String(index).padStart(3, '0')}`,
      ownerArn: JORDAN,
    })),
    { id: 'pp-webteamvpc001', accountId: MEMBER_A, name: 'web-vpc', ownerArn: `arn:aws:iam::${MEMBER_A}:role/WebTeam` },
  ];
  const h = createHarness({
    fixture: [
      {
        id: PORTFOLIO,
        name: 'Networking',
        providerName: 'Platform',
        products: [{ id: PRODUCT, name: 'Standard VPC', owner: 'Platform', provisionedProducts }],
      },
    ],
    knobs: { accountLevelRoles: ['PortfolioShareMemberRole'], ...knobs },
  });
  return {
    h,
    jordan: h.as(userCaller(MEMBER_A, 'jordan')),
    sam: h.as(userCaller(MEMBER_A, 'sam')),
    memberRole: h.as(roleCaller(MEMBER_A, 'PortfolioShareMemberRole', 'portfolio-share-orchestrator')),
  };
}

const names = (output: Record<string, unknown>) => (output.ProvisionedProducts as { Name: string }[]).map((product) => product.Name);

describe('provisioned products in the fixture', () => {
  it('start AVAILABLE, owned by the IAM user or role the fixture names, with a SUCCEEDED provisioning record', async () => {
    const { jordan } = catalog(2);

    const mine = await jordan('SearchProvisionedProducts', { SortBy: 'name' });
    expect(names(mine)).toEqual(['jordan-000', 'jordan-001']);
    expect((mine.ProvisionedProducts as Record<string, unknown>[])[0]).toMatchObject({
      UserArn: JORDAN,
      Status: 'AVAILABLE',
      ProductId: PRODUCT,
      ProductName: 'Standard VPC',
    });
    const id = (mine.ProvisionedProducts as { Id: string }[])[0]?.Id as string;
    const described = await jordan('DescribeProvisionedProduct', { Id: id });
    const recordId = (described.ProvisionedProductDetail as { LastRecordId: string }).LastRecordId;
    expect(described.ProvisionedProductDetail).toMatchObject({ LastSuccessfulProvisioningRecordId: recordId });
    expect(await jordan('DescribeRecord', { Id: recordId })).toMatchObject({
      RecordDetail: { RecordType: 'PROVISION_PRODUCT', Status: 'SUCCEEDED', PathId: PORTFOLIO },
    });
  });

  it('carry a generated IdempotencyToken, as if launched through an SDK, of each run its own', async () => {
    const tokens = async () => {
      const { jordan } = catalog(2);
      const mine = await jordan('SearchProvisionedProducts', { SortBy: 'name' });
      const details = await Promise.all(
        (mine.ProvisionedProducts as { Id: string }[]).map(({ Id }) => jordan('DescribeProvisionedProduct', { Id })),
      );
      return details.map((output) => (output.ProvisionedProductDetail as { IdempotencyToken: string }).IdempotencyToken);
    };
    const first = await tokens();
    expect(first).toEqual([
      expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      expect.stringMatching(/^[0-9a-f]{8}-/),
    ]);
    expect(new Set(first).size).toBe(2);
    // A token is an identity: another run (the same seed) draws others.
    const second = await tokens();
    expect(second.filter((token) => first.includes(token))).toEqual([]);
  });

  it.each([
    [
      'an owner in another account',
      { accountId: MEMBER_A, name: 'x', ownerArn: `arn:aws:iam::${MEMBER_B}:user/jordan` },
      /OWNER must be an IAM user/,
    ],
    ['a group owner', { accountId: MEMBER_A, name: 'x', ownerArn: `arn:aws:iam::${MEMBER_A}:group/devs` }, /OWNER must be an IAM user/],
    [
      'a name used twice in an account',
      { accountId: MEMBER_A, name: 'dup', ownerArn: JORDAN },
      /already has a provisioned product named dup/,
    ],
  ])('refuses %s', (_case, entry, message) => {
    const products = [
      {
        id: PRODUCT,
        name: 'Standard VPC',
        owner: 'Platform',
        provisionedProducts: [{ accountId: MEMBER_A, name: 'dup', ownerArn: JORDAN }, entry],
      },
    ];
    expect(() => createHarness({ fixture: [{ id: PORTFOLIO, name: 'Networking', providerName: 'Platform', products }] })).toThrow(message);
  });
});

describe('ownership transfer as an account-level role', () => {
  it("finds every product of an owner through the userArn search filter, page by page, and nobody else's", async () => {
    const { memberRole } = catalog(130);
    const query = { AccessLevelFilter: { Key: 'Account', Value: 'self' }, Filters: { SearchQuery: [`userArn:${JORDAN}`] }, PageSize: 100 };

    const first = await memberRole('SearchProvisionedProducts', query);
    const second = await memberRole('SearchProvisionedProducts', { ...query, PageToken: first.NextPageToken });

    expect(first.TotalResultsCount).toBe(130);
    expect([...names(first), ...names(second)]).toHaveLength(130);
    expect(second.NextPageToken).toBeUndefined();
    expect([...names(first), ...names(second)]).not.toContain('web-vpc');
  });

  it('changes the owner: the record goes CREATED → IN_PROGRESS → SUCCEEDED, a replayed token answers the first record, and the new owner sees the product', async () => {
    const { h, jordan, sam, memberRole } = catalog(1);
    const [product] = (await jordan('SearchProvisionedProducts', {})).ProvisionedProducts as { Id: string }[];
    const id = product?.Id as string;
    await expect(sam('DescribeProvisionedProduct', { Id: id })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await memberRole('DescribeProvisionedProduct', { Id: id })).toMatchObject({ ProvisionedProductDetail: { Id: id } });

    const change = { ProvisionedProductId: id, ProvisionedProductProperties: { OWNER: SAM }, IdempotencyToken: 'a1b2c3' };
    const updated = await memberRole('UpdateProvisionedProductProperties', change);
    expect(updated).toMatchObject({ ProvisionedProductId: id, Status: 'CREATED', RecordId: expect.stringMatching(/^rec-/) });
    h.clock.advance(50);
    expect(await memberRole('DescribeRecord', { Id: updated.RecordId })).toMatchObject({
      RecordDetail: { Status: 'IN_PROGRESS', RecordType: 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES' },
    });
    expect(await memberRole('UpdateProvisionedProductProperties', change)).toMatchObject({ RecordId: updated.RecordId });
    h.clock.advance(200);
    expect(await memberRole('DescribeRecord', { Id: updated.RecordId })).toMatchObject({ RecordDetail: { Status: 'SUCCEEDED' } });
    const history = await memberRole('ListRecordHistory', {
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      SearchFilter: { Key: 'provisionedproduct', Value: id },
    });
    expect(history.RecordDetails).toHaveLength(2);

    expect(names(await sam('SearchProvisionedProducts', { AccessLevelFilter: { Key: 'User', Value: 'self' } }))).toEqual(['jordan-000']);
    expect(await sam('DescribeProvisionedProduct', { Id: id })).toMatchObject({
      ProvisionedProductDetail: { Id: id, Status: 'AVAILABLE' },
    });
    expect(names(await jordan('SearchProvisionedProducts', {}))).toEqual([]);
    const bySam = await memberRole('SearchProvisionedProducts', {
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      Filters: { SearchQuery: [`userArn:${SAM}`] },
    });
    expect(names(bySam)).toEqual(['jordan-000']);
  });

  it('keeps other role sessions to their own products', async () => {
    const { h } = catalog(1, { accountLevelRoles: [] });
    const memberRole = h.as(roleCaller(MEMBER_A, 'PortfolioShareMemberRole'));
    await expect(memberRole('DescribeProvisionedProduct', { Id: 'pp-webteamvpc001' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(
      memberRole('UpdateProvisionedProductProperties', {
        ProvisionedProductId: 'pp-webteamvpc001',
        ProvisionedProductProperties: { OWNER: SAM },
        IdempotencyToken: 't',
      }),
    ).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    const webTeam = h.as(roleCaller(MEMBER_A, 'WebTeam', 'lead'));
    expect(await webTeam('DescribeProvisionedProduct', { Id: 'pp-webteamvpc001' })).toMatchObject({
      ProvisionedProductDetail: { Name: 'web-vpc' },
    });
  });

  it.each([
    ['an IAM user of another account', `arn:aws:iam::${MEMBER_B}:user/sam`],
    ['a group', `arn:aws:iam::${MEMBER_A}:group/devs`],
    ['the account root', `arn:aws:iam::${MEMBER_A}:root`],
    ['a name IAM does not allow', `arn:aws:iam::${MEMBER_A}:user/sam smith`],
    ['a name longer than 64', `arn:aws:iam::${MEMBER_A}:role/${'r'.repeat(65)}`],
  ])('refuses an OWNER that is %s', async (_case, owner) => {
    const { memberRole } = catalog(0);
    await expect(
      memberRole('UpdateProvisionedProductProperties', {
        ProvisionedProductId: 'pp-webteamvpc001',
        ProvisionedProductProperties: { OWNER: owner },
        IdempotencyToken: 'bad',
      }),
    ).rejects.toMatchObject({ code: 'InvalidParametersException' });
  });

  it('accepts an IAM role with a path and an STS assumed-role session as OWNER', async () => {
    const { h, memberRole } = catalog(0);
    const update = (owner: string, token: string) =>
      memberRole('UpdateProvisionedProductProperties', {
        ProvisionedProductId: 'pp-webteamvpc001',
        ProvisionedProductProperties: { OWNER: owner },
        IdempotencyToken: token,
      });
    await update(`arn:aws:iam::${MEMBER_A}:role/teams/web/WebLead`, 'one');
    h.clock.advance(1000);
    await update(`arn:aws:sts::${MEMBER_A}:assumed-role/WebLead/lead-session`, 'two');
    const lead = h.as(roleCaller(MEMBER_A, 'WebLead', 'other-session'));
    expect(await lead('DescribeProvisionedProduct', { Id: 'pp-webteamvpc001' })).toMatchObject({
      ProvisionedProductDetail: { Name: 'web-vpc' },
    });
  });
});
