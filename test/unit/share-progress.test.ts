import { describe, expect, it } from 'vitest';
import { classifyShareStatus } from '../../src/catalog/share-status.js';
import type { AuthorizedShare } from '../../src/contracts/share.js';
import { evaluateShare, INITIAL_PROGRESS, MAX_RESHARE_ROUNDS, MEMBER_BATCH_SIZE } from '../../src/share/share-progress.js';
import { summariseShare } from '../../src/share/share-result.js';

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
  it('asks for a re-share of throttled accounts, then gives up after the bound', () => {
    const throttled = {
      Status: 'COMPLETED_WITH_ERRORS' as const,
      ShareDetails: { ShareErrors: [{ Accounts: ['333333333333'], Error: 'ThrottlingException' }] },
    };
    let progress = evaluateShare({ request, progress: INITIAL_PROGRESS, status: throttled });
    expect(progress).toMatchObject({ next: 'RESHARE', round: 1, retryAccounts: ['333333333333'] });
    for (let round = 1; round < MAX_RESHARE_ROUNDS; round++) {
      progress = evaluateShare({ request, progress, reshares: [{ accountId: '333333333333', status: throttled }] });
      expect(progress.next).toBe('RESHARE');
    }
    progress = evaluateShare({ request, progress, reshares: [{ accountId: '333333333333', status: throttled }] });
    expect(progress.next).toBe('SUMMARISE');
    expect(progress.failedAccounts).toEqual([
      {
        accountId: '333333333333',
        error: 'ThrottlingException',
        message: `Throttled (still throttled after ${MAX_RESHARE_ROUNDS} re-shares)`,
      },
    ]);
  });

  it('batches shared accounts for member actions only when there are some to do', () => {
    const accounts = Array.from({ length: 250 }, (_, i) => String(300_000_000_000 + i));
    const status = { Status: 'COMPLETED' as const, ShareDetails: { SuccessfulShares: accounts } };
    expect(evaluateShare({ request, progress: INITIAL_PROGRESS, status }).next).toBe('SUMMARISE');
    const withPrincipals = evaluateShare({
      request: { ...request, memberActions: { accept: false, iamPrincipals: ['role/Dev'] } },
      progress: INITIAL_PROGRESS,
      status,
    });
    expect(withPrincipals.next).toBe('MEMBER_ACTIONS');
    expect(withPrincipals.memberBatches.map((batch) => batch.length)).toEqual([MEMBER_BATCH_SIZE, MEMBER_BATCH_SIZE, 50]);
  });
});

describe('share summary', () => {
  const base = { request, startedAt: '2026-11-21T10:00:00.000Z', shareToken: 'share-1' };

  it('decides Succeeded, Partially Succeeded and Failed from the accounts', () => {
    const shared = { ...INITIAL_PROGRESS, sharedAccounts: ['111111111111'] };
    const failed = [{ accountId: '222222222222', error: 'AccessDeniedException', message: 'no' }];
    expect(summariseShare({ ...base, progress: shared }).detailType).toBe('Portfolio Share Succeeded');
    expect(summariseShare({ ...base, progress: { ...shared, failedAccounts: failed } }).detailType).toBe(
      'Portfolio Share Partially Succeeded',
    );
    expect(summariseShare({ ...base, progress: { ...INITIAL_PROGRESS, failedAccounts: failed } }).detailType).toBe(
      'Portfolio Share Failed',
    );
  });

  it('turns a caught Lambda error into the failure with its message', () => {
    const result = summariseShare({
      ...base,
      progress: INITIAL_PROGRESS,
      failure: { Error: 'ZodError', Cause: JSON.stringify({ errorType: 'ZodError', errorMessage: 'bad input', trace: [] }) },
    });
    expect(result.detail.failure).toEqual({ error: 'ZodError', message: 'bad input' });
    expect(result.detail.outcome).toBe('FAILED');
  });

  it('counts the accounts of a batch whose invocation failed as failed, with its error', () => {
    const result = summariseShare({
      ...base,
      progress: { ...INITIAL_PROGRESS, sharedAccounts: ['111111111111', '222222222222'] },
      memberResults: [{ succeeded: [], failed: [], unprocessed: ['222222222222'], error: { Error: 'Lambda.Unknown', Cause: 'timed out' } }],
    });
    expect(result.detail.sharedAccounts).toEqual(['111111111111']);
    expect(result.detail.failedAccounts).toEqual([{ accountId: '222222222222', error: 'Lambda.Unknown', message: 'timed out' }]);
  });
});
