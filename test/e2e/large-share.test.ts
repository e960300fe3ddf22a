import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// Shares reaching 5,000 accounts where every account fails: the workflow keeps each outcome in the
// outcomes table, its state and its result event stay small (the local Step Functions holds every
// state and task result to AWS's 256 KiB), and GET returns all 5,000 outcomes. In one, the share
// itself fails in every account (Service Catalog groups ShareErrors by error and message); in the
// other, the share reaches every account and the member actions fail in each with a message naming it.
const ACCOUNTS = 5_000;
/** Of them, in an OU of the large one: enough for the member actions' failures, each its own message, to outgrow an event. */
const MEMBER_ACCOUNTS = 2_000;
const OU = 'ou-lg01-largeshare';
const MEMBERS_OU = 'ou-lg01-members001';
const PORTFOLIO = 'port-largeshare001';
const accountId = (index: number) => String(500_000_000_000 + index);
const accounts = Array.from({ length: ACCOUNTS }, (_, index) => accountId(index));

let e2e: E2eStack;
const account = (id: string) => ({ id, name: `large-${id}`, email: `large-${id}@example.com`, roles: [] });

beforeAll(async () => {
  const policyPath = join(tmpdir(), `pso-large-share-${process.pid}.yml`);
  writeFileSync(
    policyPath,
    `version: 1\nportfolios:\n  - portfolioId: ${PORTFOLIO}\n    associatePrincipals: [role/Developer]\n    targets: [{ type: ORGANIZATIONAL_UNIT, id: ${OU} }, { type: ORGANIZATIONAL_UNIT, id: ${MEMBERS_OU} }]\n`,
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
            accounts: accounts.slice(MEMBER_ACCOUNTS).map(account),
            organizationalUnits: [{ name: 'Members', id: MEMBERS_OU, accounts: accounts.slice(0, MEMBER_ACCOUNTS).map(account) }],
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

const expectBoundedFailure = async (requestId: string, error: string, count: number) => {
  const result = await e2e.resultOf(requestId, 120_000);

  expect(result['detail-type']).toBe('Portfolio Share Failed');
  expect(result.detail).toMatchObject({ outcome: 'FAILED', failedAccountCount: count, truncated: true, failure: null });
  expect(result.detail.failedAccounts).toHaveLength(100);
  expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(256 * 1024);
  expect(e2e.results('Portfolio Share Failed', requestId)).toHaveLength(1);

  const status = await e2e.http('GET', `/shares/${requestId}`);
  expect(status.status).toBe(200);
  expect(status.body.accounts).toHaveLength(count);
  expect(
    status.body.accounts.every((outcome: { outcome: string; error: string }) => outcome.outcome === 'FAILED' && outcome.error === error),
  ).toBe(true);
  return status.body.accounts as { accountId: string; message: string }[];
};

describe('a share that fails in each of 5,000 accounts', () => {
  it('ends in one result event under 256 KB when the share fails in every account, and GET returns every outcome', async () => {
    e2e.stack.aws.serviceCatalog.injectShareErrors({
      accounts,
      error: 'AccessDeniedException',
      message: "The account's service control policy denies the share",
    });
    const accepted = await e2e.http('POST', '/shares', {
      requestId: 'large-share-errors',
      portfolioId: PORTFOLIO,
      target: { type: 'ORGANIZATIONAL_UNIT', id: OU },
    });
    expect(accepted.status).toBe(202);

    await expectBoundedFailure('large-share-errors', 'AccessDeniedException', ACCOUNTS);
    await e2e.expectCleanEnd();
  }, 180_000);

  it('ends in one result event under 256 KB when member actions fail in each of 2,000 accounts, each message its own', async () => {
    e2e.stack.aws.serviceCatalog.clearShareErrors();
    const accepted = await e2e.http('POST', '/shares', {
      requestId: 'large-member-errors',
      portfolioId: PORTFOLIO,
      target: { type: 'ORGANIZATIONAL_UNIT', id: MEMBERS_OU },
    });
    expect(accepted.status).toBe(202);

    const outcomes = await expectBoundedFailure('large-member-errors', 'MemberRoleUnavailableError', MEMBER_ACCOUNTS);
    // No account has the member role: each failure names its own account's role.
    expect(new Set(outcomes.map((outcome) => outcome.message)).size).toBe(MEMBER_ACCOUNTS);
    expect(outcomes[MEMBER_ACCOUNTS - 1]?.message).toContain(accountId(MEMBER_ACCOUNTS - 1));
    await e2e.expectCleanEnd();
  }, 300_000);
});
