import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeregisterDelegatedAdministratorCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DisableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { describe, expect, it } from 'vitest';
import { startE2eStack } from '../support/e2e-stack.js';

// A stack of its own, with a policy that may not enable Organizations access.
const PIPELINES = 'port-cicdpipeline1';
const WORKLOADS = 'ou-ex12-workload';

describe('local stack with Organizations access disabled and a policy that may not enable it', () => {
  it('fails the share with OrganizationsAccessDisabled, in one event', async () => {
    const policy = join(tmpdir(), `pso-policy-${process.pid}.yml`);
    writeFileSync(
      policy,
      `version: 1\nsettings: { allowEnableOrganizationsAccess: false }\nportfolios:\n  - { portfolioId: ${PIPELINES}, targets: [{ type: ORGANIZATIONAL_UNIT, id: ${WORKLOADS} }] }\n`,
    );
    const e2e = await startE2eStack({ environment: { SHARING_POLICY_PATH: policy } });
    const local = e2e.stack;
    try {
      const clientConfig = local.aws.clientConfig();
      const serviceCatalog = new ServiceCatalogClient(clientConfig);
      // The demo enables access; turn it off as a platform team might have.
      for (const admin of local.aws.fixture.organization.delegatedAdministrators ?? []) {
        await new OrganizationsClient(clientConfig).send(
          new DeregisterDelegatedAdministratorCommand({ AccountId: admin.accountId, ServicePrincipal: admin.servicePrincipal }),
        );
      }
      await serviceCatalog.send(new DisableAWSOrganizationsAccessCommand({}));
      local.aws.clock.advance(60_000);
      expect((await serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus).toBe('DISABLED');

      await e2e.putEvent('Portfolio Share Requested', {
        portfolioId: PIPELINES,
        target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS },
        requestId: 'e2e-access-off',
      });
      const event = await e2e.resultOf('e2e-access-off');
      expect(event['detail-type']).toBe('Portfolio Share Failed');
      expect(event.detail.failure).toMatchObject({ error: 'OrganizationsAccessDisabled' });
      expect(
        local.aws.events
          .list({ eventBusName: local.definitions.eventBusName })
          .filter((candidate) => candidate.detail.requestId === 'e2e-access-off'),
      ).toHaveLength(2);
    } finally {
      await local.close();
    }
  }, 120_000);
});
