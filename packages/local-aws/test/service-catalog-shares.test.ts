import { describe, expect, it } from 'vitest';
import {
  type Call,
  createHarness,
  createPortfolio,
  DELEGATED_ADMIN,
  EXTERNAL,
  type Harness,
  MANAGEMENT,
  MEMBER_A,
  MEMBER_B,
  MEMBER_C,
  ORG_ID,
  OU_PROD,
  OU_SANDBOX,
  OU_WORKLOADS,
} from './service-catalog/fakes.js';

const ouNode = (id: string) => ({ Type: 'ORGANIZATIONAL_UNIT', Value: id });

async function shareToken(call: Call, input: Record<string, unknown>): Promise<string> {
  const output = await call('CreatePortfolioShare', input);
  expect(output.PortfolioShareToken).toMatch(/^share-[a-z0-9]{13}$/);
  return output.PortfolioShareToken as string;
}

async function acceptedIds(call: Call, type: string): Promise<string[]> {
  const output = await call('ListAcceptedPortfolioShares', { PortfolioShareType: type });
  return (output.PortfolioDetails as { Id: string }[]).map((detail) => detail.Id);
}

async function status(call: Call, token: string): Promise<Record<string, unknown>> {
  return call('DescribePortfolioShareStatus', { PortfolioShareToken: token });
}

/** Shares with the workloads OU and lets the share action finish (2 accounts: 100 + 1000 + 200 ms). */
async function sharedWithWorkloads(h: Harness, extra: Record<string, unknown> = {}): Promise<{ portfolioId: string; token: string }> {
  const portfolioId = await createPortfolio(h.mgmt);
  const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS), ...extra });
  h.clock.advance(1300);
  return { portfolioId, token };
}

describe('organization-node shares', () => {
  it('moves NOT_STARTED → IN_PROGRESS → COMPLETED over simulated time, the token unknown at first', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });

    await expect(status(h.mgmt, token)).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    h.clock.advance(100);
    expect(await status(h.mgmt, token)).toMatchObject({ Status: 'IN_PROGRESS', PortfolioId: portfolioId });
    h.clock.advance(1200);
    expect(await status(h.mgmt, token)).toEqual({
      PortfolioShareToken: token,
      PortfolioId: portfolioId,
      OrganizationNodeValue: OU_WORKLOADS,
      Status: 'COMPLETED',
      ShareDetails: { SuccessfulShares: [MEMBER_A, MEMBER_B], ShareErrors: [] },
    });
  });

  it('reports NOT_STARTED before the action starts when the token becomes visible first', async () => {
    const h = createHarness({ knobs: { tokenVisibilityDelayMs: 0, shareStartDelayMs: 500 } });
    const portfolioId = await createPortfolio(h.mgmt);
    const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) });
    expect(await status(h.mgmt, token)).toMatchObject({ Status: 'NOT_STARTED', ShareDetails: { SuccessfulShares: [] } });
  });

  it('imports the portfolio into member accounts automatically, once the share completes', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([]);
    h.clock.advance(1300);

    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
    expect(await acceptedIds(h.as(MEMBER_B), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
    expect(await acceptedIds(h.as(MEMBER_A), 'IMPORTED')).toEqual([]);
    expect(await acceptedIds(h.as(MEMBER_C), 'AWS_ORGANIZATIONS')).toEqual([]);
    const described = await h.as(MEMBER_A)('DescribePortfolio', { Id: portfolioId });
    expect(described.PortfolioDetail).toMatchObject({
      Id: portfolioId,
      ARN: `arn:aws:catalog:us-east-1:${MANAGEMENT}:portfolio/${portfolioId}`,
    });
    await expect(h.as(MEMBER_C)('DescribePortfolio', { Id: portfolioId })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
  });

  it('gives access to the accounts an action has reached while IN_PROGRESS, and takes it away the same way', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    h.clock.advance(800);
    expect(await status(h.mgmt, token)).toMatchObject({ Status: 'IN_PROGRESS', ShareDetails: { SuccessfulShares: [MEMBER_A] } });
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A]);
    h.clock.advance(500);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A, MEMBER_B]);

    await h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    h.clock.advance(800);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_B]);
    h.clock.advance(500);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([]);
  });

  it('follows the organization at call time: moved-out accounts lose it, moved-in and new accounts gain it', async () => {
    const h = createHarness();
    const { portfolioId } = await sharedWithWorkloads(h);

    h.org.moveAccount(MEMBER_A, OU_SANDBOX);
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([]);
    h.org.moveAccount(MEMBER_C, OU_PROD);
    expect(await acceptedIds(h.as(MEMBER_C), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
    h.org.addAccount('666666666666', OU_PROD);
    expect(await acceptedIds(h.as('666666666666'), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_B, MEMBER_C, '666666666666']);
    h.org.removeAccount(MEMBER_B);
    expect(await acceptedIds(h.as(MEMBER_B), 'AWS_ORGANIZATIONS')).toEqual([]);
  });

  it('shares with the whole organization (by id or ARN) but never with the owner itself', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    const token = await shareToken(h.mgmt, {
      PortfolioId: portfolioId,
      OrganizationNode: { Type: 'ORGANIZATION', Value: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}` },
    });
    h.clock.advance(5000);
    const done = await status(h.mgmt, token);
    expect(done.OrganizationNodeValue).toBe(ORG_ID);
    expect((done.ShareDetails as { SuccessfulShares: string[] }).SuccessfulShares).toEqual([DELEGATED_ADMIN, MEMBER_A, MEMBER_B, MEMBER_C]);
    expect(await acceptedIds(h.mgmt, 'AWS_ORGANIZATIONS')).toEqual([]);
  });

  it('refuses a second share action on the portfolio while one is in progress', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) });
    const busy = {
      code: 'InvalidStateException',
      message: 'Cannot process more than one portfolio share action at the same time. Try again later.',
    };

    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_SANDBOX) })).rejects.toMatchObject(
      busy,
    );
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL })).rejects.toMatchObject(busy);
    await expect(
      h.mgmt('UpdatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD), ShareTagOptions: true }),
    ).rejects.toMatchObject(busy);
    await expect(h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) })).rejects.toMatchObject(
      busy,
    );

    const other = await createPortfolio(h.mgmt, 'Other');
    await shareToken(h.mgmt, { PortfolioId: other, OrganizationNode: ouNode(OU_SANDBOX) });
    h.clock.advance(1200);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_SANDBOX) });
  });

  it('treats creating an existing share as a no-op that still returns a token and keeps the share options', async () => {
    const h = createHarness();
    const { portfolioId, token } = await sharedWithWorkloads(h, { ShareTagOptions: true });
    const again = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS), ShareTagOptions: false });
    expect(again).not.toBe(token);
    h.clock.advance(1300);
    expect(await status(h.mgmt, again)).toMatchObject({ Status: 'COMPLETED' });
    const shares = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ORGANIZATIONAL_UNIT' });
    expect(shares.PortfolioShareDetails).toEqual([
      { PrincipalId: OU_WORKLOADS, Type: 'ORGANIZATIONAL_UNIT', Accepted: true, ShareTagOptions: true, SharePrincipals: false },
    ]);
  });

  it('describes ACCOUNT node shares as ORGANIZATION_MEMBER_ACCOUNT and lists organization access by node type', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: { Type: 'ACCOUNT', Value: MEMBER_C } });
    h.clock.advance(1300);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) });
    h.clock.advance(1300);

    const members = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ORGANIZATION_MEMBER_ACCOUNT' });
    expect(members.PortfolioShareDetails).toEqual([
      { PrincipalId: MEMBER_C, Type: 'ORGANIZATION_MEMBER_ACCOUNT', Accepted: true, ShareTagOptions: false, SharePrincipals: false },
    ]);
    expect((await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT' })).PortfolioShareDetails).toEqual([]);
    const accountNodes = await h.mgmt('ListOrganizationPortfolioAccess', { PortfolioId: portfolioId, OrganizationNodeType: 'ACCOUNT' });
    expect(accountNodes.OrganizationNodes).toEqual([{ Type: 'ACCOUNT', Value: MEMBER_C }]);
    const ouNodes = await h.mgmt('ListOrganizationPortfolioAccess', {
      PortfolioId: portfolioId,
      OrganizationNodeType: 'ORGANIZATIONAL_UNIT',
    });
    expect(ouNodes.OrganizationNodes).toEqual([{ Type: 'ORGANIZATIONAL_UNIT', Value: OU_PROD }]);
    expect((await h.mgmt('ListPortfolioAccess', { PortfolioId: portfolioId })).AccountIds).toEqual([MEMBER_A, MEMBER_C]);
    expect((await h.mgmt('ListPortfolioAccess', { PortfolioId: portfolioId, OrganizationParentId: OU_PROD })).AccountIds).toEqual([
      MEMBER_A,
    ]);
    await expect(
      h.as(MEMBER_A)('ListOrganizationPortfolioAccess', { PortfolioId: portfolioId, OrganizationNodeType: 'ACCOUNT' }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('deletes an organization share asynchronously: recipients keep it until the action completes', async () => {
    const h = createHarness();
    const { portfolioId } = await sharedWithWorkloads(h);
    const output = await h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    const token = output.PortfolioShareToken as string;
    h.clock.advance(200);
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
    expect(await status(h.mgmt, token)).toMatchObject({ Status: 'IN_PROGRESS' });
    h.clock.advance(1100);
    expect(await status(h.mgmt, token)).toMatchObject({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [MEMBER_A, MEMBER_B] } });
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([]);
    expect(
      (await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ORGANIZATIONAL_UNIT' })).PortfolioShareDetails,
    ).toEqual([]);
    await expect(
      h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('updates share options asynchronously with a token and a status', async () => {
    const h = createHarness();
    const { portfolioId } = await sharedWithWorkloads(h);
    const output = await h.mgmt('UpdatePortfolioShare', {
      PortfolioId: portfolioId,
      OrganizationNode: ouNode(OU_WORKLOADS),
      SharePrincipals: true,
    });
    expect(output).toMatchObject({ Status: 'NOT_STARTED', PortfolioShareToken: expect.stringMatching(/^share-/) });
    const before = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ORGANIZATIONAL_UNIT' });
    expect(before.PortfolioShareDetails).toMatchObject([{ SharePrincipals: false }]);
    h.clock.advance(1300);
    const after = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ORGANIZATIONAL_UNIT' });
    expect(after.PortfolioShareDetails).toMatchObject([{ SharePrincipals: true }]);
    await expect(
      h.mgmt('UpdatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_SANDBOX), ShareTagOptions: true }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(
      h.mgmt('UpdatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) }),
    ).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
  });

  it('accepts SharePrincipals only for organization and OU nodes', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await expect(
      h.mgmt('CreatePortfolioShare', {
        PortfolioId: portfolioId,
        OrganizationNode: { Type: 'ACCOUNT', Value: MEMBER_A },
        SharePrincipals: true,
      }),
    ).rejects.toMatchObject({ code: 'InvalidParametersException' });
    await expect(
      h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL, SharePrincipals: true }),
    ).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
  });

  it('validates the share target', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    const invalid = { code: 'InvalidParametersException' };
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId })).rejects.toMatchObject(invalid);
    await expect(
      h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL, OrganizationNode: ouNode(OU_PROD) }),
    ).rejects.toMatchObject(invalid);
    await expect(
      h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: { Type: 'ORGANIZATION', Value: OU_PROD } }),
    ).rejects.toMatchObject(invalid);
    await expect(
      h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode('ou-zz99-missing1') }),
    ).rejects.toMatchObject(invalid);
    await expect(
      h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: { Type: 'ACCOUNT', Value: EXTERNAL } }),
    ).rejects.toMatchObject(invalid);
    await expect(
      h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: { Type: 'ACCOUNT', Value: MANAGEMENT } }),
    ).rejects.toMatchObject(invalid);
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: 'abc' })).rejects.toMatchObject({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value 'abc' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9]{12}$",
    });
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: 'port-doesnotexist1', AccountId: EXTERNAL })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('lets only the management account or a delegated administrator share with organization nodes', async () => {
    const h = createHarness();
    const memberPortfolio = await createPortfolio(h.as(MEMBER_A));
    await expect(
      h.as(MEMBER_A)('CreatePortfolioShare', { PortfolioId: memberPortfolio, OrganizationNode: ouNode(OU_SANDBOX) }),
    ).rejects.toMatchObject({
      code: 'OperationNotSupportedException',
    });
    await h.as(MEMBER_A)('CreatePortfolioShare', { PortfolioId: memberPortfolio, AccountId: MEMBER_C });

    const adminPortfolio = await createPortfolio(h.as(DELEGATED_ADMIN));
    await expect(
      h.as(DELEGATED_ADMIN)('CreatePortfolioShare', { PortfolioId: adminPortfolio, OrganizationNode: ouNode(OU_PROD) }),
    ).rejects.toMatchObject({
      code: 'OperationNotSupportedException',
    });
    h.org.registerDelegatedAdministrator(DELEGATED_ADMIN);
    const token = await shareToken(h.as(DELEGATED_ADMIN), { PortfolioId: adminPortfolio, OrganizationNode: ouNode(OU_PROD) });
    h.clock.advance(1200);
    expect(await status(h.as(DELEGATED_ADMIN), token)).toMatchObject({
      Status: 'COMPLETED',
      ShareDetails: { SuccessfulShares: [MEMBER_A] },
    });
    await expect(status(h.mgmt, token)).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([adminPortfolio]);

    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: adminPortfolio, AccountId: EXTERNAL })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it("removes a delegated administrator's organization shares when it is deregistered, and keeps the rest", async () => {
    const h = createHarness();
    h.org.registerDelegatedAdministrator(DELEGATED_ADMIN);
    const admin = h.as(DELEGATED_ADMIN);
    const adminPortfolio = await createPortfolio(admin, 'Admin networking');
    await shareToken(admin, { PortfolioId: adminPortfolio, OrganizationNode: ouNode(OU_PROD) });
    h.clock.advance(1200);
    await shareToken(admin, { PortfolioId: adminPortfolio, OrganizationNode: { Type: 'ACCOUNT', Value: MEMBER_C } });
    h.clock.advance(1200);
    await admin('CreatePortfolioShare', { PortfolioId: adminPortfolio, AccountId: EXTERNAL });
    // A share action still running when the administrator goes.
    const pendingPortfolio = await createPortfolio(admin, 'Admin pending');
    await shareToken(admin, { PortfolioId: pendingPortfolio, OrganizationNode: ouNode(OU_WORKLOADS) });
    const { portfolioId: managementPortfolio } = await sharedWithWorkloads(h);
    expect(h.sc.accountsWithAccess(adminPortfolio)).toEqual([MEMBER_A, MEMBER_C]);

    h.org.deregisterDelegatedAdministrator(DELEGATED_ADMIN);
    expect(h.sc.accountsWithAccess(adminPortfolio)).toEqual([]);
    for (const type of ['ORGANIZATIONAL_UNIT', 'ORGANIZATION_MEMBER_ACCOUNT']) {
      expect(await admin('DescribePortfolioShares', { PortfolioId: adminPortfolio, Type: type })).toEqual({ PortfolioShareDetails: [] });
    }
    expect((await admin('DescribePortfolioShares', { PortfolioId: adminPortfolio, Type: 'ACCOUNT' })).PortfolioShareDetails).toMatchObject([
      { PrincipalId: EXTERNAL, Type: 'ACCOUNT' },
    ]);
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([managementPortfolio]);
    h.clock.advance(2000);
    expect(h.sc.accountsWithAccess(pendingPortfolio)).toEqual([]);
    expect(h.sc.accountsWithAccess(managementPortfolio)).toEqual([MEMBER_A, MEMBER_B]);

    // Registered again, it shares anew: nothing of the old shares or actions is in the way.
    h.org.registerDelegatedAdministrator(DELEGATED_ADMIN);
    await shareToken(admin, { PortfolioId: pendingPortfolio, OrganizationNode: ouNode(OU_SANDBOX) });
    h.clock.advance(1200);
    expect(h.sc.accountsWithAccess(pendingPortfolio)).toEqual([MEMBER_C]);
  });

  it('refuses organization-node shares while Organizations access is not enabled', async () => {
    const h = createHarness({ accessEnabled: false });
    const portfolioId = await createPortfolio(h.mgmt);
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) })).rejects.toMatchObject({
      code: 'OperationNotSupportedException',
    });
    await h.mgmt('EnableAWSOrganizationsAccess');
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) })).rejects.toMatchObject({
      code: 'InvalidStateException',
    });
    h.clock.advance(500);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) });
  });
});

describe('share errors', () => {
  it('reports throttled accounts in ShareErrors; they stay without the portfolio until shared again', async () => {
    const h = createHarness();
    h.sc.injectShareErrors({ accounts: [MEMBER_B] });
    const { portfolioId, token } = await sharedWithWorkloads(h);

    expect(await status(h.mgmt, token)).toMatchObject({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: {
        SuccessfulShares: [MEMBER_A],
        ShareErrors: [{ Accounts: [MEMBER_B], Error: 'ThrottlingException', Message: 'Rate exceeded' }],
      },
    });
    expect(await acceptedIds(h.as(MEMBER_B), 'AWS_ORGANIZATIONS')).toEqual([]);
    h.org.moveAccount(MEMBER_B, OU_PROD);
    expect(await acceptedIds(h.as(MEMBER_B), 'AWS_ORGANIZATIONS')).toEqual([]);

    const again = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    h.clock.advance(1300);
    expect(await status(h.mgmt, again)).toMatchObject({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [MEMBER_A, MEMBER_B] } });
    expect(await acceptedIds(h.as(MEMBER_B), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
  });

  it('heals a throttled account as soon as sharing again reaches it', async () => {
    const h = createHarness();
    h.sc.injectShareErrors({ accounts: [MEMBER_A] });
    const { portfolioId } = await sharedWithWorkloads(h);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_B]);
    await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    h.clock.advance(800);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A, MEMBER_B]);
  });

  it('heals a throttled account through an organization share of node type ACCOUNT', async () => {
    const h = createHarness({ knobs: { shareErrors: { throttleAccounts: [MEMBER_A], throttleAttempts: 1 } } });
    const { portfolioId } = await sharedWithWorkloads(h);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_B]);
    const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: { Type: 'ACCOUNT', Value: MEMBER_A } });
    h.clock.advance(1200);
    expect(await status(h.mgmt, token)).toMatchObject({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [MEMBER_A] } });
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A, MEMBER_B]);
  });

  it('ends in ERROR when every account fails, and reveals errors progressively while IN_PROGRESS', async () => {
    const h = createHarness({
      knobs: { sharePropagationBaseMs: 0, sharePropagationPerAccountMs: 1000, shareErrors: { throttleFraction: 1 } },
    });
    const portfolioId = await createPortfolio(h.mgmt);
    const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    h.clock.advance(1100);
    expect(await status(h.mgmt, token)).toMatchObject({
      Status: 'IN_PROGRESS',
      ShareDetails: { SuccessfulShares: [], ShareErrors: [{ Accounts: [MEMBER_A], Error: 'ThrottlingException' }] },
    });
    h.clock.advance(1000);
    expect(await status(h.mgmt, token)).toMatchObject({
      Status: 'ERROR',
      ShareDetails: { ShareErrors: [{ Accounts: [MEMBER_A, MEMBER_B], Error: 'ThrottlingException' }] },
    });
  });

  it('draws throttled accounts from the seeded random source, identically for the same seed, under ids of each run', async () => {
    const outcome = async () => {
      const h = createHarness({ knobs: { shareErrors: { throttleFraction: 0.5 } } });
      const portfolioId = await createPortfolio(h.mgmt);
      const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: { Type: 'ORGANIZATION', Value: ORG_ID } });
      h.clock.advance(10_000);
      return { portfolioId, token, status: await status(h.mgmt, token) };
    };
    const [first, second] = [await outcome(), await outcome()];
    // The seed replays the decision (which accounts are throttled), not the identities.
    expect(first.status.ShareDetails).toEqual(second.status.ShareDetails);
    expect(first.status.Status).toEqual(second.status.Status);
    expect(first.portfolioId).not.toBe(second.portfolioId);
    expect(first.token).not.toBe(second.token);
    const details = first.status.ShareDetails as { SuccessfulShares: string[]; ShareErrors: { Accounts: string[] }[] };
    expect(details.SuccessfulShares.length + (details.ShareErrors[0]?.Accounts.length ?? 0)).toBe(4);
  });

  it('reports DuplicateResourceException for accounts that already have an account share', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: MEMBER_A });
    await h.as(MEMBER_A)('AcceptPortfolioShare', { PortfolioId: portfolioId });
    const token = await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_WORKLOADS) });
    h.clock.advance(1300);
    expect(await status(h.mgmt, token)).toMatchObject({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: { SuccessfulShares: [MEMBER_B], ShareErrors: [{ Accounts: [MEMBER_A], Error: 'DuplicateResourceException' }] },
    });
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A, MEMBER_B]);
  });
});

describe('account shares', () => {
  it('returns no token and waits for the recipient to accept (type IMPORTED)', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    expect(await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL, ShareTagOptions: true })).toEqual({});
    expect(await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL })).toEqual({});
    const pending = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT' });
    expect(pending.PortfolioShareDetails).toEqual([
      { PrincipalId: EXTERNAL, Type: 'ACCOUNT', Accepted: false, ShareTagOptions: true, SharePrincipals: false },
    ]);
    expect(await acceptedIds(h.as(EXTERNAL), 'IMPORTED')).toEqual([]);
    await expect(
      h.as(EXTERNAL)('AcceptPortfolioShare', { PortfolioId: portfolioId, PortfolioShareType: 'AWS_SERVICECATALOG' }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });

    await h.as(EXTERNAL)('AcceptPortfolioShare', { PortfolioId: portfolioId });
    expect(await acceptedIds(h.as(EXTERNAL), 'IMPORTED')).toEqual([portfolioId]);
    expect(await acceptedIds(h.as(EXTERNAL), 'AWS_SERVICECATALOG')).toEqual([]);
    const accepted = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT' });
    expect(accepted.PortfolioShareDetails).toMatchObject([{ Accepted: true }]);
    expect((await h.mgmt('ListPortfolioAccess', { PortfolioId: portfolioId })).AccountIds).toEqual([EXTERNAL]);

    const updated = await h.mgmt('UpdatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL, ShareTagOptions: false });
    // AWS returns a token for account shares too; the update is done at once.
    expect(updated).toEqual({ PortfolioShareToken: expect.stringMatching(/^share-[a-z0-9]{13}$/), Status: 'COMPLETED' });
    const updatedShares = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT' });
    expect(updatedShares.PortfolioShareDetails).toMatchObject([{ ShareTagOptions: false }]);
    await expect(
      h.mgmt('UpdatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL, SharePrincipals: true }),
    ).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
    expect(await h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL })).toEqual({});
    expect(await acceptedIds(h.as(EXTERNAL), 'IMPORTED')).toEqual([]);
    await expect(h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: MANAGEMENT })).rejects.toMatchObject({
      code: 'InvalidParametersException',
    });
  });

  it('lets the recipient reject an account share, which removes it', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL });
    await h.as(EXTERNAL)('RejectPortfolioShare', { PortfolioId: portfolioId });
    expect((await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT' })).PortfolioShareDetails).toEqual([]);
    await expect(h.as(EXTERNAL)('RejectPortfolioShare', { PortfolioId: portfolioId })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(h.as(EXTERNAL)('AcceptPortfolioShare', { PortfolioId: portfolioId })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('lets the recipient reject an account share it already accepted: the imported portfolio goes, and the share with it', async () => {
    // The API reference documents one error, ResourceNotFoundException, and does not tell a pending
    // share from an accepted one.
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL });
    await h.as(EXTERNAL)('AcceptPortfolioShare', { PortfolioId: portfolioId });
    expect(await acceptedIds(h.as(EXTERNAL), 'IMPORTED')).toEqual([portfolioId]);

    await h.as(EXTERNAL)('RejectPortfolioShare', { PortfolioId: portfolioId, PortfolioShareType: 'IMPORTED' });

    expect(await acceptedIds(h.as(EXTERNAL), 'IMPORTED')).toEqual([]);
    expect((await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT' })).PortfolioShareDetails).toEqual([]);
    await expect(h.as(EXTERNAL)('RejectPortfolioShare', { PortfolioId: 'port-unknown000001' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('fails to accept an organization share with the default type, succeeds with AWS_ORGANIZATIONS', async () => {
    const h = createHarness();
    const { portfolioId } = await sharedWithWorkloads(h);
    await expect(h.as(MEMBER_A)('AcceptPortfolioShare', { PortfolioId: portfolioId })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: `Portfolio not found: ${portfolioId}`,
    });
    await h.as(MEMBER_A)('AcceptPortfolioShare', { PortfolioId: portfolioId, PortfolioShareType: 'AWS_ORGANIZATIONS' });
    await expect(
      h.as(MEMBER_C)('AcceptPortfolioShare', { PortfolioId: portfolioId, PortfolioShareType: 'AWS_ORGANIZATIONS' }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('lets a member reject an organization import and take it back by accepting', async () => {
    const h = createHarness();
    const { portfolioId } = await sharedWithWorkloads(h);
    await h.as(MEMBER_A)('RejectPortfolioShare', { PortfolioId: portfolioId, PortfolioShareType: 'AWS_ORGANIZATIONS' });
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([]);
    await h.as(MEMBER_A)('AcceptPortfolioShare', { PortfolioId: portfolioId, PortfolioShareType: 'AWS_ORGANIZATIONS' });
    expect(await acceptedIds(h.as(MEMBER_A), 'AWS_ORGANIZATIONS')).toEqual([portfolioId]);
  });

  it('refuses an account share beyond the shared-accounts quota', async () => {
    const h = createHarness({ knobs: { quotas: { sharedAccountsPerPortfolio: 1 } } });
    const portfolioId = await createPortfolio(h.mgmt);
    await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL });
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: '888888888888' })).rejects.toMatchObject({
      code: 'LimitExceededException',
    });
    await expect(h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: ouNode(OU_PROD) })).rejects.toMatchObject({
      code: 'LimitExceededException',
    });
  });
});

describe('share listings', () => {
  it('paginates DescribePortfolioShares and ListAcceptedPortfolioShares with PageToken/PageSize', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    const recipients = ['700000000001', '700000000002', '700000000003'];
    for (const accountId of recipients) await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: accountId });
    const first = await h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT', PageSize: 2 });
    expect((first.PortfolioShareDetails as unknown[]).length).toBe(2);
    const second = await h.mgmt('DescribePortfolioShares', {
      PortfolioId: portfolioId,
      Type: 'ACCOUNT',
      PageSize: 2,
      PageToken: first.NextPageToken,
    });
    expect(second.PortfolioShareDetails).toMatchObject([{ PrincipalId: '700000000003' }]);
    expect(second.NextPageToken).toBeUndefined();
    await expect(
      h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ORGANIZATIONAL_UNIT', PageToken: first.NextPageToken }),
    ).rejects.toMatchObject({ code: 'InvalidParametersException' });
    await expect(h.mgmt('DescribePortfolioShares', { PortfolioId: portfolioId, Type: 'ACCOUNT', PageSize: 101 })).rejects.toMatchObject({
      code: 'ValidationException',
    });

    for (let i = 0; i < 3; i += 1) {
      const id = await createPortfolio(h.mgmt, `Shared ${i}`);
      await h.mgmt('CreatePortfolioShare', { PortfolioId: id, AccountId: EXTERNAL });
      await h.as(EXTERNAL)('AcceptPortfolioShare', { PortfolioId: id });
    }
    const page = await h.as(EXTERNAL)('ListAcceptedPortfolioShares', { PageSize: 2 });
    expect((page.PortfolioDetails as unknown[]).length).toBe(2);
    const rest = await h.as(EXTERNAL)('ListAcceptedPortfolioShares', { PageSize: 2, PageToken: page.NextPageToken });
    expect((rest.PortfolioDetails as unknown[]).length).toBe(1);
  });

  it('paginates ListOrganizationPortfolioAccess with PageSize at most 20', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await expect(
      h.mgmt('ListOrganizationPortfolioAccess', { PortfolioId: portfolioId, OrganizationNodeType: 'ACCOUNT', PageSize: 21 }),
    ).rejects.toMatchObject({ code: 'ValidationException' });
    for (const accountId of [MEMBER_A, MEMBER_B]) {
      await shareToken(h.mgmt, { PortfolioId: portfolioId, OrganizationNode: { Type: 'ACCOUNT', Value: accountId } });
      h.clock.advance(1200);
    }
    const first = await h.mgmt('ListOrganizationPortfolioAccess', {
      PortfolioId: portfolioId,
      OrganizationNodeType: 'ACCOUNT',
      PageSize: 1,
    });
    expect(first.OrganizationNodes).toEqual([{ Type: 'ACCOUNT', Value: MEMBER_A }]);
    const second = await h.mgmt('ListOrganizationPortfolioAccess', {
      PortfolioId: portfolioId,
      OrganizationNodeType: 'ACCOUNT',
      PageSize: 1,
      PageToken: first.NextPageToken,
    });
    expect(second).toEqual({ OrganizationNodes: [{ Type: 'ACCOUNT', Value: MEMBER_B }] });
  });
});
