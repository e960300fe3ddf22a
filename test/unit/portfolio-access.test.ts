import {
  DescribePortfolioSharesCommand,
  ListAcceptedPortfolioSharesCommand,
  ListOrganizationPortfolioAccessCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_PORTFOLIOS_SESSION_POLICY, listAccountPortfolios } from '../../src/access/account-portfolios.js';
import { memberServiceCatalog } from '../../src/aws/member-session.js';
import { describePortfolioShares, listOrganizationPortfolioAccess } from '../../src/catalog/portfolio-access.js';
import {
  MemberRoleDeniedError,
  MemberRoleUnavailableError,
  OrganizationAccessUnavailableError,
  PortfolioNotFoundError,
} from '../../src/errors.js';

const PORTFOLIO = 'port-cicdpipeline1';
const serviceCatalog = mockClient(ServiceCatalogClient);
const sts = mockClient(STSClient);
const client = () => new ServiceCatalogClient({});
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

beforeEach(() => {
  serviceCatalog.reset();
  sts.reset();
});

describe('organization access of a portfolio', () => {
  it('lists every node type over every page', async () => {
    serviceCatalog
      .on(ListOrganizationPortfolioAccessCommand, { OrganizationNodeType: 'ORGANIZATIONAL_UNIT', PageToken: undefined })
      .resolves({ OrganizationNodes: [{ Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-ex12-workload' }], NextPageToken: 'next' })
      .on(ListOrganizationPortfolioAccessCommand, { OrganizationNodeType: 'ORGANIZATIONAL_UNIT', PageToken: 'next' })
      .resolves({ OrganizationNodes: [{ Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-ex12-security' }] })
      .on(ListOrganizationPortfolioAccessCommand, { OrganizationNodeType: 'ACCOUNT' })
      .resolves({ OrganizationNodes: [{ Type: 'ACCOUNT', Value: '777777777777' }] })
      .on(ListOrganizationPortfolioAccessCommand, { OrganizationNodeType: 'ORGANIZATION' })
      .resolves({ OrganizationNodes: [] });

    const access = await listOrganizationPortfolioAccess(client(), PORTFOLIO, ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']);

    expect(access).toEqual({
      portfolioId: PORTFOLIO,
      types: ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'],
      organizationNodes: [
        { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' },
        { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-security' },
        { type: 'ACCOUNT', id: '777777777777' },
      ],
    });
    expect(serviceCatalog).toHaveReceivedCommandTimes(ListOrganizationPortfolioAccessCommand, 4);
    expect(serviceCatalog).toHaveReceivedCommandWith(ListOrganizationPortfolioAccessCommand, { PortfolioId: PORTFOLIO, PageSize: 20 });
  });

  it('asks only about the requested types', async () => {
    serviceCatalog.on(ListOrganizationPortfolioAccessCommand).resolves({ OrganizationNodes: [] });

    await listOrganizationPortfolioAccess(client(), PORTFOLIO, ['ACCOUNT']);

    expect(
      serviceCatalog.commandCalls(ListOrganizationPortfolioAccessCommand).map((call) => call.args[0].input.OrganizationNodeType),
    ).toEqual(['ACCOUNT']);
  });

  it('names an unknown portfolio, and says when Service Catalog will not list organization access', async () => {
    serviceCatalog.on(ListOrganizationPortfolioAccessCommand).rejectsOnce(awsError('ResourceNotFoundException'));
    await expect(listOrganizationPortfolioAccess(client(), 'port-unknown00001', ['ORGANIZATION'])).rejects.toThrow(
      new PortfolioNotFoundError('port-unknown00001'),
    );

    serviceCatalog
      .on(ListOrganizationPortfolioAccessCommand)
      .rejects(awsError('OperationNotSupportedException', 'Organizations access is disabled'));
    await expect(listOrganizationPortfolioAccess(client(), PORTFOLIO, ['ORGANIZATION'])).rejects.toBeInstanceOf(
      OrganizationAccessUnavailableError,
    );
  });
});

describe('shares of a portfolio', () => {
  it('describes every share type over every page, with the flags and the target to unshare it by', async () => {
    serviceCatalog
      .on(DescribePortfolioSharesCommand, { Type: 'ACCOUNT', PageToken: undefined })
      .resolves({
        PortfolioShareDetails: [
          { PrincipalId: '999988887777', Type: 'ACCOUNT', Accepted: false, ShareTagOptions: true, SharePrincipals: false },
        ],
        NextPageToken: 'p2',
      })
      .on(DescribePortfolioSharesCommand, { Type: 'ACCOUNT', PageToken: 'p2' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: '888877776666', Type: 'ACCOUNT', Accepted: true }] })
      .on(DescribePortfolioSharesCommand, { Type: 'ORGANIZATIONAL_UNIT' })
      .resolves({
        PortfolioShareDetails: [
          { PrincipalId: 'ou-ex12-workload', Type: 'ORGANIZATIONAL_UNIT', Accepted: true, SharePrincipals: true, ShareTagOptions: false },
        ],
      })
      .on(DescribePortfolioSharesCommand, { Type: 'ORGANIZATION_MEMBER_ACCOUNT' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: '777777777777', Type: 'ORGANIZATION_MEMBER_ACCOUNT', Accepted: true }] })
      .on(DescribePortfolioSharesCommand, { Type: 'ORGANIZATION' })
      .resolves({ PortfolioShareDetails: [] });

    const { shares } = await describePortfolioShares(client(), PORTFOLIO);

    expect(shares).toEqual([
      {
        type: 'ORGANIZATIONAL_UNIT',
        principalId: 'ou-ex12-workload',
        target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' },
        accepted: true,
        sharePrincipals: true,
        shareTagOptions: false,
      },
      {
        type: 'ORGANIZATION_MEMBER_ACCOUNT',
        principalId: '777777777777',
        target: { type: 'ACCOUNT', id: '777777777777' },
        accepted: true,
        sharePrincipals: false,
        shareTagOptions: false,
      },
      {
        type: 'ACCOUNT',
        principalId: '999988887777',
        target: { type: 'EXTERNAL_ACCOUNT', id: '999988887777' },
        accepted: false,
        sharePrincipals: false,
        shareTagOptions: true,
      },
      {
        type: 'ACCOUNT',
        principalId: '888877776666',
        target: { type: 'EXTERNAL_ACCOUNT', id: '888877776666' },
        accepted: true,
        sharePrincipals: false,
        shareTagOptions: false,
      },
    ]);
    expect(
      serviceCatalog
        .commandCalls(DescribePortfolioSharesCommand)
        .map((call) => call.args[0].input.Type)
        .sort(),
    ).toEqual(['ACCOUNT', 'ACCOUNT', 'ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ORGANIZATION_MEMBER_ACCOUNT']);
  });

  it('names an unknown portfolio', async () => {
    serviceCatalog.on(DescribePortfolioSharesCommand).rejects(awsError('ResourceNotFoundException'));
    await expect(describePortfolioShares(client(), 'port-unknown00001')).rejects.toThrow(
      'Portfolio port-unknown00001 was not found in the hub account',
    );
  });
});

describe('portfolios an account sees', () => {
  const credentials = {
    AccessKeyId: 'ASIAEXAMPLE',
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(Date.now() + 3_600_000),
  };
  const sessions = () =>
    memberServiceCatalog({
      sts: new STSClient({}),
      roleName: 'PortfolioShareMemberRole',
      sessionPolicy: ACCOUNT_PORTFOLIOS_SESSION_POLICY,
    });
  const dependencies = () => ({ memberServiceCatalog: sessions(), roleName: 'PortfolioShareMemberRole' });

  it('lists imported and organization shares over every page through the member role, one entry per portfolio', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    serviceCatalog
      .on(ListAcceptedPortfolioSharesCommand, { PortfolioShareType: 'AWS_ORGANIZATIONS', PageToken: undefined })
      .resolves({
        PortfolioDetails: [
          {
            Id: PORTFOLIO,
            DisplayName: 'Delivery pipelines',
            ProviderName: 'Developer experience',
            CreatedTime: new Date('2026-01-01T00:00:00Z'),
          },
        ],
        NextPageToken: 'p2',
      })
      .on(ListAcceptedPortfolioSharesCommand, { PortfolioShareType: 'AWS_ORGANIZATIONS', PageToken: 'p2' })
      .resolves({ PortfolioDetails: [{ Id: 'port-networkvpc001', DisplayName: 'Networking', ProviderName: 'Platform team' }] })
      .on(ListAcceptedPortfolioSharesCommand, { PortfolioShareType: 'IMPORTED' })
      .resolves({ PortfolioDetails: [{ Id: 'port-networkvpc001', DisplayName: 'Networking', ProviderName: 'Platform team' }] });

    const listing = await listAccountPortfolios('333333333333', dependencies());

    expect(listing.portfolios.map((portfolio) => [portfolio.id, portfolio.name, portfolio.provider, portfolio.sharedAs])).toEqual([
      ['port-networkvpc001', 'Networking', 'Platform team', ['IMPORTED', 'AWS_ORGANIZATIONS']],
      [PORTFOLIO, 'Delivery pipelines', 'Developer experience', ['AWS_ORGANIZATIONS']],
    ]);
    expect(listing.portfolios[1]?.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::333333333333:role/PortfolioShareMemberRole',
      Policy: ACCOUNT_PORTFOLIOS_SESSION_POLICY,
    });
    expect(JSON.parse(ACCOUNT_PORTFOLIOS_SESSION_POLICY).Statement).toEqual([
      { Effect: 'Allow', Action: 'servicecatalog:ListAcceptedPortfolioShares', Resource: '*' },
    ]);
  });

  it('names the member role when it cannot be assumed or does not allow the listing', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole'));
    await expect(listAccountPortfolios('777777777777', dependencies())).rejects.toThrow(
      new MemberRoleUnavailableError(
        '777777777777',
        'Cannot assume arn:aws:iam::777777777777:role/PortfolioShareMemberRole: not authorized to perform: sts:AssumeRole',
      ),
    );

    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    serviceCatalog.on(ListAcceptedPortfolioSharesCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const denied = listAccountPortfolios('333333333333', dependencies());
    await expect(denied).rejects.toBeInstanceOf(MemberRoleDeniedError);
    await expect(denied).rejects.toThrow(
      'PortfolioShareMemberRole in 333333333333 does not allow servicecatalog:ListAcceptedPortfolioShares',
    );
  });
});
