import { describe, expect, it } from 'vitest';
import {
  createHarness,
  createPortfolio,
  EXTERNAL,
  type Harness,
  MANAGEMENT,
  MEMBER_A,
  MEMBER_B,
  OU_WORKLOADS,
} from './service-catalog/fakes.js';

const PATTERN = 'arn:aws:iam:::role/Developer*';

async function sharedPortfolio(h: Harness, sharePrincipals: boolean): Promise<string> {
  const portfolioId = await createPortfolio(h.mgmt);
  await h.mgmt('AssociatePrincipalWithPortfolio', { PortfolioId: portfolioId, PrincipalARN: PATTERN, PrincipalType: 'IAM_PATTERN' });
  await h.mgmt('AssociatePrincipalWithPortfolio', {
    PortfolioId: portfolioId,
    PrincipalARN: `arn:aws:iam::${MANAGEMENT}:role/Admin`,
    PrincipalType: 'IAM',
  });
  await h.mgmt('CreatePortfolioShare', {
    PortfolioId: portfolioId,
    OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU_WORKLOADS },
    SharePrincipals: sharePrincipals,
  });
  h.clock.advance(1300);
  return portfolioId;
}

async function principalArns(h: Harness, accountId: string, portfolioId: string): Promise<string[]> {
  const output = await h.as(accountId)('ListPrincipalsForPortfolio', { PortfolioId: portfolioId });
  return (output.Principals as { PrincipalARN: string }[]).map((principal) => principal.PrincipalARN);
}

describe('principal associations', () => {
  it('shows the owner IAM_PATTERN principals in recipients only with SharePrincipals', async () => {
    const h = createHarness();
    const withSharing = await sharedPortfolio(h, true);
    expect(await principalArns(h, MEMBER_A, withSharing)).toEqual([PATTERN]);
    const without = await sharedPortfolio(h, false);
    expect(await principalArns(h, MEMBER_A, without)).toEqual([]);

    await h.mgmt('UpdatePortfolioShare', {
      PortfolioId: without,
      OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: OU_WORKLOADS },
      SharePrincipals: true,
    });
    h.clock.advance(1300);
    expect(await principalArns(h, MEMBER_B, without)).toEqual([PATTERN]);
  });

  it('lets a recipient associate an IAM principal of its own account with an imported portfolio', async () => {
    const h = createHarness();
    const portfolioId = await sharedPortfolio(h, false);
    const role = `arn:aws:iam::${MEMBER_A}:role/PlatformUser`;
    await h.as(MEMBER_A)('AssociatePrincipalWithPortfolio', { PortfolioId: portfolioId, PrincipalARN: role, PrincipalType: 'IAM' });
    await h.as(MEMBER_A)('AssociatePrincipalWithPortfolio', { PortfolioId: portfolioId, PrincipalARN: role, PrincipalType: 'IAM' });
    expect(await principalArns(h, MEMBER_A, portfolioId)).toEqual([role]);
    expect(await principalArns(h, MEMBER_B, portfolioId)).toEqual([]);
    expect(await principalArns(h, MANAGEMENT, portfolioId)).toEqual([PATTERN, `arn:aws:iam::${MANAGEMENT}:role/Admin`]);

    await expect(
      h.as(MEMBER_A)('AssociatePrincipalWithPortfolio', {
        PortfolioId: portfolioId,
        PrincipalARN: `arn:aws:iam::${MEMBER_B}:role/PlatformUser`,
        PrincipalType: 'IAM',
      }),
    ).rejects.toMatchObject({ code: 'InvalidParametersException' });
    await expect(
      h.as(MEMBER_A)('AssociatePrincipalWithPortfolio', { PortfolioId: portfolioId, PrincipalARN: role, PrincipalType: 'IAM_PATTERN' }),
    ).rejects.toMatchObject({ code: 'InvalidParametersException' });
    await expect(
      h.as(EXTERNAL)('AssociatePrincipalWithPortfolio', {
        PortfolioId: portfolioId,
        PrincipalARN: `arn:aws:iam::${EXTERNAL}:role/X`,
        PrincipalType: 'IAM',
      }),
    ).rejects.toMatchObject({ code: 'ResourceNotFoundException' });

    await expect(
      h.as(MEMBER_A)('DisassociatePrincipalFromPortfolio', { PortfolioId: portfolioId, PrincipalARN: role, PrincipalType: 'IAM_PATTERN' }),
    ).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    await h.as(MEMBER_A)('DisassociatePrincipalFromPortfolio', { PortfolioId: portfolioId, PrincipalARN: role });
    await expect(
      h.as(MEMBER_A)('DisassociatePrincipalFromPortfolio', { PortfolioId: portfolioId, PrincipalARN: role }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });

  it('takes at most 10 IAM_PATTERN principals on a portfolio, as AWS does', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    const associate = (arn: string, type: 'IAM' | 'IAM_PATTERN') =>
      h.mgmt('AssociatePrincipalWithPortfolio', { PortfolioId: portfolioId, PrincipalARN: arn, PrincipalType: type });
    for (let i = 0; i < 10; i += 1) await associate(`arn:aws:iam:::role/Team${i}*`, 'IAM_PATTERN');
    await expect(associate('arn:aws:iam:::role/Team10*', 'IAM_PATTERN')).rejects.toMatchObject({
      code: 'LimitExceededException',
      message: `Portfolio ${portfolioId} already has 10 principals of type IAM_PATTERN, the most a portfolio can have.`,
    });
    // Associating one of the ten again changes nothing; IAM principals do not count.
    await associate('arn:aws:iam:::role/Team0*', 'IAM_PATTERN');
    await associate(`arn:aws:iam::${MANAGEMENT}:role/Admin`, 'IAM');
    expect(await principalArns(h, MANAGEMENT, portfolioId)).toHaveLength(11);

    await h.mgmt('DisassociatePrincipalFromPortfolio', { PortfolioId: portfolioId, PrincipalARN: 'arn:aws:iam:::role/Team0*' });
    await associate('arn:aws:iam:::role/Team10*', 'IAM_PATTERN');
  });

  it('refuses a fixture portfolio with more than 10 IAM_PATTERN principals', () => {
    const principals = Array.from({ length: 11 }, (_, i) => ({ type: 'IAM_PATTERN', arn: `arn:aws:iam:::role/Team${i}*` }));
    expect(() => createHarness({ fixture: [{ name: 'Crowded', providerName: 'Platform', principals }] })).toThrow(
      /Crowded\): at most 10 principals of type IAM_PATTERN/,
    );
  });

  it('paginates ListPrincipalsForPortfolio with PageSize at most 20', async () => {
    const h = createHarness();
    const portfolioId = await createPortfolio(h.mgmt);
    for (let i = 0; i < 3; i += 1) {
      await h.mgmt('AssociatePrincipalWithPortfolio', {
        PortfolioId: portfolioId,
        PrincipalARN: `arn:aws:iam::${MANAGEMENT}:role/Role${i}`,
        PrincipalType: 'IAM',
      });
    }
    const first = await h.mgmt('ListPrincipalsForPortfolio', { PortfolioId: portfolioId, PageSize: 2 });
    expect(first.Principals).toHaveLength(2);
    const second = await h.mgmt('ListPrincipalsForPortfolio', { PortfolioId: portfolioId, PageSize: 2, PageToken: first.NextPageToken });
    expect(second).toEqual({ Principals: [{ PrincipalARN: `arn:aws:iam::${MANAGEMENT}:role/Role2`, PrincipalType: 'IAM' }] });
    await expect(h.mgmt('ListPrincipalsForPortfolio', { PortfolioId: portfolioId, PageSize: 21 })).rejects.toMatchObject({
      code: 'ValidationException',
      message: expect.stringContaining('Member must have value less than or equal to 20'),
    });
  });
});
