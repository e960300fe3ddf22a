// The fixture file format and the demo organization shipped for `npm start` / `npm run local:aws`.
import { describe, expect, it } from 'vitest';
import { startLocalAws } from '../src/endpoint.js';
import {
  DEMO_FIXTURE_PATH,
  FixtureError,
  type FixtureOrganizationalUnit,
  fixtureAccounts,
  loadFixture,
  parseFixture,
} from '../src/fixture.js';
import { testFixture } from './local-aws-harness.js';

describe('demo organization fixture', () => {
  it('has 3+ OUs two levels deep, 8+ accounts, and every member but one has the member role', async () => {
    const fixture = await loadFixture(DEMO_FIXTURE_PATH);
    const units: Array<{ unit: FixtureOrganizationalUnit; depth: number }> = [];
    const visit = (list: FixtureOrganizationalUnit[], depth: number) => {
      for (const unit of list) {
        units.push({ unit, depth });
        visit(unit.organizationalUnits, depth + 1);
      }
    };
    visit(fixture.organization.organizationalUnits, 1);
    expect(units.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...units.map(({ depth }) => depth))).toBeGreaterThanOrEqual(2);
    const members = fixtureAccounts(fixture).filter(
      (account) => account.id !== fixture.organization.managementAccount.id && !fixture.standaloneAccounts.includes(account),
    );
    expect(members.length).toBeGreaterThanOrEqual(8);
    expect(
      members.filter((account) => !account.roles.includes('PortfolioShareMemberRole-ShareAcceptance')).map((account) => account.name),
    ).toEqual(['sandbox-alice']);
    expect(fixture.organization.managementAccount.id).toBe('123456789012');
    const portfolios = fixture.serviceCatalog as Array<{ products: unknown[]; principals: unknown[] }>;
    expect(portfolios).toHaveLength(3);
    for (const portfolio of portfolios) {
      expect(portfolio.products.length).toBeGreaterThan(0);
      expect(portfolio.principals.length).toBeGreaterThan(0);
    }
  });

  it('starts the endpoint with the demo organization by default', async () => {
    const aws = await startLocalAws({ port: 0 });
    try {
      expect(aws.organization.organizationId).toBe('o-exampleorg1');
      expect(aws.eventBridge.bus('123456789012', 'us-east-1', 'portfolio-share-orchestrator')).toBeDefined();
      expect(aws.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await aws.close();
    }
  });
});

describe('fixture validation', () => {
  it('names the offending path', () => {
    const fixture = testFixture();
    const organization = fixture.organization as Record<string, unknown>;
    expect(() =>
      parseFixture({
        ...fixture,
        organization: { ...organization, managementAccount: { id: 123456789012, name: 'm', email: 'm@example.com' } },
      }),
    ).toThrow(/organization\.managementAccount\.id/);
    expect(() => parseFixture({ ...fixture, simulation: { faults: { 'not a selector': { rate: 1 } } } })).toThrow(FixtureError);
    expect(() => parseFixture({ ...fixture, unknownSection: true })).toThrow(/unknownSection/);
  });

  it('refuses duplicate accounts, reused keys and delegated administrators outside the organization', () => {
    const fixture = testFixture();
    const organization = fixture.organization as Record<string, unknown>;
    const duplicate = { id: '123456789012', name: 'again', email: 'again@example.com' };
    expect(() => parseFixture({ ...fixture, standaloneAccounts: [duplicate] })).toThrow(/123456789012 appears more than once/);
    const reusedKey = {
      id: '121212121212',
      name: 'k',
      email: 'k@example.com',
      accessKeys: [{ accessKeyId: 'test', secretAccessKey: 'x' }],
    };
    expect(() => parseFixture({ ...fixture, standaloneAccounts: [reusedKey] })).toThrow(/access key test/);
    expect(() =>
      parseFixture({
        ...fixture,
        organization: {
          ...organization,
          delegatedAdministrators: [{ accountId: '999988887777', servicePrincipal: 'servicecatalog.amazonaws.com' }],
        },
      }),
    ).toThrow(/not a member account/);
  });
});
