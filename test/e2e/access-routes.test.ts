import { DeregisterDelegatedAdministratorCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// Organizations access and access listing on the local stack, the hub being the management account
// (the functions run with the management account's key, as `npm start` runs them).
let e2e: E2eStack;

const PIPELINES = 'port-cicdpipeline1';
const WORKLOADS = 'ou-ex12-workload';
const PARTNER = '999988887777';
const DELEGATED_ADMIN = '210987654321';

beforeAll(async () => {
  e2e = await startE2eStack();
}, 120_000);

afterAll(async () => {
  await e2e?.stack.close();
});

const http = (method: string, path: string, body?: unknown, options?: { accessKeyId?: string }) => e2e.http(method, path, body, options);

describe('access listing', () => {
  it('lists the OU and account shares of a portfolio, and what an account under the OU sees', async () => {
    // The demo organization shares nothing yet: share the pipelines with Workloads and with the partner.
    expect(
      await http('POST', '/shares', {
        portfolioId: PIPELINES,
        target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS },
        requestId: 'e2e-access-ou',
      }),
    ).toMatchObject({ status: 202 });
    expect((await e2e.resultOf('e2e-access-ou'))['detail-type']).toBe('Portfolio Share Succeeded');
    expect(
      await http('POST', '/shares', {
        portfolioId: PIPELINES,
        target: { type: 'EXTERNAL_ACCOUNT', id: PARTNER },
        requestId: 'e2e-access-partner',
      }),
    ).toMatchObject({ status: 202 });
    expect((await e2e.resultOf('e2e-access-partner'))['detail-type']).toBe('Portfolio Share Succeeded');

    const access = await http('GET', `/portfolios/${PIPELINES}/access`);
    expect(access).toEqual({
      status: 200,
      body: {
        portfolioId: PIPELINES,
        types: ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'],
        organizationNodes: [{ type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS }],
      },
    });
    expect((await http('GET', `/portfolios/${PIPELINES}/access?type=ACCOUNT`)).body.organizationNodes).toEqual([]);

    const shares = await http('GET', `/portfolios/${PIPELINES}/shares`);
    expect(shares.status).toBe(200);
    expect(shares.body.shares).toEqual([
      // The policy shares the pipelines' IAM_PATTERN principals with organization shares.
      {
        type: 'ORGANIZATIONAL_UNIT',
        principalId: WORKLOADS,
        target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS },
        accepted: true,
        sharePrincipals: true,
        shareTagOptions: false,
      },
      // The share workflow accepted the account share in the partner account.
      {
        type: 'ACCOUNT',
        principalId: PARTNER,
        target: { type: 'EXTERNAL_ACCOUNT', id: PARTNER },
        accepted: true,
        sharePrincipals: false,
        shareTagOptions: false,
      },
    ]);

    const seen = await http('GET', '/accounts/333333333333/portfolios');
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ accountId: '333333333333', roleName: 'PortfolioShareMemberRole-ReadOnly' });
    expect(seen.body.portfolios).toContainEqual(
      expect.objectContaining({
        id: PIPELINES,
        name: 'Delivery pipelines',
        provider: 'Developer experience',
        sharedAs: ['AWS_ORGANIZATIONS'],
      }),
    );
    const partner = await http('GET', `/accounts/${PARTNER}/portfolios`);
    expect(partner.body.portfolios).toContainEqual(expect.objectContaining({ id: PIPELINES, sharedAs: ['IMPORTED'] }));
  }, 120_000);

  it('answers 404 naming an unknown portfolio, 400 naming a bad parameter, and names a member role that cannot be assumed', async () => {
    expect(await http('GET', '/portfolios/port-doesnotexist1/shares')).toMatchObject({
      status: 404,
      body: { portfolioId: 'port-doesnotexist1', error: 'PortfolioNotFoundError' },
    });
    expect(await http('GET', '/portfolios/port-doesnotexist1/access')).toMatchObject({
      status: 404,
      body: { portfolioId: 'port-doesnotexist1' },
    });

    const badType = await http('GET', `/portfolios/${PIPELINES}/access?type=OU`);
    expect(badType.status).toBe(400);
    expect(badType.body.message).toContain('type');
    const badAccount = await http('GET', '/accounts/12345/portfolios');
    expect(badAccount.status).toBe(400);
    expect(badAccount.body.message).toContain('accountId');

    // sandbox-alice has no member role.
    const noRole = await http('GET', '/accounts/777777777777/portfolios');
    expect(noRole.status).toBe(502);
    expect(noRole.body).toMatchObject({
      error: 'MemberRoleUnavailableError',
      accountId: '777777777777',
      roleName: 'PortfolioShareMemberRole-ReadOnly',
    });
    expect(noRole.body.message).toContain('arn:aws:iam::777777777777:role/PortfolioShareMemberRole');
  }, 60_000);
});

describe('Organizations access', () => {
  it('reads the demo organization as ready, with its delegated administrator', async () => {
    const { status, body } = await http('GET', '/organizations-access');

    expect(status).toBe(200);
    expect(body).toEqual({
      hub: { accountId: '123456789012', role: 'MANAGEMENT', organizationId: 'o-exampleorg1', managementAccountId: '123456789012' },
      delegatedAdministrators: [
        { accountId: DELEGATED_ADMIN, name: 'shared-services', status: 'ACTIVE', delegationEnabledDate: expect.any(String) },
      ],
      accessStatus: 'ENABLED',
      serviceAccessEnabled: true,
      canChangeAccess: true,
      readyForOrganizationSharing: true,
      missing: [],
    });
  }, 30_000);

  it('disables through UNDER_CHANGE in simulated time, says what is then missing, and enables again', async () => {
    const refused = await http('PUT', '/organizations-access', { enabled: false });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: 'DelegatedAdministratorsRegisteredError', delegatedAdministrators: [DELEGATED_ADMIN] },
    });
    await new OrganizationsClient(e2e.config).send(
      new DeregisterDelegatedAdministratorCommand({ AccountId: DELEGATED_ADMIN, ServicePrincipal: 'servicecatalog.amazonaws.com' }),
    );

    const started = performance.now();
    const disabled = await http('PUT', '/organizations-access', { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({
      requested: 'DISABLED',
      previousStatus: 'ENABLED',
      accessStatus: 'DISABLED',
      changed: true,
      settled: true,
    });
    // The local endpoint keeps access UNDER_CHANGE for 2 simulated seconds; the function waited them
    // on the simulated clock (500× faster here), not on the wall clock.
    expect(disabled.body.waitedMs).toBeGreaterThanOrEqual(2000);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(disabled.body.consequences[0]).toContain("organization shares stop following the organization's structure");

    const report = await http('GET', '/organizations-access');
    expect(report.body).toMatchObject({
      accessStatus: 'DISABLED',
      serviceAccessEnabled: false,
      delegatedAdministrators: [],
      readyForOrganizationSharing: false,
    });
    expect(report.body.missing).toEqual([
      expect.stringContaining('Organizations access for Service Catalog is DISABLED'),
      expect.stringContaining('servicecatalog.amazonaws.com is not among the organization'),
    ]);

    const enabled = await http('PUT', '/organizations-access', { enabled: true });
    expect(enabled).toMatchObject({
      status: 200,
      body: { previousStatus: 'DISABLED', accessStatus: 'ENABLED', changed: true, settled: true },
    });
    expect((await http('GET', '/organizations-access')).body).toMatchObject({ readyForOrganizationSharing: true, missing: [] });
  }, 60_000);

  it("lets only the requesters the policy allows change access: a delegated administrator's key is refused by default", async () => {
    const again = await http('PUT', '/organizations-access', { enabled: true });
    expect(again).toMatchObject({
      status: 200,
      body: { changed: false, message: 'Organizations access for Service Catalog is already ENABLED; nothing changed.' },
    });
    const outsider = await http('PUT', '/organizations-access', { enabled: false }, { accessKeyId: 'AKIASHAREDSERVICES01' });
    expect(outsider).toMatchObject({ status: 403, body: { error: 'NotAuthorized', rule: 'authorization.requesters.organizationsAccess' } });
    expect((await http('GET', '/organizations-access')).body).toMatchObject({ accessStatus: 'ENABLED' });

    const invalid = await http('PUT', '/organizations-access', { enabled: 'yes' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toContain('enabled');
    expect((await http('PUT', '/organizations-access', { enabled: true }, { accessKeyId: 'AKIAUNKNOWN000000001' })).status).toBe(403);

    await e2e.expectCleanEnd();
  }, 30_000);
});
