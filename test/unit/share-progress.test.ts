import { describe, expect, it } from 'vitest';
import { classifyShareStatus } from '../../src/catalog/share-status.js';
import type { AccountOutcome } from '../../src/contracts/outcomes.js';
import type { AuthorizedShare } from '../../src/contracts/share.js';
import { evaluateShare, INITIAL_PROGRESS, MAX_RESHARE_ROUNDS, MEMBER_BATCH_SIZE } from '../../src/share/share-progress.js';
import { summariseShare } from '../../src/share/share-result.js';
import {
  DONE_ACCOUNTS_LISTED,
  FAILED_ACCOUNTS_LISTED,
  outcomesKey,
  readBatch,
  recordAccountOutcomes,
  recordBatches,
} from '../../src/workflow/account-outcomes.js';
import { cutToJsonBytes } from '../../src/workflow/result-event.js';
import { useOutcomesTable } from '../support/outcomes-table.js';

const { store, shareOutcomes } = useOutcomesTable();
const KEY = outcomesKey('share', 'req-1');
const AT = new Date('2026-11-21T10:05:00.000Z');

const request: AuthorizedShare = {
  requestId: 'req-1',
  portfolioId: 'port-abcd1234efgh5',
  target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' },
  requestedBy: { type: 'event', accountId: '123456789012', source: 'portfolio-share-orchestrator', eventId: 'e-1' },
  sharePrincipals: true,
  shareTagOptions: false,
  allowEnableOrganizationsAccess: false,
  memberActions: { accept: false, iamPrincipals: [] },
  warnings: [],
};
const withPrincipals = { ...request, memberActions: { accept: false, iamPrincipals: ['role/Dev'] } };
const accounts = (count: number, from = 300_000_000_000) => Array.from({ length: count }, (_, i) => String(from + i));

describe('share status classification', () => {
  it('sorts each kind of ShareErrors entry', () => {
    const classified = classifyShareStatus({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: {
        SuccessfulShares: ['111111111111'],
        ShareErrors: [
          { Accounts: ['222222222222'], Error: 'DuplicateResourceException', Message: 'exists' },
          { Accounts: ['333333333333'], Error: 'ThrottlingException', Message: 'Rate exceeded' },
          { Accounts: ['444444444444'], Error: 'InvalidParametersException', Message: 'bad account' },
        ],
      },
    });
    expect(classified.shared).toEqual(['111111111111', '222222222222']);
    expect([...classified.throttled.keys()]).toEqual(['333333333333']);
    expect(classified.failed).toEqual([{ accountId: '444444444444', error: 'InvalidParametersException', message: 'bad account' }]);
    expect(classified.failure).toBeNull();
  });
});

describe('share evaluation', () => {
  it('asks for a re-share of throttled accounts, then records them failed after the bound', async () => {
    const throttled = {
      Status: 'COMPLETED_WITH_ERRORS' as const,
      ShareDetails: { SuccessfulShares: ['111111111111'], ShareErrors: [{ Accounts: ['333333333333'], Error: 'ThrottlingException' }] },
    };
    let progress = await evaluateShare({ request, progress: INITIAL_PROGRESS, status: throttled }, store, AT);
    expect(progress).toMatchObject({ next: 'RESHARE', round: 1, retryAccounts: ['333333333333'] });
    const reshared = {
      Status: 'ERROR' as const,
      ShareDetails: { ShareErrors: [{ Accounts: ['333333333333'], Error: 'ThrottlingException' }] },
    };
    for (let round = 1; round < MAX_RESHARE_ROUNDS; round++) {
      progress = await evaluateShare({ request, progress, reshares: [{ accountId: '333333333333', status: reshared }] }, store, AT);
      expect(progress.next).toBe('RESHARE');
    }
    progress = await evaluateShare({ request, progress, reshares: [{ accountId: '333333333333', status: reshared }] }, store, AT);
    expect(progress.next).toBe('SUMMARISE');
    expect(await shareOutcomes('req-1')).toEqual([
      { accountId: '111111111111', outcome: 'SHARED' },
      {
        accountId: '333333333333',
        outcome: 'FAILED',
        error: 'ThrottlingException',
        message: `Throttled (still throttled after ${MAX_RESHARE_ROUNDS} re-shares)`,
      },
    ]);
  });

  it('records an account shared on a re-share as shared, whatever it met before', async () => {
    const throttled = {
      Status: 'COMPLETED_WITH_ERRORS' as const,
      ShareDetails: { ShareErrors: [{ Accounts: ['333333333333'], Error: 'ThrottlingException' }] },
    };
    const progress = await evaluateShare({ request, progress: INITIAL_PROGRESS, status: throttled }, store, AT);
    const done = { Status: 'COMPLETED' as const, ShareDetails: { SuccessfulShares: ['333333333333'] } };
    expect(await evaluateShare({ request, progress, reshares: [{ accountId: '333333333333', status: done }] }, store, AT)).toMatchObject({
      next: 'SUMMARISE',
      retryAccounts: [],
    });
    expect(await shareOutcomes('req-1')).toEqual([{ accountId: '333333333333', outcome: 'SHARED' }]);
  });

  it('batches shared accounts for member actions only when there are some to do, keeping the accounts in the table', async () => {
    const shared = accounts(250);
    const status = { Status: 'COMPLETED' as const, ShareDetails: { SuccessfulShares: shared } };
    expect((await evaluateShare({ request, progress: INITIAL_PROGRESS, status }, store, AT)).next).toBe('SUMMARISE');
    const progress = await evaluateShare({ request: withPrincipals, progress: INITIAL_PROGRESS, status }, store, AT);
    expect(progress).toMatchObject({ next: 'MEMBER_ACTIONS', memberBatches: [0, 1, 2] });
    const batches = await Promise.all(progress.memberBatches.map((batch) => readBatch(store, KEY, batch)));
    expect(batches.map((batch) => batch.length)).toEqual([MEMBER_BATCH_SIZE, MEMBER_BATCH_SIZE, 50]);
    expect(batches.flat().sort()).toEqual(shared);
  });

  it('keeps the workflow state small however many accounts the share reaches', async () => {
    const failedAll = {
      Status: 'COMPLETED_WITH_ERRORS' as const,
      ShareDetails: { ShareErrors: [{ Accounts: accounts(5_000), Error: 'AccessDeniedException', Message: 'x'.repeat(200) }] },
    };
    const progress = await evaluateShare({ request: withPrincipals, progress: INITIAL_PROGRESS, status: failedAll }, store, AT);
    expect(JSON.stringify(progress).length).toBeLessThan(200);
    expect(await shareOutcomes('req-1')).toHaveLength(5_000);
  });
});

describe('share summary', () => {
  const base = { request, startedAt: '2026-11-21T10:00:00.000Z', shareToken: 'share-1', progress: INITIAL_PROGRESS };
  const failedOutcome = (accountId: string): AccountOutcome => ({
    accountId,
    outcome: 'FAILED',
    error: 'AccessDeniedException',
    message: 'no',
  });

  it('decides Succeeded, Partially Succeeded and Failed from the accounts in the table', async () => {
    await recordAccountOutcomes(store, KEY, [{ accountId: '111111111111', outcome: 'SHARED' }], AT);
    expect((await summariseShare(base, store, AT)).detailType).toBe('Portfolio Share Succeeded');
    await recordAccountOutcomes(store, KEY, [failedOutcome('222222222222')], AT);
    expect((await summariseShare(base, store, AT)).detailType).toBe('Portfolio Share Partially Succeeded');
    await recordAccountOutcomes(store, KEY, [failedOutcome('111111111111')], AT);
    expect((await summariseShare(base, store, AT)).detailType).toBe('Portfolio Share Failed');
  });

  it('turns a caught Lambda error into the failure with its message', async () => {
    const result = await summariseShare(
      { ...base, failure: { Error: 'ZodError', Cause: JSON.stringify({ errorType: 'ZodError', errorMessage: 'bad input', trace: [] }) } },
      store,
      AT,
    );
    expect(result.detail.failure).toEqual({ error: 'ZodError', message: 'bad input' });
    expect(result.detail.outcome).toBe('FAILED');
  });

  it('fails the accounts of a batch whose invocation failed with its error, keeping those the batch recorded', async () => {
    await recordAccountOutcomes(
      store,
      KEY,
      ['111111111111', '222222222222', '333333333333'].map((accountId) => ({ accountId, outcome: 'SHARED' as const })),
      AT,
    );
    await recordBatches(store, KEY, [['111111111111'], ['222222222222', '333333333333']], AT);
    await recordAccountOutcomes(store, KEY, [failedOutcome('333333333333')], AT);
    const result = await summariseShare(
      {
        ...base,
        memberResults: [
          { batch: 0, succeeded: 1, failed: 0 },
          { batch: 1, succeeded: 0, failed: 0, error: { Error: 'Lambda.Unknown', Cause: 'timed out' } },
        ],
      },
      store,
      AT,
    );
    expect(result.detail.sharedAccounts).toEqual(['111111111111']);
    expect(result.detail.failedAccounts).toEqual([
      { accountId: '222222222222', error: 'Lambda.Unknown', message: 'timed out' },
      { accountId: '333333333333', error: 'AccessDeniedException', message: 'no' },
    ]);
    expect(await shareOutcomes('req-1')).toContainEqual({
      accountId: '222222222222',
      outcome: 'FAILED',
      error: 'Lambda.Unknown',
      message: 'timed out',
    });
  });

  it('lists a bounded sample with the counts, and stays under PutEvents 256 KB in the worst case', async () => {
    // Every field at its longest: messages of characters JSON escapes to six bytes each.
    const nasty = '\u0001'.repeat(3_000);
    await recordAccountOutcomes(
      store,
      KEY,
      [
        ...accounts(4_000, 100_000_000_000).map((accountId) => ({ accountId, outcome: 'SHARED' as const })),
        ...accounts(1_000, 200_000_000_000).map((accountId) => ({
          accountId,
          outcome: 'FAILED' as const,
          error: nasty.slice(0, 1_000),
          message: nasty,
        })),
      ],
      AT,
    );
    const result = await summariseShare(
      {
        ...base,
        request: { ...request, warnings: ['w'.repeat(2_000)] },
        failure: { Error: 'E'.repeat(256), Cause: '\u0001'.repeat(32_768) },
      },
      store,
      AT,
    );
    expect(result.detail).toMatchObject({ sharedAccountCount: 4_000, failedAccountCount: 1_000, truncated: true });
    expect(result.detail.sharedAccounts).toHaveLength(DONE_ACCOUNTS_LISTED);
    expect(result.detail.failedAccounts).toHaveLength(FAILED_ACCOUNTS_LISTED);
    const entry = { Source: 'portfolio-share-orchestrator', DetailType: result.detailType, Detail: JSON.stringify(result.detail) };
    expect(Buffer.byteLength(JSON.stringify(entry))).toBeLessThan(256 * 1024);
  });
});

describe('cutting text to a JSON byte budget', () => {
  it('keeps short text, and cuts long text at a character boundary saying so', () => {
    expect(cutToJsonBytes('short', 100)).toBe('short');
    const cut = cutToJsonBytes('é'.repeat(1_000), 101);
    expect(cut.endsWith('… (cut)')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(cut)) - 2).toBeLessThanOrEqual(101);
    expect(cutToJsonBytes('😀'.repeat(100), 30)).toMatch(/^(😀)+… \(cut\)$/);
  });
});
