import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcceptPortfolioShareCommand, CreatePortfolioShareCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { type LocalAws, startLocalAws } from '@portfolio-share-orchestrator/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.js';

/** `npm run plan -- …` as a process of its own. */
const plan = (...args: string[]) => runScript('scripts/plan.ts', args);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let aws: LocalAws;

beforeAll(async () => {
  // The endpoint alone, with the demo organization: the plan only reads Service Catalog and Organizations.
  aws = await startLocalAws({ port: 0 });
});

afterAll(async () => {
  await aws?.close();
});

describe('npm run plan', () => {
  it('prints what a reconcile would share on the demo organization, exiting 2 with --detailed-exitcode and 0 without', async () => {
    const detailed = await plan('--endpoint', aws.url, '--detailed-exitcode');

    expect(detailed.stderr).toBe('');
    expect(detailed.code).toBe(2);
    expect(detailed.stdout).toBe(
      [
        'Organizations access for Service Catalog: ENABLED',
        '',
        'Symbols:',
        '  + share (create)',
        '',
        '  port-networkvpc001  (Networking)  prune: false',
        '    + ORGANIZATION         o-exampleorg1     share',
        '  port-cicdpipeline1  (Delivery pipelines)  prune: false',
        '    + ORGANIZATIONAL_UNIT  ou-ex12-workload  share',
        "    warning: sharePrincipals shares the portfolio's IAM_PATTERN principals by name (arn:aws:iam:::role/Developer*): in every recipient account, any role or user whose name matches gets the portfolio, and an administrator there can create one (see docs/authorization.md, Principal sharing)",
        '  port-databases0001  (Databases)  prune: false',
        '    + ORGANIZATIONAL_UNIT  ou-ex12-prodwork  share',
        '    + EXTERNAL_ACCOUNT     999988887777      share (the account accepts it)',
        '',
        'Plan: 4 to share, 0 to unshare, 0 extra kept.',
        '',
      ].join('\n'),
    );
    expect((await plan('--endpoint', aws.url)).code).toBe(0);
  });

  it('reads the policy given, reports a share made by hand as extra, and exits 0 once nothing differs', async () => {
    const serviceCatalog = new ServiceCatalogClient(aws.clientConfig());
    await serviceCatalog.send(new CreatePortfolioShareCommand({ PortfolioId: 'port-cicdpipeline1', AccountId: '999988887777' }));
    const policy = join(tmpdir(), `plan-cli-policy-${process.pid}.yml`);
    writeFileSync(
      policy,
      'version: 1\nportfolios:\n  - portfolioId: port-cicdpipeline1\n    targets: [{ type: EXTERNAL_ACCOUNT, id: "999988887777" }]\n',
    );

    const accepted = await plan('--endpoint', aws.url, '--policy', policy, '--detailed-exitcode');
    expect(accepted.stdout).toContain('    ? EXTERNAL_ACCOUNT  999988887777  shared, not accepted yet\n');
    expect(accepted.code).toBe(2);

    const extra = await plan('--endpoint', aws.url, '--detailed-exitcode');
    expect(extra.stdout).toContain('    ! EXTERNAL_ACCOUNT     999988887777      extra, kept (prune: false)\n');

    const json = await plan('--endpoint', aws.url, '--policy', policy, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ summary: { portfoliosChecked: 1, unaccepted: 1, toShare: 0 } });

    // The partner accepts: the account share now matches the policy.
    const partner = new ServiceCatalogClient({
      ...aws.clientConfig(),
      credentials: { accessKeyId: 'AKIAPARTNEREXAMPLE01', secretAccessKey: 'partner-secret' },
    });
    await partner.send(new AcceptPortfolioShareCommand({ PortfolioId: 'port-cicdpipeline1', PortfolioShareType: 'IMPORTED' }));
    const clean = await plan('--endpoint', aws.url, '--policy', policy, '--detailed-exitcode');
    expect(clean.stdout).toContain('No changes.');
    expect(clean.code).toBe(0);
  });

  it('tells the user to start the local stack when nothing answers at the endpoint', async () => {
    const port = await freePort();

    const result = await plan('--endpoint', `http://127.0.0.1:${port}`);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(`Nothing answers at http://127.0.0.1:${port} (ECONNREFUSED). Start the local stack first: npm start`);
  });
});
