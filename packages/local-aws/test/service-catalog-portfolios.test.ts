import { describe, expect, it } from 'vitest';
import { ServiceCatalogConfigError } from '../src/service-catalog/index.js';
import { createHarness, createPortfolio, EXTERNAL, MANAGEMENT, MEMBER_A, token } from './service-catalog/fakes.js';

describe('portfolios', () => {
  it('creates, describes, lists and deletes a portfolio with AWS-shaped ids and epoch-second timestamps', async () => {
    const h = createHarness();
    const created = await h.mgmt('CreatePortfolio', {
      DisplayName: 'Networking',
      ProviderName: 'Platform',
      Description: 'Approved VPCs',
      Tags: [{ Key: 'team', Value: 'platform' }],
      IdempotencyToken: token(),
    });
    const detail = created.PortfolioDetail as Record<string, unknown>;
    expect(detail).toEqual({
      Id: expect.stringMatching(/^port-[a-z0-9]{13}$/),
      ARN: `arn:aws:catalog:us-east-1:${MANAGEMENT}:portfolio/${String(detail.Id)}`,
      DisplayName: 'Networking',
      Description: 'Approved VPCs',
      CreatedTime: h.clock.now() / 1000,
      ProviderName: 'Platform',
    });
    expect(created.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);

    const described = await h.mgmt('DescribePortfolio', { Id: detail.Id, AcceptLanguage: 'jp' });
    expect(described).toEqual({ PortfolioDetail: detail, Tags: [{ Key: 'team', Value: 'platform' }], TagOptions: [], Budgets: [] });
    expect(await h.mgmt('ListPortfolios')).toEqual({ PortfolioDetails: [detail] });
    expect(await h.as(MEMBER_A)('ListPortfolios')).toEqual({ PortfolioDetails: [] });
    await expect(h.as(MEMBER_A)('DescribePortfolio', { Id: detail.Id })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    await expect(h.as(MEMBER_A)('DeletePortfolio', { Id: detail.Id })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });

    expect(await h.mgmt('DeletePortfolio', { Id: detail.Id })).toEqual({});
    await expect(h.mgmt('DescribePortfolio', { Id: detail.Id })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
  });

  it('returns the same portfolio for a repeated idempotency token', async () => {
    const h = createHarness();
    const input = { DisplayName: 'Networking', ProviderName: 'Platform', IdempotencyToken: 'same-token' };
    const first = await h.mgmt('CreatePortfolio', input);
    expect(await h.mgmt('CreatePortfolio', input)).toEqual(first);
    expect((await h.mgmt('ListPortfolios')).PortfolioDetails).toHaveLength(1);
  });

  it('refuses to delete a portfolio that still has products, principals or shares', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    await h.mgmt('CreatePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL });
    await expect(h.mgmt('DeletePortfolio', { Id: portfolioId })).rejects.toMatchObject({ code: 'ResourceInUseException' });
    await h.mgmt('DeletePortfolioShare', { PortfolioId: portfolioId, AccountId: EXTERNAL });
    await h.mgmt('AssociatePrincipalWithPortfolio', {
      PortfolioId: portfolioId,
      PrincipalARN: 'arn:aws:iam:::role/Developer*',
      PrincipalType: 'IAM_PATTERN',
    });
    await expect(h.mgmt('DeletePortfolio', { Id: portfolioId })).rejects.toMatchObject({ code: 'ResourceInUseException' });
    await h.mgmt('DisassociatePrincipalFromPortfolio', { PortfolioId: portfolioId, PrincipalARN: 'arn:aws:iam:::role/Developer*' });
    await h.mgmt('DeletePortfolio', { Id: portfolioId });
  });

  it('paginates ListPortfolios', async () => {
    const h = createHarness();
    for (let i = 0; i < 5; i += 1) await createPortfolio(h.mgmt, `Portfolio ${i}`);
    const names: string[] = [];
    let pageToken: unknown;
    let pages = 0;
    do {
      const page = await h.mgmt('ListPortfolios', pageToken ? { PageSize: 2, PageToken: pageToken } : { PageSize: 2 });
      names.push(...(page.PortfolioDetails as { DisplayName: string }[]).map((detail) => detail.DisplayName));
      pageToken = page.NextPageToken;
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(names).toEqual(['Portfolio 0', 'Portfolio 1', 'Portfolio 2', 'Portfolio 3', 'Portfolio 4']);
    expect((await h.mgmt('ListPortfolios', { PageSize: 0 })).PortfolioDetails).toHaveLength(5);
    await expect(h.mgmt('ListPortfolios', { PageToken: 'not-a-token' })).rejects.toMatchObject({ code: 'InvalidParametersException' });
  });

  it('enforces the portfolios-per-account quota', async () => {
    const h = createHarness({ knobs: { quotas: { portfoliosPerAccount: 2 } } });
    await createPortfolio(h.mgmt, 'One');
    await createPortfolio(h.mgmt, 'Two');
    await expect(createPortfolio(h.mgmt, 'Three')).rejects.toMatchObject({ code: 'LimitExceededException' });
    h.sc.setKnobs({ quotas: { portfoliosPerAccount: 3 } });
    await createPortfolio(h.mgmt, 'Three');
  });

  it('validates input against the model and AcceptLanguage against en, jp and zh', async () => {
    const h = createHarness();
    await expect(h.mgmt('CreatePortfolio', { ProviderName: 'Platform', IdempotencyToken: token() })).rejects.toMatchObject({
      code: 'ValidationException',
      message: "1 validation error detected: Value null at 'displayName' failed to satisfy constraint: Member must not be null",
    });
    await expect(
      h.mgmt('CreatePortfolio', { DisplayName: 'x'.repeat(101), ProviderName: '', IdempotencyToken: token() }),
    ).rejects.toMatchObject({
      code: 'ValidationException',
      message: expect.stringMatching(
        /^2 validation errors detected: .*displayName.*less than or equal to 100; .*providerName.*greater than or equal to 1$/,
      ),
    });
    await expect(h.mgmt('CreatePortfolio', { DisplayName: 42, ProviderName: 'p', IdempotencyToken: token() })).rejects.toMatchObject({
      code: 'SerializationException',
    });
    await expect(h.mgmt('ListPortfolios', { AcceptLanguage: 'fr' })).rejects.toMatchObject({ code: 'InvalidParametersException' });
    await expect(h.mgmt('ListTagOptions', {})).rejects.toMatchObject({ code: 'UnknownOperationException' });
    await expect(
      h.mgmt('CreatePortfolio', { DisplayName: 'n', ProviderName: 'p', IdempotencyToken: token(), Tags: [{ Key: 'k' }] }),
    ).rejects.toMatchObject({ message: expect.stringContaining("at 'tags.1.member.value'") });
  });
});

describe('products', () => {
  it('creates a product with a provisioning artifact and associates it with a portfolio', async () => {
    const h = createHarness();
    const output = await h.mgmt('CreateProduct', {
      Name: 'Standard VPC',
      Owner: 'Platform',
      ProductType: 'CLOUD_FORMATION_TEMPLATE',
      ProvisioningArtifactParameters: { Name: 'v1', Info: { LoadTemplateFromURL: 'https://example.com/vpc.yaml' } },
      IdempotencyToken: token(),
    });
    const view = output.ProductViewDetail as { ProductViewSummary: { ProductId: string; Id: string }; ProductARN: string; Status: string };
    expect(view.ProductViewSummary.ProductId).toMatch(/^prod-[a-z0-9]{13}$/);
    expect(view.ProductViewSummary.Id).toMatch(/^prodview-[a-z0-9]{13}$/);
    expect(view.ProductARN).toBe(`arn:aws:catalog:us-east-1:${MANAGEMENT}:product/${view.ProductViewSummary.ProductId}`);
    expect(view.Status).toBe('AVAILABLE');
    expect(output.ProvisioningArtifactDetail).toMatchObject({ Id: expect.stringMatching(/^pa-[a-z0-9]{13}$/), Name: 'v1', Active: true });

    const portfolioId = await createPortfolio(h.mgmt);
    const productId = view.ProductViewSummary.ProductId;
    expect(await h.mgmt('AssociateProductWithPortfolio', { PortfolioId: portfolioId, ProductId: productId })).toEqual({});
    await h.mgmt('AssociateProductWithPortfolio', { PortfolioId: portfolioId, ProductId: productId });
    await expect(
      h.mgmt('AssociateProductWithPortfolio', { PortfolioId: portfolioId, ProductId: 'prod-aaaaaaaaaaaaa' }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(h.mgmt('DeletePortfolio', { Id: portfolioId })).rejects.toMatchObject({ code: 'ResourceInUseException' });
    await expect(h.mgmt('CreateProduct', { Name: 'x', Owner: 'y', ProductType: 'HELM', IdempotencyToken: token() })).rejects.toMatchObject({
      code: 'ValidationException',
      message: expect.stringContaining('Member must satisfy enum value set'),
    });
  });

  it("adds another account's product only from a portfolio that shared it", async () => {
    const h = createHarness();
    const product = await h.mgmt('CreateProduct', {
      Name: 'VPC',
      Owner: 'Platform',
      ProductType: 'CLOUD_FORMATION_TEMPLATE',
      IdempotencyToken: token(),
    });
    const productId = (product.ProductViewDetail as { ProductViewSummary: { ProductId: string } }).ProductViewSummary.ProductId;
    const hub = await createPortfolio(h.mgmt);
    await h.mgmt('AssociateProductWithPortfolio', { PortfolioId: hub, ProductId: productId });
    await h.mgmt('CreatePortfolioShare', { PortfolioId: hub, AccountId: EXTERNAL });
    await h.as(EXTERNAL)('AcceptPortfolioShare', { PortfolioId: hub });

    const local = await createPortfolio(h.as(EXTERNAL), 'Local copy');
    await expect(h.as(EXTERNAL)('AssociateProductWithPortfolio', { PortfolioId: local, ProductId: productId })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await h.as(EXTERNAL)('AssociateProductWithPortfolio', { PortfolioId: local, ProductId: productId, SourcePortfolioId: hub });
  });
});

describe('fixture and stats', () => {
  it('loads portfolios, products, principals and TagOptions from the fixture', async () => {
    const h = createHarness({
      fixture: [
        {
          id: 'port-fixture000001',
          name: 'Networking',
          providerName: 'Platform',
          products: [{ id: 'prod-fixture000001', name: 'Standard VPC', owner: 'Platform' }],
          principals: [
            { type: 'IAM_PATTERN', arn: 'arn:aws:iam:::role/Developer*' },
            { type: 'IAM', arn: `arn:aws:iam::${MANAGEMENT}:role/Admin` },
          ],
          tagOptions: [{ key: 'cost-center', value: '1234' }],
        },
        { name: 'Data', providerName: 'Data team', ownerAccountId: MEMBER_A },
      ],
    });
    const described = await h.mgmt('DescribePortfolio', { Id: 'port-fixture000001' });
    expect(described.TagOptions).toEqual([
      { Key: 'cost-center', Value: '1234', Active: true, Id: expect.stringMatching(/^tag-[a-z0-9]{13}$/), Owner: MANAGEMENT },
    ]);
    const principals = await h.mgmt('ListPrincipalsForPortfolio', { PortfolioId: 'port-fixture000001' });
    expect(principals.Principals).toEqual([
      { PrincipalARN: 'arn:aws:iam:::role/Developer*', PrincipalType: 'IAM_PATTERN' },
      { PrincipalARN: `arn:aws:iam::${MANAGEMENT}:role/Admin`, PrincipalType: 'IAM' },
    ]);
    expect((await h.as(MEMBER_A)('ListPortfolios')).PortfolioDetails).toMatchObject([{ DisplayName: 'Data' }]);
  });

  it('refuses a fixture that does not match the format, naming the problem', () => {
    expect(() => createHarness({ fixture: [{ name: 'No provider' }] })).toThrow(ServiceCatalogConfigError);
    expect(() =>
      createHarness({
        fixture: [{ name: 'n', providerName: 'p', principals: [{ type: 'IAM', arn: 'arn:aws:iam::999999999999:role/X' }] }],
      }),
    ).toThrow(/must belong to account 111111111111/);
    expect(() => createHarness({ knobs: { sharePropagationBaseMs: -1 } })).toThrow(/sharePropagationBaseMs/);
    expect(() => createHarness({ knobs: { unknownKnob: 1 } })).toThrow(ServiceCatalogConfigError);
  });

  it('counts calls and errors per operation', async () => {
    const h = createHarness();
    await createPortfolio(h.mgmt);
    await h.mgmt('ListPortfolios');
    await expect(h.mgmt('DescribePortfolio', { Id: 'port-missing000001' })).rejects.toThrow();
    expect(h.sc.stats).toEqual({
      calls: { CreatePortfolio: 1, ListPortfolios: 1, DescribePortfolio: 1 },
      errors: { DescribePortfolio: { ResourceNotFoundException: 1 } },
    });
    h.sc.resetStats();
    expect(h.sc.stats).toEqual({ calls: {}, errors: {} });
  });
});
