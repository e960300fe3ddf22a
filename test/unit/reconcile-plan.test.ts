import { DescribeOrganizationCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetAWSOrganizationsAccessStatusCommand,
  ListOrganizationPortfolioAccessCommand,
  ListPrincipalsForPortfolioCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { planReconciliation } from '../../src/reconcile/plan-reconciliation.js';
import { renderPlan } from '../../src/reconcile/render-plan.js';
import { fakeShareListing, share } from '../support/fake-shares.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
const organizations = mockClient(OrganizationsClient);

const ORG = 'o-exampleorg1';
const NETWORK = 'port-networkvpc001';
const PIPELINES = 'port-cicdpipeline1';
const DATABASES = 'port-databases0001';
const AT = new Date('2026-03-01T10:00:00.000Z');

const policyText = (overrides: { prune?: boolean; allowEnable?: boolean } = {}) => `
version: 1
settings: { allowEnableOrganizationsAccess: ${overrides.allowEnable ?? false} }
portfolios:
  - portfolioId: ${NETWORK}
    name: Networking
    shareTagOptions: true
    targets: [{ type: ORGANIZATION, id: ${ORG} }]
  - portfolioId: ${PIPELINES}
    name: Delivery pipelines
    sharePrincipals: true
    prune: ${overrides.prune ?? false}
    targets: [{ type: ORGANIZATIONAL_UNIT, id: ou-ex12-workload }]
  - portfolioId: ${DATABASES}
    targets:
      - { type: ORGANIZATIONAL_UNIT, id: ou-ex12-prodwork }
      - { type: ACCOUNT, id: '210987654321' }
      - { type: EXTERNAL_ACCOUNT, id: '999988887777' }
`;

const plan = (overrides: Parameters<typeof policyText>[0] = {}) =>
  planReconciliation(
    {
      serviceCatalog: new ServiceCatalogClient({}),
      organizations: new OrganizationsClient({}),
      policy: parsePolicy(policyText(overrides)),
    },
    AT,
  );

beforeEach(() => {
  serviceCatalog.reset();
  organizations.reset();
  serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
  serviceCatalog.on(ListPrincipalsForPortfolioCommand).resolves({ Principals: [] });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
  // 333333333333 sits in ou-ex12-prodwork under ou-ex12-workload; 444444444444 in a sandbox OU.
  organizations
    .on(ListParentsCommand, { ChildId: '333333333333' })
    .resolves({ Parents: [{ Id: 'ou-ex12-prodwork', Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations
    .on(ListParentsCommand, { ChildId: 'ou-ex12-prodwork' })
    .resolves({ Parents: [{ Id: 'ou-ex12-workload', Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: 'ou-ex12-workload' }).resolves({ Parents: [{ Id: 'r-ex12', Type: 'ROOT' }] });
  organizations
    .on(ListParentsCommand, { ChildId: '444444444444' })
    .resolves({ Parents: [{ Id: 'ou-ex12-sandbox1', Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: 'ou-ex12-sandbox1' }).resolves({ Parents: [{ Id: 'r-ex12', Type: 'ROOT' }] });
});

describe('reconcile plan', () => {
  it('warns, in the plan and its table, where principal sharing exposes IAM_PATTERN principals', async () => {
    fakeShareListing(serviceCatalog, {});
    serviceCatalog.on(ListPrincipalsForPortfolioCommand).resolves({
      Principals: [{ PrincipalARN: 'arn:aws:iam:::role/Developer*', PrincipalType: 'IAM_PATTERN' }],
    });

    const result = await plan();

    const sharing = result.portfolios.filter((portfolio) => portfolio.warnings.length > 0);
    // Only the pipelines share principals; the other portfolios' principals are not shared by name.
    expect(sharing.map((portfolio) => portfolio.portfolioId)).toEqual([PIPELINES]);
    expect(serviceCatalog).toHaveReceivedCommandTimes(ListPrincipalsForPortfolioCommand, 1);
    expect(renderPlan(result)).toContain(
      "warning: sharePrincipals shares the portfolio's IAM_PATTERN principals by name (arn:aws:iam:::role/Developer*)",
    );
  });

  it('finds every policy target missing when nothing is shared, and plans one share each', async () => {
    fakeShareListing(serviceCatalog, {});

    const result = await plan();

    expect(result.portfolios.map((portfolio) => [portfolio.portfolioId, portfolio.missing])).toEqual([
      [NETWORK, [{ type: 'ORGANIZATION', id: ORG }]],
      [PIPELINES, [{ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' }]],
      [
        DATABASES,
        [
          { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' },
          { type: 'ACCOUNT', id: '210987654321' },
          { type: 'EXTERNAL_ACCOUNT', id: '999988887777' },
        ],
      ],
    ]);
    expect(result.portfolios[2]?.actions.map((action) => action.action)).toEqual(['SHARE', 'SHARE', 'SHARE']);
    expect(result.summary).toEqual({
      portfoliosChecked: 3,
      portfoliosDrifted: 3,
      toShare: 5,
      toUnshare: 0,
      extraKept: 0,
      blocked: 0,
      optionDrift: 0,
      unaccepted: 0,
    });
    expect(result.organizationsAccess).toEqual({ status: 'ENABLED', message: null });
  });

  it('reads every share type and organization node type over all their pages', async () => {
    const accounts = Array.from({ length: 5 }, (_, index) => String(999900000000 + index));
    const requests = fakeShareListing(
      serviceCatalog,
      {
        [DATABASES]: [
          ...accounts.map((accountId) => share('ACCOUNT', accountId)),
          share('ORGANIZATIONAL_UNIT', 'ou-ex12-prodwork'),
          share('ORGANIZATION_MEMBER_ACCOUNT', '210987654321'),
          share('ORGANIZATION_MEMBER_ACCOUNT', '333333333333'),
          share('ORGANIZATION_MEMBER_ACCOUNT', '444444444444'),
          share('ACCOUNT', '999988887777'),
        ],
      },
      2,
    );

    const result = await plan();

    const databases = result.portfolios[2];
    expect(databases?.missing).toEqual([]);
    expect(databases?.extra).toEqual([
      { type: 'ACCOUNT', id: '444444444444' },
      ...accounts.map((id) => ({ type: 'EXTERNAL_ACCOUNT', id })),
    ]);
    expect(databases?.covered).toEqual([
      { target: { type: 'ACCOUNT', id: '333333333333' }, coveredBy: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' } },
    ]);
    const describeCalls = requests.describe.filter((input) => input.PortfolioId === DATABASES);
    expect(describeCalls.filter((input) => input.Type === 'ACCOUNT').map((input) => input.PageToken)).toEqual([undefined, '2', '4']);
    expect(new Set(describeCalls.map((input) => input.Type))).toEqual(
      new Set(['ACCOUNT', 'ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ORGANIZATION_MEMBER_ACCOUNT']),
    );
    const listed = requests.listNodes.filter((input) => input.PortfolioId === DATABASES).map((input) => input.OrganizationNodeType);
    expect(new Set(listed)).toEqual(new Set(['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']));
    expect(
      requests.listNodes
        .filter((input) => input.PortfolioId === DATABASES && input.OrganizationNodeType === 'ACCOUNT')
        .map((input) => input.PageToken),
    ).toEqual([undefined, '2']);
  });

  it('counts a node that only ListOrganizationPortfolioAccess names as shared, with options unknown', async () => {
    fakeShareListing(serviceCatalog, {});
    serviceCatalog
      .on(ListOrganizationPortfolioAccessCommand, { PortfolioId: NETWORK, OrganizationNodeType: 'ORGANIZATION' })
      .resolves({ OrganizationNodes: [{ Type: 'ORGANIZATION', Value: ORG }] });

    const result = await plan();

    expect(result.portfolios[0]).toMatchObject({ missing: [], optionDrift: [], actions: [] });
  });

  it('reports extra shares and keeps them when prune is off, unshares them when it is on', async () => {
    const shares = {
      [PIPELINES]: [
        share('ORGANIZATIONAL_UNIT', 'ou-ex12-workload', { SharePrincipals: true }),
        share('ORGANIZATIONAL_UNIT', 'ou-ex12-sandbox1', { SharePrincipals: true }),
        share('ACCOUNT', '111122223333', { Accepted: false }),
      ],
    };
    fakeShareListing(serviceCatalog, shares);

    const kept = (await plan()).portfolios[1];
    const pruned = (await plan({ prune: true })).portfolios[1];

    const extra = [
      { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' },
      { type: 'EXTERNAL_ACCOUNT', id: '111122223333' },
    ];
    expect(kept).toMatchObject({ prune: false, missing: [], extra, actions: [] });
    expect(pruned).toMatchObject({ prune: true, extra, actions: extra.map((target) => ({ action: 'UNSHARE', target })) });
  });

  it('reports share options that differ from the policy, and account shares not accepted yet', async () => {
    fakeShareListing(serviceCatalog, {
      [NETWORK]: [share('ORGANIZATION', ORG, { ShareTagOptions: false, SharePrincipals: true })],
      [PIPELINES]: [share('ORGANIZATIONAL_UNIT', 'ou-ex12-workload', { SharePrincipals: false })],
      [DATABASES]: [
        share('ORGANIZATIONAL_UNIT', 'ou-ex12-prodwork'),
        // Principal sharing does not exist for member-account and account shares: never drift.
        share('ORGANIZATION_MEMBER_ACCOUNT', '210987654321', { SharePrincipals: true }),
        share('ACCOUNT', '999988887777', { Accepted: false }),
      ],
    });

    const result = await plan();

    expect(result.portfolios[0]?.optionDrift).toEqual([
      { target: { type: 'ORGANIZATION', id: ORG }, option: 'shareTagOptions', expected: true, actual: false },
      { target: { type: 'ORGANIZATION', id: ORG }, option: 'sharePrincipals', expected: false, actual: true },
    ]);
    expect(result.portfolios[1]?.optionDrift).toEqual([
      { target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' }, option: 'sharePrincipals', expected: true, actual: false },
    ]);
    expect(result.portfolios[2]).toMatchObject({
      missing: [],
      optionDrift: [],
      unaccepted: [{ type: 'EXTERNAL_ACCOUNT', id: '999988887777' }],
      actions: [],
    });
    expect(result.summary).toMatchObject({ toShare: 0, optionDrift: 3, unaccepted: 1, portfoliosDrifted: 3 });
  });

  it('keeps a member-account share that a policy OU already reaches (a re-share of a throttled account), and calls an account elsewhere extra', async () => {
    fakeShareListing(serviceCatalog, {
      [PIPELINES]: [
        share('ORGANIZATIONAL_UNIT', 'ou-ex12-workload', { SharePrincipals: true }),
        share('ORGANIZATION_MEMBER_ACCOUNT', '333333333333'),
        share('ORGANIZATION_MEMBER_ACCOUNT', '444444444444'),
      ],
    });

    const result = (await plan({ prune: true })).portfolios[1];

    expect(result?.covered).toEqual([
      { target: { type: 'ACCOUNT', id: '333333333333' }, coveredBy: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' } },
    ]);
    expect(result?.extra).toEqual([{ type: 'ACCOUNT', id: '444444444444' }]);
    expect(result?.actions).toEqual([{ action: 'UNSHARE', target: { type: 'ACCOUNT', id: '444444444444' } }]);
  });

  it('says when Organizations access is disabled: lists no organization nodes and blocks organization shares it may not enable', async () => {
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'DISABLED' });
    fakeShareListing(serviceCatalog, {});

    const blocked = await plan();

    expect(serviceCatalog).not.toHaveReceivedCommand(ListOrganizationPortfolioAccessCommand);
    expect(blocked.organizationsAccess.status).toBe('DISABLED');
    expect(blocked.organizationsAccess.message).toMatch(
      /DISABLED: organization shares cannot be listed through the organization nor created/,
    );
    expect(blocked.portfolios[2]).toMatchObject({
      blocked: [
        { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' },
        { type: 'ACCOUNT', id: '210987654321' },
      ],
      actions: [{ action: 'SHARE', target: { type: 'EXTERNAL_ACCOUNT', id: '999988887777' } }],
    });
    expect(blocked.summary).toMatchObject({ toShare: 1, blocked: 4 });

    const enabling = await plan({ allowEnable: true });
    expect(enabling.organizationsAccess.message).toMatch(/the share workflow enables access/);
    expect(enabling.summary).toMatchObject({ toShare: 5, blocked: 0 });
  });

  it('plans from a hub that may not read the access status (a delegated administrator)', async () => {
    serviceCatalog
      .on(GetAWSOrganizationsAccessStatusCommand)
      .rejects(Object.assign(new Error('not the management account'), { name: 'AccessDeniedException' }));
    fakeShareListing(serviceCatalog, { [NETWORK]: [share('ORGANIZATION', ORG, { ShareTagOptions: true })] });

    const result = await plan();

    expect(result.organizationsAccess).toMatchObject({ status: 'UNKNOWN', message: expect.stringMatching(/only the management account/) });
    expect(result.portfolios[0]?.missing).toEqual([]);
    expect(serviceCatalog).toHaveReceivedCommand(ListOrganizationPortfolioAccessCommand);
  });

  it('fails, naming it, from a hub outside any organization', async () => {
    serviceCatalog
      .on(GetAWSOrganizationsAccessStatusCommand)
      .rejects(Object.assign(new Error('Your account is not a member of an organization.'), { name: 'AWSOrganizationsNotInUseException' }));

    await expect(plan()).rejects.toMatchObject({ name: 'AWSOrganizationsNotInUseException' });
    expect(serviceCatalog).not.toHaveReceivedCommand(ListOrganizationPortfolioAccessCommand);
  });
});

describe('plan table', () => {
  it('marks shares to create, to remove, extra kept, options that differ, unaccepted and covered shares, with a summary line', async () => {
    fakeShareListing(serviceCatalog, {
      [NETWORK]: [share('ORGANIZATION', ORG, { ShareTagOptions: false })],
      [PIPELINES]: [share('ORGANIZATIONAL_UNIT', 'ou-ex12-workload', { SharePrincipals: true }), share('ACCOUNT', '111122223333')],
      [DATABASES]: [share('ACCOUNT', '999988887777', { Accepted: false }), share('ORGANIZATION_MEMBER_ACCOUNT', '333333333333')],
    });

    const table = renderPlan(await plan({ prune: true }));

    expect(table).toBe(
      [
        'Organizations access for Service Catalog: ENABLED',
        '',
        'Symbols:',
        '  + share (create)',
        '  - unshare (remove: the policy prunes)',
        '  ~ share options differ (reported only)',
        '  ? shared, not accepted yet by the account',
        '  = member account share covered by a policy target, kept',
        '',
        '  port-networkvpc001  (Networking)  prune: false',
        '    ~ ORGANIZATION         o-exampleorg1     shareTagOptions: false → true in policy (reported only)',
        '  port-cicdpipeline1  (Delivery pipelines)  prune: true',
        '    - EXTERNAL_ACCOUNT     111122223333      unshare',
        '  port-databases0001  prune: false',
        '    + ORGANIZATIONAL_UNIT  ou-ex12-prodwork  share',
        '    + ACCOUNT              210987654321      share',
        '    ? EXTERNAL_ACCOUNT     999988887777      shared, not accepted yet',
        '    = ACCOUNT              333333333333      covered by ORGANIZATIONAL_UNIT ou-ex12-prodwork, kept',
        '',
        'Plan: 2 to share, 1 to unshare, 0 extra kept, 1 option drift reported, 1 not accepted.',
        '',
      ].join('\n'),
    );
  });

  it('marks an extra share kept with !, a blocked share with the access status, and says when nothing differs', async () => {
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'DISABLED' });
    fakeShareListing(serviceCatalog, {
      [NETWORK]: [share('ORGANIZATION', ORG, { ShareTagOptions: true }), share('ACCOUNT', '111122223333')],
    });

    const table = renderPlan(await plan());
    expect(table).toContain('    ! EXTERNAL_ACCOUNT     111122223333      extra, kept (prune: false)\n');
    expect(table).toContain('    + ORGANIZATIONAL_UNIT  ou-ex12-workload  share — blocked: Organizations access is DISABLED\n');
    expect(table).toContain('  port-networkvpc001  (Networking)  prune: false\n');
    expect(table).toMatch(/\nPlan: 1 to share, 0 to unshare, 1 extra kept, 3 blocked\.\n$/);

    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    fakeShareListing(serviceCatalog, {
      [NETWORK]: [share('ORGANIZATION', ORG, { ShareTagOptions: true })],
      [PIPELINES]: [share('ORGANIZATIONAL_UNIT', 'ou-ex12-workload', { SharePrincipals: true })],
      [DATABASES]: [
        share('ORGANIZATIONAL_UNIT', 'ou-ex12-prodwork'),
        share('ORGANIZATION_MEMBER_ACCOUNT', '210987654321'),
        share('ACCOUNT', '999988887777'),
      ],
    });
    const clean = renderPlan(await plan());
    expect(clean).toContain('No changes. The shares of 3 portfolios match the sharing policy.');
    expect(clean).toContain('  port-cicdpipeline1  (Delivery pipelines)  prune: false  — in sync\n');
    expect(clean).toMatch(/Plan: 0 to share, 0 to unshare, 0 extra kept\.\n$/);
  });
});
