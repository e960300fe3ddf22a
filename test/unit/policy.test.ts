import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entitlementsFor, outsideOrganization } from '../../src/policy/entitlements.js';
import { parsePolicy } from '../../src/policy/load-policy.js';

const policy = parsePolicy(`
version: 1
portfolios:
  - portfolioId: port-networking0001
    associatePrincipals: [role/NetworkAdmin]
    targets:
      - { type: ORGANIZATION, id: o-a1b2c3d4e5 }
  - portfolioId: port-workloads00001
    targets:
      - { type: ORGANIZATIONAL_UNIT, id: ou-ab12-workload }
      - { type: ACCOUNT, id: '210987654321' }
  - portfolioId: port-sandbox000001
    targets:
      - { type: ORGANIZATIONAL_UNIT, id: ou-ab12-sandbox1 }
`);

describe('sharing policy', () => {
  it('applies defaults', () => {
    expect(policy.settings).toEqual({
      memberRoleName: 'PortfolioShareMemberRole',
      allowEnableOrganizationsAccess: false,
      rejectUnentitledShares: false,
    });
    expect(policy.portfolios[1]).toMatchObject({ sharePrincipals: false, shareTagOptions: false, associatePrincipals: [], prune: false });
  });

  it('names the offending field of an invalid policy', () => {
    expect(() =>
      parsePolicy(`
version: 1
portfolios:
  - portfolioId: port-networking0001
    targets: [{ type: ACCOUNT, id: '1234' }]
`),
    ).toThrow(/portfolios\[0\]\.targets\[0\]\.id: must be a 12-digit AWS account id/);
    expect(() =>
      parsePolicy(
        'version: 1\nportfolios:\n  - portfolioId: port-a\n    targets: [{ type: ORGANIZATION, id: o-a1b2c3d4e5 }]\n  - portfolioId: port-a\n    targets: [{ type: ORGANIZATION, id: o-a1b2c3d4e5 }]\n',
      ),
    ).toThrow(/portfolios\[1\]\.portfolioId: port-a is listed more than once/);
    expect(() => parsePolicy('version: 2\nportfolios: []')).toThrow(/version/);
  });

  it('entitles accounts through nested OUs, and prefers the most specific target', () => {
    const nested = entitlementsFor(policy, {
      accountId: '210987654399',
      organizationId: 'o-a1b2c3d4e5',
      parentPath: ['r-ab12', 'ou-ab12-workload', 'ou-ab12-prod0001', 'ou-ab12-team0001'],
    });
    expect(nested.map((entitlement) => [entitlement.portfolio.portfolioId, entitlement.entitledBy])).toEqual([
      ['port-networking0001', { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }],
      ['port-workloads00001', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-workload' }],
    ]);
    const named = entitlementsFor(policy, {
      accountId: '210987654321',
      organizationId: 'o-a1b2c3d4e5',
      parentPath: ['r-ab12', 'ou-ab12-workload'],
    });
    expect(named[1]?.entitledBy).toEqual({ type: 'ACCOUNT', id: '210987654321' });
  });

  it('entitles nothing outside the organization and its OUs', () => {
    expect(
      entitlementsFor(policy, { accountId: '210987654321', organizationId: 'o-zzzzzzzzzz', parentPath: ['r-zz99'] }).map(
        (e) => e.portfolio.portfolioId,
      ),
    ).toEqual(['port-workloads00001']);
  });

  it('entitles an account outside the organization only through EXTERNAL_ACCOUNT targets naming it', () => {
    const external = parsePolicy(`
version: 1
portfolios:
  - portfolioId: port-workloads00001
    targets: [{ type: ACCOUNT, id: '210987654321' }]
  - portfolioId: port-partners00001
    targets: [{ type: EXTERNAL_ACCOUNT, id: '210987654321' }]
  - portfolioId: port-networking0001
    targets: [{ type: ORGANIZATION, id: o-a1b2c3d4e5 }]
`);
    expect(entitlementsFor(external, outsideOrganization('210987654321'))).toEqual([
      {
        portfolio: expect.objectContaining({ portfolioId: 'port-partners00001' }),
        entitledBy: { type: 'EXTERNAL_ACCOUNT', id: '210987654321' },
      },
    ]);
  });

  it('ships a policy file that validates', () => {
    expect(() => parsePolicy(readFileSync('config/sharing-policy.yml', 'utf8'))).not.toThrow();
  });
});
