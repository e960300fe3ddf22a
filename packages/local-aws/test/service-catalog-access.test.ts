import { describe, expect, it } from 'vitest';
import { createHarness, createPortfolio, DELEGATED_ADMIN, MEMBER_A, MEMBER_B, OU_PROD, OU_SANDBOX } from './service-catalog/fakes.js';

const SERVICE_PRINCIPAL = 'servicecatalog.amazonaws.com';

describe('AWS Organizations access', () => {
  it('moves DISABLED → UNDER_CHANGE → ENABLED and back over simulated time, through Organizations service access', async () => {
    const h = createHarness({ accessEnabled: false });
    expect(await h.mgmt('GetAWSOrganizationsAccessStatus')).toEqual({ AccessStatus: 'DISABLED' });

    expect(await h.mgmt('EnableAWSOrganizationsAccess')).toEqual({});
    expect(h.org.isServiceAccessEnabled(SERVICE_PRINCIPAL)).toBe(true);
    expect(await h.mgmt('GetAWSOrganizationsAccessStatus')).toEqual({ AccessStatus: 'UNDER_CHANGE' });
    await expect(h.mgmt('EnableAWSOrganizationsAccess')).rejects.toMatchObject({ code: 'InvalidStateException' });
    await expect(h.mgmt('DisableAWSOrganizationsAccess')).rejects.toMatchObject({ code: 'InvalidStateException' });
    h.clock.advance(500);
    expect(await h.mgmt('GetAWSOrganizationsAccessStatus')).toEqual({ AccessStatus: 'ENABLED' });
    expect(await h.mgmt('EnableAWSOrganizationsAccess')).toEqual({});
    expect(h.sc.accessStatus()).toBe('ENABLED');

    await h.mgmt('DisableAWSOrganizationsAccess');
    expect(h.org.isServiceAccessEnabled(SERVICE_PRINCIPAL)).toBe(false);
    expect(await h.mgmt('GetAWSOrganizationsAccessStatus')).toEqual({ AccessStatus: 'UNDER_CHANGE' });
    h.clock.advance(500);
    expect(await h.mgmt('GetAWSOrganizationsAccessStatus')).toEqual({ AccessStatus: 'DISABLED' });
  });

  it('lets a delegated administrator read the status but only the management account change it', async () => {
    const h = createHarness();
    h.org.registerDelegatedAdministrator(DELEGATED_ADMIN);
    expect(await h.as(DELEGATED_ADMIN)('GetAWSOrganizationsAccessStatus')).toEqual({ AccessStatus: 'ENABLED' });
    await expect(h.as(MEMBER_A)('GetAWSOrganizationsAccessStatus')).rejects.toMatchObject({
      code: 'AccessDeniedException',
      statusCode: 400,
    });
    for (const accountId of [DELEGATED_ADMIN, MEMBER_A]) {
      for (const operation of ['EnableAWSOrganizationsAccess', 'DisableAWSOrganizationsAccess']) {
        await expect(h.as(accountId)(operation)).rejects.toMatchObject({ code: 'AccessDeniedException', statusCode: 400 });
      }
    }
  });

  it('cannot be disabled while a delegated administrator is registered', async () => {
    const h = createHarness();
    h.org.registerDelegatedAdministrator(DELEGATED_ADMIN);
    await expect(h.mgmt('DisableAWSOrganizationsAccess')).rejects.toMatchObject({ code: 'InvalidStateException' });
    h.org.deregisterDelegatedAdministrator(DELEGATED_ADMIN);
    await h.mgmt('DisableAWSOrganizationsAccess');
  });

  it('keeps existing shares but stops syncing them with the organization while disabled', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU_PROD } });
    h.clock.advance(1200);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A]);

    await h.mgmt('DisableAWSOrganizationsAccess');
    h.org.moveAccount(MEMBER_A, OU_SANDBOX);
    h.org.moveAccount(MEMBER_B, OU_PROD);
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_A]);
    await expect(
      h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU_PROD } }),
    ).rejects.toMatchObject({ code: 'InvalidStateException' });
    h.clock.advance(500);
    await expect(
      h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU_PROD } }),
    ).rejects.toMatchObject({ code: 'OperationNotSupportedException' });

    await h.mgmt('EnableAWSOrganizationsAccess');
    expect(h.sc.accountsWithAccess(portfolioId)).toEqual([MEMBER_B]);
  });
});
