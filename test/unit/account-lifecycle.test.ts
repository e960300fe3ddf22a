import { DescribeOrganizationCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DescribePortfolioSharesCommand,
  ListAcceptedPortfolioSharesCommand,
  RejectPortfolioShareCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { childRequestId } from '../../src/contracts/identifiers.js';
import type { OnboardingWorkflowInput } from '../../src/contracts/onboarding.js';
import { MemberRoleUnavailableError } from '../../src/errors.js';
import { selectShareRemovals, unshareRequestId } from '../../src/onboarding/account-shares.js';
import { summariseOnboarding } from '../../src/onboarding/onboarding-result.js';
import { planOnboarding } from '../../src/onboarding/plan-onboarding.js';
import { rejectUnentitledShares, selectRejections } from '../../src/onboarding/reject-unentitled-shares.js';
import { entitlementsFor, outsideOrganization } from '../../src/policy/entitlements.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { expectValidEvent } from '../support/result-events.js';

const organizations = mockClient(OrganizationsClient);
const serviceCatalog = mockClient(ServiceCatalogClient);

const ACCOUNT = '210987654321';
const ORGANIZATION = 'o-a1b2c3d4e5';
const WORKLOADS = 'ou-ab12-workload';
const SANDBOX = 'ou-ab12-sandbox1';
const PIPELINES = 'port-pipelines0001';
const PARTNERS = 'port-partners00001';
const NETWORKING = 'port-networking0001';

const policyText = (settings = '') => `
version: 1
${settings}
portfolios:
  - portfolioId: ${PIPELINES}
    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${WORKLOADS} }]
  - portfolioId: ${PARTNERS}
    targets: [{ type: EXTERNAL_ACCOUNT, id: '${ACCOUNT}' }]
  - portfolioId: ${NETWORKING}
    targets: [{ type: ORGANIZATION, id: ${ORGANIZATION} }]
`;
const policy = parsePolicy(policyText());

const request = (
  membership: 'MEMBER' | 'DEPARTED',
  eventName: OnboardingWorkflowInput['trigger']['eventName'],
): OnboardingWorkflowInput => ({
  requestId: 'e5a1f00d-0000-4000-8000-000000000001',
  accountId: ACCOUNT,
  trigger: { source: 'aws.organizations', eventName, eventId: 'e5a1f00d-0000-4000-8000-000000000001', time: '2026-11-21T10:00:00Z' },
  membership,
  requestedBy: { type: 'event', accountId: '123456789012', source: 'aws.organizations', eventId: 'e5a1f00d-0000-4000-8000-000000000001' },
});

/** DescribePortfolioShares answers: every portfolio has the given shares of each type (two pages for org-member-account shares). */
const shares = (byPortfolio: Record<string, Partial<Record<string, { PrincipalId: string; Accepted?: boolean }[]>>>) => {
  serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
  for (const [portfolioId, byType] of Object.entries(byPortfolio)) {
    for (const [type, details] of Object.entries(byType)) {
      serviceCatalog
        .on(DescribePortfolioSharesCommand, { PortfolioId: portfolioId, Type: type as never })
        .resolves({ PortfolioShareDetails: (details ?? []).map((detail) => ({ ...detail, Type: type as never })) });
    }
  }
};

const placeIn = (ouId: string) => {
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORGANIZATION } });
  organizations.on(ListParentsCommand, { ChildId: ACCOUNT }).resolves({ Parents: [{ Id: ouId, Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: ouId }).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
};

const departed = () => {
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORGANIZATION } });
  organizations.on(ListParentsCommand, { ChildId: ACCOUNT }).rejects(
    Object.assign(new Error("We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."), {
      name: 'ChildNotFoundException',
    }),
  );
};

const clients = (sharingPolicy = policy) => ({
  organizations: new OrganizationsClient({}),
  serviceCatalog: new ServiceCatalogClient({}),
  policy: sharingPolicy,
});

beforeEach(() => {
  organizations.reset();
  serviceCatalog.reset();
});

describe('which account-level shares an account event removes', () => {
  it('removes the shares a moved account is no longer entitled to, keeps entitled ones, and never touches OU or organization shares', async () => {
    placeIn(SANDBOX);
    shares({
      [PIPELINES]: {
        ORGANIZATION_MEMBER_ACCOUNT: [{ PrincipalId: ACCOUNT }, { PrincipalId: '333333333333' }],
        ORGANIZATIONAL_UNIT: [{ PrincipalId: WORKLOADS }],
      },
      [NETWORKING]: { ORGANIZATION_MEMBER_ACCOUNT: [{ PrincipalId: ACCOUNT }], ORGANIZATION: [{ PrincipalId: ORGANIZATION }] },
      [PARTNERS]: { ACCOUNT: [{ PrincipalId: ACCOUNT, Accepted: true }] },
    });

    const plan = await planOnboarding(request('MEMBER', 'MoveAccount'), clients());

    // The workloads OU share and the organization share stay: the organization takes their access away itself.
    expect(plan.removals).toEqual([
      {
        requestId: 'e5a1f00d-0000-4000-8000-000000000001-port-pipelines0001-unshare-account',
        portfolioId: PIPELINES,
        target: { type: 'ACCOUNT', id: ACCOUNT },
        requestedBy: { type: 'workflow', workflow: 'onboard-account', requestId: 'e5a1f00d-0000-4000-8000-000000000001' },
      },
    ]);
    expect(plan.keptShares).toEqual([
      { portfolioId: PARTNERS, target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT }, entitledBy: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT } },
      { portfolioId: NETWORKING, target: { type: 'ACCOUNT', id: ACCOUNT }, entitledBy: { type: 'ORGANIZATION', id: ORGANIZATION } },
    ]);
    expect(plan.portfolios.map((portfolio) => [portfolio.portfolioId, portfolio.coveredBy])).toEqual([
      [PARTNERS, { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT }],
      [NETWORKING, { type: 'ORGANIZATION', id: ORGANIZATION }],
    ]);
  });

  it('reads the placement and every share list it needs at once, each list once', async () => {
    placeIn(WORKLOADS);
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    serviceCatalog.on(DescribePortfolioSharesCommand).callsFake(async (input: { PortfolioId: string; Type: string }) => {
      asked.push(`${input.PortfolioId}:${input.Type}`);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { PortfolioShareDetails: [] };
    });

    await planOnboarding(request('MEMBER', 'MoveAccount'), clients());

    expect(new Set(asked).size).toBe(asked.length);
    expect(most).toBeGreaterThan(1);
    // The organization is read once, beside the ListParents walk.
    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(1);
  });

  it('asks Service Catalog once per portfolio and share type, following every page', async () => {
    placeIn(WORKLOADS);
    serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
    serviceCatalog
      .on(DescribePortfolioSharesCommand, { PortfolioId: PARTNERS, Type: 'ACCOUNT' })
      .resolvesOnce({ PortfolioShareDetails: [{ PrincipalId: '999988887777', Type: 'ACCOUNT' }], NextPageToken: 'page-2' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: ACCOUNT, Type: 'ACCOUNT', Accepted: false }] });
    const sandboxPolicy = parsePolicy(policyText().replace(`EXTERNAL_ACCOUNT, id: '${ACCOUNT}'`, "EXTERNAL_ACCOUNT, id: '999988887777'"));

    const plan = await planOnboarding(request('MEMBER', 'MoveAccount'), clients(sandboxPolicy));

    // A pending account share is a share too: the policy does not entitle the account, so it goes.
    expect(plan.removals.map((removal) => [removal.portfolioId, removal.target])).toEqual([
      [PARTNERS, { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT }],
    ]);
    expect(serviceCatalog.commandCalls(DescribePortfolioSharesCommand, { PortfolioId: PARTNERS, Type: 'ACCOUNT' })).toHaveLength(2);
    // Coverage and removals both look at organization-member-account shares of the entitled portfolio: one call.
    expect(
      serviceCatalog.commandCalls(DescribePortfolioSharesCommand, { PortfolioId: PIPELINES, Type: 'ORGANIZATION_MEMBER_ACCOUNT' }),
    ).toHaveLength(1);
  });

  it('keeps a departed account only the account shares that an EXTERNAL_ACCOUNT target names, and plans nothing else for it', async () => {
    departed();
    shares({
      [PIPELINES]: { ORGANIZATION_MEMBER_ACCOUNT: [{ PrincipalId: ACCOUNT }] },
      [PARTNERS]: { ACCOUNT: [{ PrincipalId: ACCOUNT, Accepted: true }], ORGANIZATION_MEMBER_ACCOUNT: [{ PrincipalId: ACCOUNT }] },
      [NETWORKING]: { ORGANIZATION: [{ PrincipalId: ORGANIZATION }] },
    });

    const plan = await planOnboarding(
      request('DEPARTED', 'RemoveAccountFromOrganization'),
      clients(parsePolicy(policyText('settings: { rejectUnentitledShares: true }'))),
    );

    expect(plan).toMatchObject({ organizationId: null, parentPath: [], portfolios: [], rejection: null });
    expect(plan.removals.map((removal) => [removal.portfolioId, removal.target.type])).toEqual([
      [PIPELINES, 'ACCOUNT'],
      // An organization-member-account share reaches nothing once the account has left.
      [PARTNERS, 'ACCOUNT'],
    ]);
    expect(plan.keptShares).toEqual([
      { portfolioId: PARTNERS, target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT }, entitledBy: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT } },
    ]);
  });

  it('still fails a member account event when the account cannot be placed', async () => {
    departed();
    await expect(planOnboarding(request('MEMBER', 'MoveAccount'), clients())).rejects.toMatchObject({ name: 'ChildNotFoundException' });
  });

  it('leaves unentitled account shares to the member account when it rejects them, and removes the rest from the hub', async () => {
    placeIn(SANDBOX);
    shares({
      [PIPELINES]: { ACCOUNT: [{ PrincipalId: ACCOUNT, Accepted: false }], ORGANIZATION_MEMBER_ACCOUNT: [{ PrincipalId: ACCOUNT }] },
      [PARTNERS]: { ACCOUNT: [{ PrincipalId: ACCOUNT, Accepted: false }] },
    });

    const hubOnly = await planOnboarding(request('MEMBER', 'MoveAccount'), clients());
    expect(hubOnly.rejection).toBeNull();
    expect(hubOnly.removals.map((removal) => removal.target.type)).toEqual(['ACCOUNT', 'EXTERNAL_ACCOUNT']);

    const plan = await planOnboarding(
      request('MEMBER', 'MoveAccount'),
      clients(parsePolicy(policyText('settings: { rejectUnentitledShares: true }'))),
    );
    // An organization-member-account share cannot be rejected as IMPORTED: the hub still removes it.
    expect(plan.removals.map((removal) => [removal.portfolioId, removal.target.type])).toEqual([[PIPELINES, 'ACCOUNT']]);
    expect(plan.rejection).toEqual({
      accountId: ACCOUNT,
      entitledPortfolioIds: [PARTNERS, NETWORKING],
      // The offer of the entitled partner portfolio stays, for the member actions to accept.
      pendingPortfolioIds: [PIPELINES],
    });
  });

  it('names each removal deterministically within 80 characters', () => {
    const share = { portfolioId: PIPELINES, target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT } as const };
    expect(unshareRequestId('event-1', share)).toBe('event-1-port-pipelines0001-unshare-external-account');
    const long = unshareRequestId('x'.repeat(80), share);
    expect(long).toHaveLength(80);
    expect(long).toBe(unshareRequestId('x'.repeat(80), share));
    expect(long).not.toBe(unshareRequestId('x'.repeat(80), { ...share, target: { type: 'ACCOUNT', id: ACCOUNT } }));
    expect(childRequestId('event-1', PIPELINES)).toBe(`event-1-${PIPELINES}`);
  });

  it('removes every account-level share of a portfolio that no target entitles', () => {
    const placement = { accountId: ACCOUNT, organizationId: ORGANIZATION, parentPath: ['r-ab12', SANDBOX] };
    const existing = [
      {
        portfolioId: PIPELINES,
        target: { type: 'ACCOUNT', id: ACCOUNT } as const,
        accepted: true,
        sharePrincipals: false,
        shareTagOptions: false,
      },
      {
        portfolioId: PIPELINES,
        target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT } as const,
        accepted: false,
        sharePrincipals: false,
        shareTagOptions: false,
      },
    ];
    const { removals, kept } = selectShareRemovals('event-1', placement, existing, entitlementsFor(policy, placement), {
      memberRejects: false,
    });
    expect(removals.map((removal) => removal.requestId)).toEqual([
      'event-1-port-pipelines0001-unshare-account',
      'event-1-port-pipelines0001-unshare-external-account',
    ]);
    expect(kept).toEqual([]);
    expect(selectShareRemovals('event-1', outsideOrganization(ACCOUNT), existing, [], { memberRejects: false }).removals).toHaveLength(2);
  });
});

describe('member-side rejection of unentitled shares', () => {
  const rejection = {
    accountId: ACCOUNT,
    entitledPortfolioIds: [NETWORKING],
    pendingPortfolioIds: [PIPELINES],
  };
  const roleName = 'PortfolioShareMemberRole-ShareRejection';
  const member = () => ({ memberServiceCatalog: async () => new ServiceCatalogClient({}), roleName });

  it('selects accepted imports and pending offers the policy does not entitle the account to', () => {
    expect(selectRejections([NETWORKING, 'port-vendor000001', 'port-vendor000001'], rejection)).toEqual(['port-vendor000001', PIPELINES]);
  });

  it('lists every page of accepted imported shares and rejects each unentitled one as IMPORTED', async () => {
    serviceCatalog
      .on(ListAcceptedPortfolioSharesCommand)
      .resolvesOnce({ PortfolioDetails: [{ Id: NETWORKING }, { Id: 'port-vendor000001' }], NextPageToken: 'next' })
      .resolves({ PortfolioDetails: [{ Id: 'port-vendor000002' }, { Id: 'port-vendor000003' }] });
    serviceCatalog.on(RejectPortfolioShareCommand).resolves({});
    serviceCatalog
      .on(RejectPortfolioShareCommand, { PortfolioId: 'port-vendor000002' })
      .rejects(Object.assign(new Error('Portfolio not found'), { name: 'ResourceNotFoundException' }));
    serviceCatalog
      .on(RejectPortfolioShareCommand, { PortfolioId: 'port-vendor000003' })
      .rejects(Object.assign(new Error('Internal'), { name: 'InternalFailure' }));

    const result = await rejectUnentitledShares(rejection, member());

    expect(serviceCatalog).toHaveReceivedCommandTimes(ListAcceptedPortfolioSharesCommand, 2);
    expect(serviceCatalog).toHaveReceivedCommandWith(ListAcceptedPortfolioSharesCommand, { PortfolioShareType: 'IMPORTED' });
    expect(serviceCatalog).toHaveReceivedCommandWith(RejectPortfolioShareCommand, {
      PortfolioId: 'port-vendor000001',
      PortfolioShareType: 'IMPORTED',
    });
    expect(result.rejectedShares).toEqual([
      { portfolioId: 'port-vendor000001', outcome: 'SUCCEEDED', failure: null },
      // Gone already (its owner unshared it meanwhile): the account no longer has it, as intended.
      { portfolioId: 'port-vendor000002', outcome: 'SUCCEEDED', failure: null },
      { portfolioId: 'port-vendor000003', outcome: 'FAILED', failure: { error: 'InternalFailure', message: 'Internal' } },
      // The pending offer the hub found.
      { portfolioId: PIPELINES, outcome: 'SUCCEEDED', failure: null },
    ]);
  });

  it('names the member role that does not allow the listing yet (a StackSet from before this option)', async () => {
    serviceCatalog
      .on(ListAcceptedPortfolioSharesCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    await expect(rejectUnentitledShares(rejection, member())).rejects.toMatchObject({
      name: 'MemberRoleDeniedError',
      message: expect.stringContaining(
        'PortfolioShareMemberRole-ShareRejection in 210987654321 does not allow servicecatalog:ListAcceptedPortfolioShares',
      ),
    });
    expect(serviceCatalog).not.toHaveReceivedCommand(RejectPortfolioShareCommand);
  });

  it('lets an unavailable member role through, for the state machine to retry', async () => {
    const unavailable = new MemberRoleUnavailableError(ACCOUNT, 'Cannot assume the role');
    await expect(
      rejectUnentitledShares(rejection, { memberServiceCatalog: async () => Promise.reject(unavailable), roleName }),
    ).rejects.toBe(unavailable);
  });
});

describe('account event results', () => {
  const startedAt = '2026-11-21T10:00:00.000Z';
  const removal = (portfolioId: string, type: 'ACCOUNT' | 'EXTERNAL_ACCOUNT') => ({
    requestId: unshareRequestId('e1', { portfolioId, target: { type, id: ACCOUNT } }),
    portfolioId,
    target: { type, id: ACCOUNT },
    requestedBy: { type: 'workflow' as const, workflow: 'onboard-account' as const, requestId: 'e5a1f00d-0000-4000-8000-000000000001' },
  });
  const plan = {
    accountId: ACCOUNT,
    organizationId: null,
    parentPath: [],
    portfolios: [],
    removals: [],
    keptShares: [
      {
        portfolioId: PARTNERS,
        target: { type: 'EXTERNAL_ACCOUNT' as const, id: ACCOUNT },
        entitledBy: { type: 'EXTERNAL_ACCOUNT' as const, id: ACCOUNT },
      },
    ],
    rejection: null,
  };

  it('reports a departure in one Account Offboarding event naming what was removed and kept', () => {
    const result = summariseOnboarding(
      {
        request: request('DEPARTED', 'RemoveAccountFromOrganization'),
        startedAt,
        plan,
        portfolioRuns: [],
        removalRuns: [
          {
            removal: removal(PIPELINES, 'ACCOUNT'),
            unshareExecution: { result: { outcome: 'SUCCEEDED', alreadyAbsent: false, failure: null } },
          },
          {
            removal: removal(NETWORKING, 'EXTERNAL_ACCOUNT'),
            unshareExecution: { result: { outcome: 'SUCCEEDED', alreadyAbsent: true, failure: null } },
          },
        ],
        rejection: null,
        failure: null,
      },
      new Date('2026-11-21T10:01:00Z'),
    );

    expect(result.detailType).toBe('Account Offboarding Succeeded');
    expect(result.detail).toEqual({
      requestId: 'e5a1f00d-0000-4000-8000-000000000001',
      requestedBy: {
        type: 'event',
        accountId: '123456789012',
        source: 'aws.organizations',
        eventId: 'e5a1f00d-0000-4000-8000-000000000001',
      },
      outcome: 'SUCCEEDED',
      accountId: ACCOUNT,
      eventName: 'RemoveAccountFromOrganization',
      removedShares: [
        {
          portfolioId: PIPELINES,
          target: { type: 'ACCOUNT', id: ACCOUNT },
          outcome: 'SUCCEEDED',
          alreadyAbsent: false,
          unshareRequestId: 'e1-port-pipelines0001-unshare-account',
          failure: null,
        },
        {
          portfolioId: NETWORKING,
          target: { type: 'EXTERNAL_ACCOUNT', id: ACCOUNT },
          outcome: 'SUCCEEDED',
          alreadyAbsent: true,
          unshareRequestId: 'e1-port-networking0001-unshare-external-account',
          failure: null,
        },
      ],
      keptShares: plan.keptShares,
      failure: null,
      startedAt,
      endedAt: '2026-11-21T10:01:00.000Z',
    });
    expectValidEvent({ source: 'portfolio-share-orchestrator', 'detail-type': result.detailType, detail: result.detail });
  });

  it('fails the result when an unshare failed or its child execution could not run', () => {
    const result = summariseOnboarding({
      request: request('DEPARTED', 'LeaveOrganization'),
      startedAt,
      plan,
      removalRuns: [
        {
          removal: removal(PIPELINES, 'ACCOUNT'),
          unshareExecution: {
            result: {
              outcome: 'FAILED',
              alreadyAbsent: false,
              failure: { error: 'ServiceCatalog.InvalidParametersException', message: 'not found' },
            },
          },
        },
        { removal: removal(PARTNERS, 'ACCOUNT'), failure: { Error: 'States.TaskFailed', Cause: 'child failed' } },
      ],
    });

    expect(result.detailType).toBe('Account Offboarding Failed');
    expect(result.detail.removedShares.map((share) => [share.outcome, share.failure?.error])).toEqual([
      ['FAILED', 'ServiceCatalog.InvalidParametersException'],
      ['FAILED', 'States.TaskFailed'],
    ]);
  });

  it('adds the removed and rejected shares to the onboarding result of a member account', () => {
    const result = summariseOnboarding({
      request: request('MEMBER', 'MoveAccount'),
      startedAt,
      plan: { ...plan, organizationId: ORGANIZATION, parentPath: ['r-ab12', SANDBOX] },
      portfolioRuns: [],
      removalRuns: [
        {
          removal: removal(PIPELINES, 'ACCOUNT'),
          unshareExecution: { result: { outcome: 'SUCCEEDED', alreadyAbsent: false, failure: null } },
        },
      ],
      rejection: {
        rejectedShares: [
          { portfolioId: 'port-vendor000001', outcome: 'FAILED', failure: { error: 'InternalFailure', message: 'Internal' } },
        ],
      },
    });

    expect(result.detailType).toBe('Account Onboarding Failed');
    expect(result.detail).toMatchObject({
      organizationalUnitPath: ['r-ab12', SANDBOX],
      removedShares: [{ portfolioId: PIPELINES, outcome: 'SUCCEEDED' }],
      rejectedShares: [{ portfolioId: 'port-vendor000001', outcome: 'FAILED' }],
    });
    expectValidEvent({ source: 'portfolio-share-orchestrator', 'detail-type': result.detailType, detail: result.detail });
  });
});
