import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// A share reaching 5,000 accounts where every account fails, each with a message of its own: the
// workflow keeps each outcome in the outcomes table, its state and its result event stay small, and
// GET returns all 5,000 outcomes.
const ACCOUNTS = 5_000;
const OU = 'ou-lg01-largeshare';
const PORTFOLIO = 'port-largeshare001';
const accountId = (index: number) => String(500_000_000_000 + index);
const accounts = Array.from({ length: ACCOUNTS }, (_, index) => accountId(index));

let e2e: E2eStack;

beforeAll(async () => {
  const policyPath = join(tmpdir(), `pso-large-share-${process.pid}.yml`);
  writeFileSync(
    policyPath,
    `version: 1\nportfolios:\n  - portfolioId: ${PORTFOLIO}\n    associatePrincipals: [role/Developer]\n    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${OU} }]\n`,
  );
  e2e = await startE2eStack({
    fixture: {
      organization: {
        id: 'o-largeshare1',
        rootId: 'r-lg01',
        featureSet: 'ALL',
        managementAccount: { id: '123456789012', name: 'Management', email: 'management@example.com', roles: [] },
        enabledServicePrincipals: ['servicecatalog.amazonaws.com'],
        organizationalUnits: [
          {
            name: 'Large',
            id: OU,
            accounts: accounts.map((id, index) => ({ id, name: `large-${index}`, email: `large-${index}@example.com`, roles: [] })),
          },
        ],
      },
      serviceCatalog: [{ id: PORTFOLIO, name: 'Large', providerName: 'Platform team', products: [], principals: [] }],
    },
    environment: { SHARING_POLICY_PATH: policyPath },
  });
  e2e.stack.aws.knobs.reset();
}, 180_000);

afterAll(async () => {
  await e2e?.stack.close();
});

describe('a share that fails in each of 5,000 accounts', () => {
  it('ends in one result event under 256 KB, and GET returns every outcome', async () => {
    // One error entry per account, each naming it: nothing groups them.
    for (const id of accounts) {
      e2e.stack.aws.serviceCatalog.injectShareErrors({
        accounts: [id],
        error: 'AccessDeniedException',
        message: `Account ${id} does not accept shares from this organization node (its SCP denies servicecatalog:AcceptPortfolioShare for the share's principal)`,
      });
    }
    const accepted = await e2e.http('POST', '/shares', {
      requestId: 'large-1',
      portfolioId: PORTFOLIO,
      target: { type: 'ORGANIZATIONAL_UNIT', id: OU },
    });
    expect(accepted.status).toBe(202);

    const result = await e2e.resultOf('large-1', 120_000);

    expect(result['detail-type']).toBe('Portfolio Share Failed');
    expect(result.detail).toMatchObject({ outcome: 'FAILED', sharedAccountCount: 0, failedAccountCount: ACCOUNTS, truncated: true });
    expect(result.detail.failedAccounts).toHaveLength(100);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(256 * 1024);
    expect(e2e.results('Portfolio Share Failed', 'large-1')).toHaveLength(1);

    const status = await e2e.http('GET', '/shares/large-1');
    expect(status.status).toBe(200);
    expect(status.body.accounts).toHaveLength(ACCOUNTS);
    expect(status.body.accounts.every((outcome: { outcome: string }) => outcome.outcome === 'FAILED')).toBe(true);
    expect(status.body.accounts[ACCOUNTS - 1]).toMatchObject({ accountId: accountId(ACCOUNTS - 1), error: 'AccessDeniedException' });
    await e2e.expectCleanEnd();
  }, 180_000);
});
