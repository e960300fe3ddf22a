// The Service Catalog module behind the real endpoint: the real @aws-sdk/client-service-catalog (and
// the AWS CLI) over HTTP, member accounts reached through STS AssumeRole, outputs and errors checked
// against the botocore model.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AcceptPortfolioShareCommand,
  AssociatePrincipalWithPortfolioCommand,
  AssociateProductWithPortfolioCommand,
  CreatePortfolioCommand,
  CreatePortfolioShareCommand,
  CreateProductCommand,
  DeletePortfolioCommand,
  DeletePortfolioShareCommand,
  DescribePortfolioCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  DisableAWSOrganizationsAccessCommand,
  DisassociatePrincipalFromPortfolioCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ListAcceptedPortfolioSharesCommand,
  ListOrganizationPortfolioAccessCommand,
  ListPortfolioAccessCommand,
  ListPrincipalsForPortfolioCommand,
  ListRecordHistoryCommand,
  ProvisionProductCommand,
  paginateListPortfolios,
  RejectPortfolioShareCommand,
  SearchProvisionedProductsCommand,
  ServiceCatalogClient,
  UpdatePortfolioShareCommand,
  UpdateProvisionedProductPropertiesCommand,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AwsCredentials } from '../src/endpoint.js';
import { conformance, describeWithBotocore } from './botocore-model.js';
import {
  DELEGATED_ADMIN_KEY,
  expectAwsError,
  expectConforms,
  MANAGEMENT,
  MEMBER_ROLE,
  PARTNER,
  PARTNER_KEY,
  PROD_A,
  PROD_B,
  PRODUCTION_OU,
  SANDBOX_KEY,
  startTestEndpoint,
  type TestEndpoint,
  testFixture,
} from './local-aws-harness.js';

const run = promisify(execFile);
const PORTFOLIO = 'port-sdknetwork001';
const PRODUCT = 'prod-sdkstdvpc0001';

let endpoint: TestEndpoint;
let management: ServiceCatalogClient;
let memberCredentials: AwsCredentials;
const clients: ServiceCatalogClient[] = [];

function serviceCatalog(credentials?: AwsCredentials): ServiceCatalogClient {
  const client = new ServiceCatalogClient({ ...endpoint.aws.clientConfig(credentials), maxAttempts: 1 });
  clients.push(client);
  return client;
}

function conforms(operation: string, output: unknown): void {
  expectConforms(endpoint, 'servicecatalog', operation, output);
}

function scError(operation: string, name: string, message?: string | RegExp) {
  return { service: 'servicecatalog', operation, name, status: 400, ...(message === undefined ? {} : { message }) };
}

beforeAll(async () => {
  const fixture = testFixture();
  endpoint = await startTestEndpoint({
    fixture: {
      ...fixture,
      serviceCatalog: [
        {
          id: PORTFOLIO,
          name: 'Networking',
          providerName: 'Platform',
          products: [{ id: PRODUCT, name: 'Standard VPC', owner: 'Platform' }],
          principals: [{ type: 'IAM_PATTERN', arn: 'arn:aws:iam:::role/Developer*' }],
        },
      ],
      simulation: {
        ...(fixture.simulation as Record<string, unknown>),
        serviceCatalog: {
          tokenVisibilityDelayMs: 100,
          shareStartDelayMs: 100,
          sharePropagationBaseMs: 1000,
          sharePropagationPerAccountMs: 100,
        },
      },
    },
  });
  management = serviceCatalog();
  const assumed = await endpoint
    .sts()
    .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}`, RoleSessionName: 'portfolio-share' }));
  const credentials = assumed.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  memberCredentials = {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await endpoint?.close();
  expect(endpoint?.aws.internalErrors ?? []).toEqual([]);
});

describeWithBotocore('Service Catalog through the AWS SDK', () => {
  it('creates portfolios and products whose outputs conform to the model, timestamps as Dates', async () => {
    const created = await management.send(
      new CreatePortfolioCommand({
        DisplayName: 'Pipelines',
        ProviderName: 'DevEx',
        IdempotencyToken: 'sdk-portfolio',
        Tags: [{ Key: 'a', Value: 'b' }],
      }),
    );
    conforms('CreatePortfolio', created);
    expect(created.PortfolioDetail?.CreatedTime).toBeInstanceOf(Date);
    const product = await management.send(
      new CreateProductCommand({
        Name: 'Pipeline',
        Owner: 'DevEx',
        ProductType: 'CLOUD_FORMATION_TEMPLATE',
        ProvisioningArtifactParameters: { Name: 'v1', Info: { LoadTemplateFromURL: 'https://example.com/t.yaml' } },
        IdempotencyToken: 'sdk-product',
      }),
    );
    conforms('CreateProduct', product);
    const associated = await management.send(
      new AssociateProductWithPortfolioCommand({
        PortfolioId: created.PortfolioDetail?.Id,
        ProductId: product.ProductViewDetail?.ProductViewSummary?.ProductId,
      }),
    );
    conforms('AssociateProductWithPortfolio', associated);
    conforms('DescribePortfolio', await management.send(new DescribePortfolioCommand({ Id: created.PortfolioDetail?.Id })));

    const names: string[] = [];
    for await (const page of paginateListPortfolios({ client: management, pageSize: 1 }, {})) {
      conforms('ListPortfolios', page);
      names.push(...(page.PortfolioDetails ?? []).map((detail) => detail.DisplayName ?? ''));
    }
    expect(names).toEqual(['Networking', 'Pipelines']);
  });

  it('shares with an OU asynchronously; members see the import and act on it through an assumed role', async () => {
    const status = await management.send(new GetAWSOrganizationsAccessStatusCommand({}));
    conforms('GetAWSOrganizationsAccessStatus', status);
    expect(status.AccessStatus).toBe('ENABLED');

    const share = await management.send(
      new CreatePortfolioShareCommand({
        PortfolioId: PORTFOLIO,
        OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: PRODUCTION_OU },
        SharePrincipals: true,
      }),
    );
    conforms('CreatePortfolioShare', share);
    const token = share.PortfolioShareToken;
    await expectAwsError(
      management.send(new DescribePortfolioShareStatusCommand({ PortfolioShareToken: token })),
      scError('DescribePortfolioShareStatus', 'ResourceNotFoundException'),
    );
    await expectAwsError(
      management.send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: '999988887777' })),
      scError(
        'CreatePortfolioShare',
        'InvalidStateException',
        'Cannot process more than one portfolio share action at the same time. Try again later.',
      ),
    );
    endpoint.aws.clock.advance(150);
    const inProgress = await management.send(new DescribePortfolioShareStatusCommand({ PortfolioShareToken: token }));
    conforms('DescribePortfolioShareStatus', inProgress);
    expect(inProgress.Status).toBe('IN_PROGRESS');
    endpoint.aws.clock.advance(1200);
    const done = await management.send(new DescribePortfolioShareStatusCommand({ PortfolioShareToken: token }));
    conforms('DescribePortfolioShareStatus', done);
    expect(done).toMatchObject({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [PROD_A, PROD_B], ShareErrors: [] } });

    conforms(
      'DescribePortfolioShares',
      await management.send(new DescribePortfolioSharesCommand({ PortfolioId: PORTFOLIO, Type: 'ORGANIZATIONAL_UNIT' })),
    );
    conforms(
      'ListPortfolioAccess',
      await management.send(new ListPortfolioAccessCommand({ PortfolioId: PORTFOLIO, OrganizationParentId: PRODUCTION_OU })),
    );
    conforms(
      'ListOrganizationPortfolioAccess',
      await management.send(
        new ListOrganizationPortfolioAccessCommand({ PortfolioId: PORTFOLIO, OrganizationNodeType: 'ORGANIZATIONAL_UNIT' }),
      ),
    );

    const member = serviceCatalog(memberCredentials);
    const imported = await member.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'AWS_ORGANIZATIONS' }));
    conforms('ListAcceptedPortfolioShares', imported);
    expect(imported.PortfolioDetails?.map((detail) => detail.Id)).toEqual([PORTFOLIO]);
    await expectAwsError(
      member.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO })),
      scError('AcceptPortfolioShare', 'ResourceNotFoundException'),
    );
    await member.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_ORGANIZATIONS' }));
    await member.send(
      new AssociatePrincipalWithPortfolioCommand({
        PortfolioId: PORTFOLIO,
        PrincipalARN: `arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}`,
        PrincipalType: 'IAM',
      }),
    );
    const principals = await member.send(new ListPrincipalsForPortfolioCommand({ PortfolioId: PORTFOLIO }));
    conforms('ListPrincipalsForPortfolio', principals);
    expect(principals.Principals?.map((principal) => principal.PrincipalARN)).toEqual([
      `arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}`,
      'arn:aws:iam:::role/Developer*',
    ]);
  });

  it('provisions as the assumed role and hands ownership over with a record', async () => {
    const member = serviceCatalog(memberCredentials);
    const provisioned = await member.send(
      new ProvisionProductCommand({
        ProductId: PRODUCT,
        ProvisioningArtifactName: 'v1',
        ProvisionedProductName: 'sdk-vpc',
        ProvisionToken: 'sdk-vpc',
      }),
    );
    conforms('ProvisionProduct', provisioned);
    const ppId = provisioned.RecordDetail?.ProvisionedProductId;
    endpoint.aws.clock.advance(5000);
    conforms('DescribeProvisionedProduct', await member.send(new DescribeProvisionedProductCommand({ Id: ppId })));
    const search = await member.send(new SearchProvisionedProductsCommand({ AccessLevelFilter: { Key: 'Account', Value: 'self' } }));
    conforms('SearchProvisionedProducts', search);
    expect(search.ProvisionedProducts?.[0]?.UserArn).toBe(`arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}`);

    const update = await member.send(
      new UpdateProvisionedProductPropertiesCommand({
        ProvisionedProductId: ppId,
        ProvisionedProductProperties: { OWNER: `arn:aws:iam::${PROD_A}:role/DeveloperBob` },
        IdempotencyToken: 'sdk-handover',
      }),
    );
    conforms('UpdateProvisionedProductProperties', update);
    await expectAwsError(
      member.send(new DescribeRecordCommand({ Id: provisioned.RecordDetail?.RecordId })),
      scError('DescribeRecord', 'ResourceNotFoundException'),
    );
    const history = await member.send(new ListRecordHistoryCommand({}));
    conforms('ListRecordHistory', history);
    expect(history.RecordDetails?.map((record) => record.RecordType)).toEqual([
      'UPDATE_PROVISIONED_PRODUCT_PROPERTIES',
      'PROVISION_PRODUCT',
    ]);
  });

  it('answers modelled errors the SDK maps to its exception classes', async () => {
    await expectAwsError(
      management.send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: 'abc' })),
      scError('CreatePortfolioShare', 'ValidationException', /Member must satisfy regular expression pattern: \^\[0-9\]\{12\}\$/),
    );
    conforms(
      'GetAWSOrganizationsAccessStatus',
      await serviceCatalog(DELEGATED_ADMIN_KEY).send(new GetAWSOrganizationsAccessStatusCommand({})),
    );
    await expectAwsError(
      serviceCatalog(SANDBOX_KEY).send(new GetAWSOrganizationsAccessStatusCommand({})),
      scError('GetAWSOrganizationsAccessStatus', 'AccessDeniedException'),
    );
    await expectAwsError(
      serviceCatalog(DELEGATED_ADMIN_KEY).send(new EnableAWSOrganizationsAccessCommand({})),
      scError('EnableAWSOrganizationsAccess', 'AccessDeniedException'),
    );
    await expectAwsError(
      management.send(new DescribePortfolioCommand({ Id: 'port-doesnotexist1' })),
      scError('DescribePortfolio', 'ResourceNotFoundException'),
    );
    await expectAwsError(
      management.send(new DisableAWSOrganizationsAccessCommand({})),
      scError('DisableAWSOrganizationsAccess', 'InvalidStateException'),
    );
    conforms('EnableAWSOrganizationsAccess', await management.send(new EnableAWSOrganizationsAccessCommand({})));
  });

  it('runs the account-share life cycle and cleans up to a deletable portfolio', async () => {
    const created = await management.send(
      new CreatePortfolioCommand({ DisplayName: 'Temporary', ProviderName: 'Platform', IdempotencyToken: 'sdk-temporary' }),
    );
    const portfolioId = created.PortfolioDetail?.Id;
    conforms(
      'CreatePortfolioShare',
      await management.send(new CreatePortfolioShareCommand({ PortfolioId: portfolioId, AccountId: PARTNER })),
    );
    const partner = serviceCatalog(PARTNER_KEY);
    conforms('AcceptPortfolioShare', await partner.send(new AcceptPortfolioShareCommand({ PortfolioId: portfolioId })));
    const accountShareUpdate = await management.send(
      new UpdatePortfolioShareCommand({ PortfolioId: portfolioId, AccountId: PARTNER, ShareTagOptions: true }),
    );
    conforms('UpdatePortfolioShare', accountShareUpdate);
    expect(accountShareUpdate).toMatchObject({ PortfolioShareToken: expect.stringMatching(/^share-[a-z0-9]{13}$/), Status: 'COMPLETED' });
    conforms('RejectPortfolioShare', await partner.send(new RejectPortfolioShareCommand({ PortfolioId: portfolioId })));

    const ouNode = { Type: 'ORGANIZATIONAL_UNIT' as const, Value: PRODUCTION_OU };
    await management.send(new CreatePortfolioShareCommand({ PortfolioId: portfolioId, OrganizationNode: ouNode }));
    endpoint.aws.clock.advance(2000);
    const updated = await management.send(
      new UpdatePortfolioShareCommand({ PortfolioId: portfolioId, OrganizationNode: ouNode, SharePrincipals: true }),
    );
    conforms('UpdatePortfolioShare', updated);
    expect(updated.Status).toBe('NOT_STARTED');
    endpoint.aws.clock.advance(2000);
    const deleted = await management.send(new DeletePortfolioShareCommand({ PortfolioId: portfolioId, OrganizationNode: ouNode }));
    conforms('DeletePortfolioShare', deleted);
    endpoint.aws.clock.advance(2000);

    const principal = { PortfolioId: portfolioId, PrincipalARN: `arn:aws:iam::${MANAGEMENT}:role/Admin` };
    conforms(
      'AssociatePrincipalWithPortfolio',
      await management.send(new AssociatePrincipalWithPortfolioCommand({ ...principal, PrincipalType: 'IAM' })),
    );
    await expectAwsError(
      management.send(new DeletePortfolioCommand({ Id: portfolioId })),
      scError('DeletePortfolio', 'ResourceInUseException'),
    );
    conforms('DisassociatePrincipalFromPortfolio', await management.send(new DisassociatePrincipalFromPortfolioCommand(principal)));
    conforms('DeletePortfolio', await management.send(new DeletePortfolioCommand({ Id: portfolioId })));
    const serviceCatalogOperations = conformance.operations.filter((operation) => operation.startsWith('servicecatalog:'));
    expect(serviceCatalogOperations).toHaveLength(28);
  });

  it('works with the AWS CLI', { timeout: 20_000 }, async () => {
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: endpoint.aws.region,
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
    };
    const cli = (...args: string[]) =>
      run('aws', ['--endpoint-url', endpoint.aws.url, '--output', 'json', 'servicecatalog', ...args], { env });
    let output: string;
    try {
      output = (await cli('describe-portfolio', '--id', PORTFOLIO)).stdout;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return;
      throw error;
    }
    expect(JSON.parse(output)).toMatchObject({ PortfolioDetail: { Id: PORTFOLIO, DisplayName: 'Networking' } });
    const failure = await cli('describe-portfolio-share-status', '--portfolio-share-token', 'share-unknown000001').then(
      () => '',
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(failure).toMatch(/ResourceNotFoundException/);
  });
});
