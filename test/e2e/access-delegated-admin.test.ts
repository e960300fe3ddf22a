import { GetAWSOrganizationsAccessStatusCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// The hub deployed in a Service Catalog delegated administrator rather than the management account.
// What decides it is the functions' own credentials (in AWS: their execution role's account), not
// the key of whoever calls the HTTP API, so this stack runs its functions with the demo delegated
// administrator's key, in a stack of its own.
const DELEGATED_ADMIN = '210987654321';
let e2e: E2eStack;

beforeAll(async () => {
  e2e = await startE2eStack({
    environment: { AWS_ACCESS_KEY_ID: 'AKIASHAREDSERVICES01', AWS_SECRET_ACCESS_KEY: 'shared-services-secret' },
  });
}, 120_000);

afterAll(async () => {
  await e2e?.stack.close();
});

describe('a hub that is a Service Catalog delegated administrator', () => {
  it('reads Organizations access as ready for sharing, but not its to change', async () => {
    const { status, body } = await e2e.http('GET', '/organizations-access');

    expect(status).toBe(200);
    expect(body).toMatchObject({
      hub: { accountId: DELEGATED_ADMIN, role: 'DELEGATED_ADMINISTRATOR', managementAccountId: '123456789012' },
      accessStatus: 'ENABLED',
      serviceAccessEnabled: true,
      canChangeAccess: false,
      readyForOrganizationSharing: true,
      missing: [],
    });
  }, 30_000);

  it('refuses to change Organizations access with a 403 naming why, and changes nothing', async () => {
    const { status, body } = await e2e.http('PUT', '/organizations-access', { enabled: false });

    expect(status).toBe(403);
    expect(body).toMatchObject({
      error: 'NotManagementAccountError',
      hub: { accountId: DELEGATED_ADMIN, role: 'DELEGATED_ADMINISTRATOR' },
    });
    expect(body.message).toBe(
      `Only the organization's management account (123456789012) may disable Organizations access for Service Catalog; the hub runs in ${DELEGATED_ADMIN}, a Service Catalog delegated administrator.`,
    );
    const management = new ServiceCatalogClient(e2e.config);
    expect((await management.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus).toBe('ENABLED');

    await e2e.expectCleanEnd();
  }, 30_000);
});
