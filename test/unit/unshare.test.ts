import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { DescribePortfolioCommand, DescribePortfolioSharesCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ShareTarget } from '../../src/contracts/identifiers.js';
import { findShare, findStillVisible, MAX_STILL_VISIBLE_LISTED } from '../../src/unshare/still-visible.js';
import { type SummariseUnshareInput, summariseUnshare } from '../../src/unshare/unshare-result.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { API_CALLER } from '../support/policy.js';

const organizations = mockClient(OrganizationsClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const dependencies = { organizations: new OrganizationsClient({}), serviceCatalog: new ServiceCatalogClient({}) };

const PORTFOLIO = 'port-abcd1234efgh5';
const OWNER = '123456789012';
const ORG = 'o-abcdefghij';
const ROOT = 'r-ab12';
const WORKLOADS = 'ou-ab12-workload';
const PROD = 'ou-ab12-prodwork';
const SANDBOX = 'ou-ab12-sandbox1';
const [PROD_A, PROD_B, WORKLOAD_A, SANDBOX_A, OUTSIDE] = ['333333333333', '444444444444', '555555555555', '777777777777', '999988887777'];

const shares = (type: string, details: { PrincipalId: string; Accepted?: boolean }[]) =>
  serviceCatalog.on(DescribePortfolioSharesCommand, { Type: type as never }).resolves({
    PortfolioShareDetails: details.map((detail) => ({ Type: type as never, Accepted: true, ...detail })),
  });
const accountsUnder = (parentId: string, ids: string[]) =>
  organizations.on(ListAccountsForParentCommand, { ParentId: parentId }).resolves({ Accounts: ids.map((Id) => ({ Id })) });
const unitsUnder = (parentId: string, ids: string[]) =>
  organizations
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: parentId })
    .resolves({ OrganizationalUnits: ids.map((Id) => ({ Id })) });

beforeEach(() => {
  organizations.reset();
  serviceCatalog.reset();
  serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
  serviceCatalog
    .on(DescribePortfolioCommand)
    .resolves({ PortfolioDetail: { ARN: `arn:aws:catalog:us-east-1:${OWNER}:portfolio/${PORTFOLIO}` } });
  // root ─┬─ owner
  //       ├─ Workloads ─┬─ 555555555555
  //       │             └─ Production ─ 333333333333, 444444444444
  //       └─ Sandbox ─ 777777777777
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
  organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  organizations.on(ListParentsCommand, { ChildId: WORKLOADS }).resolves({ Parents: [{ Id: ROOT, Type: 'ROOT' }] });
  organizations.on(ListParentsCommand, { ChildId: SANDBOX }).resolves({ Parents: [{ Id: ROOT, Type: 'ROOT' }] });
  organizations.on(ListParentsCommand, { ChildId: PROD }).resolves({ Parents: [{ Id: WORKLOADS, Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: PROD_A }).resolves({ Parents: [{ Id: PROD, Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations
    .on(ListParentsCommand, { ChildId: OUTSIDE })
    .rejects(Object.assign(new Error('not found'), { name: 'ChildNotFoundException' }));
  accountsUnder(ROOT, [OWNER]);
  unitsUnder(ROOT, [WORKLOADS, SANDBOX]);
  accountsUnder(WORKLOADS, [WORKLOAD_A]);
  unitsUnder(WORKLOADS, [PROD]);
  organizations
    .on(ListAccountsForParentCommand, { ParentId: PROD })
    .resolves({ Accounts: [{ Id: PROD_A }], NextToken: 'page-2' })
    .on(ListAccountsForParentCommand, { ParentId: PROD, NextToken: 'page-2' })
    .resolves({ Accounts: [{ Id: PROD_B }] });
  unitsUnder(PROD, []);
  accountsUnder(SANDBOX, [SANDBOX_A]);
  unitsUnder(SANDBOX, []);
});

const stillVisible = (target: ShareTarget) => findStillVisible({ portfolioId: PORTFOLIO, target }, dependencies);

describe('findShare', () => {
  it('finds the target among every page of the shares of its type, an unaccepted account share included', async () => {
    serviceCatalog
      .on(DescribePortfolioSharesCommand, { Type: 'ACCOUNT' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: '111111111111', Accepted: true }], NextPageToken: 'next' })
      .on(DescribePortfolioSharesCommand, { Type: 'ACCOUNT', PageToken: 'next' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: OUTSIDE, Accepted: false }] });

    expect(await findShare({ portfolioId: PORTFOLIO, target: { type: 'EXTERNAL_ACCOUNT', id: OUTSIDE } }, dependencies)).toEqual({
      shared: true,
    });
    expect(await findShare({ portfolioId: PORTFOLIO, target: { type: 'ACCOUNT', id: OUTSIDE } }, dependencies)).toEqual({ shared: false });
    expect(serviceCatalog.commandCalls(DescribePortfolioSharesCommand).map((call) => call.args[0].input.Type)).toEqual([
      'ACCOUNT',
      'ACCOUNT',
      'ORGANIZATION_MEMBER_ACCOUNT',
    ]);
  });
});

describe('findStillVisible', () => {
  it('reports nothing, and walks no organization, when no other share remains', async () => {
    shares('ORGANIZATIONAL_UNIT', [{ PrincipalId: PROD }]);

    expect(await stillVisible({ type: 'ORGANIZATIONAL_UNIT', id: PROD })).toEqual({ stillVisibleTo: [], stillVisibleCount: 0 });
    expect(organizations.calls()).toHaveLength(0);
  });

  it('names, for each account of an unshared OU (all pages), the most specific share that still reaches it', async () => {
    shares('ORGANIZATION', [{ PrincipalId: ORG }]);
    shares('ORGANIZATIONAL_UNIT', [{ PrincipalId: WORKLOADS }]);
    shares('ORGANIZATION_MEMBER_ACCOUNT', [{ PrincipalId: PROD_B }]);

    const result = await stillVisible({ type: 'ORGANIZATIONAL_UNIT', id: PROD });

    expect(result).toEqual({
      stillVisibleTo: [
        { accountId: PROD_A, through: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS } },
        { accountId: PROD_B, through: { type: 'ACCOUNT', id: PROD_B } },
      ],
      stillVisibleCount: 2,
    });
  });

  it('walks nested OUs below an unshared organization and never reports the portfolio owner', async () => {
    shares('ORGANIZATIONAL_UNIT', [{ PrincipalId: WORKLOADS }]);
    shares('ACCOUNT', [{ PrincipalId: SANDBOX_A }, { PrincipalId: OWNER }]);

    const result = await stillVisible({ type: 'ORGANIZATION', id: ORG });

    expect(result.stillVisibleTo).toEqual([
      { accountId: PROD_A, through: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS } },
      { accountId: PROD_B, through: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS } },
      { accountId: WORKLOAD_A, through: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS } },
      { accountId: SANDBOX_A, through: { type: 'EXTERNAL_ACCOUNT', id: SANDBOX_A } },
    ]);
  });

  it('does not count an account share the recipient has not accepted', async () => {
    shares('ACCOUNT', [{ PrincipalId: PROD_A, Accepted: false }]);

    expect((await stillVisible({ type: 'ORGANIZATIONAL_UNIT', id: PROD })).stillVisibleTo).toEqual([]);
  });

  it('places an unshared account through its OU path, and an account outside the organization nowhere', async () => {
    shares('ORGANIZATIONAL_UNIT', [{ PrincipalId: WORKLOADS }]);
    shares('ORGANIZATION', [{ PrincipalId: ORG }]);

    expect((await stillVisible({ type: 'EXTERNAL_ACCOUNT', id: PROD_A })).stillVisibleTo).toEqual([
      { accountId: PROD_A, through: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOADS } },
    ]);
    expect(await stillVisible({ type: 'EXTERNAL_ACCOUNT', id: OUTSIDE })).toEqual({ stillVisibleTo: [], stillVisibleCount: 0 });
  });

  it('lists a bounded number of accounts and counts them all', async () => {
    const many = Array.from({ length: MAX_STILL_VISIBLE_LISTED + 5 }, (_, i) => String(100_000_000_000 + i));
    shares('ORGANIZATION', [{ PrincipalId: ORG }]);
    accountsUnder(SANDBOX, many);

    const result = await stillVisible({ type: 'ORGANIZATIONAL_UNIT', id: SANDBOX });

    expect(result.stillVisibleCount).toBe(many.length);
    expect(result.stillVisibleTo).toHaveLength(MAX_STILL_VISIBLE_LISTED);
  });
});

const { store, unshareOutcomes } = useOutcomesTable();
const summarise = (input: SummariseUnshareInput, at: Date) => summariseUnshare(input, store, at);

describe('summariseUnshare', () => {
  const base: SummariseUnshareInput = {
    request: { requestId: 'unshare-1', portfolioId: PORTFOLIO, target: { type: 'ORGANIZATIONAL_UNIT', id: PROD }, requestedBy: API_CALLER },
    startedAt: '2026-11-21T10:00:00Z',
    shareToken: 'delete-token',
    alreadyAbsent: false,
    deletion: { PortfolioShareToken: 'delete-token' },
    status: null,
    visibility: { stillVisibleTo: [], stillVisibleCount: 0 },
  };
  const at = new Date('2026-11-21T10:05:00Z');

  it('reports the accounts the delete reached as unshared, and throttled or failed ones as failed', async () => {
    const result = await summarise(
      {
        ...base,
        status: {
          Status: 'COMPLETED_WITH_ERRORS',
          ShareDetails: {
            SuccessfulShares: [PROD_A],
            ShareErrors: [{ Accounts: [PROD_B], Error: 'ThrottlingException', Message: 'Rate exceeded' }],
          },
        },
      },
      at,
    );

    expect(result.detailType).toBe('Portfolio Unshare Failed');
    expect(result.detail).toMatchObject({
      outcome: 'FAILED',
      unsharedAccounts: [PROD_A],
      failedAccounts: [{ accountId: PROD_B, error: 'ThrottlingException', message: 'Rate exceeded' }],
      failure: null,
      endedAt: '2026-11-21T10:05:00.000Z',
      unsharedAccountCount: 1,
      failedAccountCount: 1,
      truncated: false,
    });
    expect(await unshareOutcomes(base.request.requestId)).toEqual([
      { accountId: PROD_A, outcome: 'UNSHARED' },
      { accountId: PROD_B, outcome: 'FAILED', error: 'ThrottlingException', message: 'Rate exceeded' },
    ]);
  });

  it('succeeds for a target that was not shared, with nothing unshared', async () => {
    const result = await summarise({ ...base, shareToken: null, deletion: null, alreadyAbsent: true }, at);

    expect(result.detailType).toBe('Portfolio Unshare Succeeded');
    expect(result.detail).toMatchObject({ outcome: 'SUCCEEDED', alreadyAbsent: true, unsharedAccounts: [], failedAccounts: [] });
  });

  it('counts an account share as unshared once the delete returned', async () => {
    const result = await summarise(
      { ...base, request: { ...base.request, target: { type: 'EXTERNAL_ACCOUNT', id: OUTSIDE } }, shareToken: null, deletion: {} },
      at,
    );

    expect(result.detail).toMatchObject({ outcome: 'SUCCEEDED', unsharedAccounts: [OUTSIDE] });
  });

  it('fails a delete that ended in ERROR without details, and one stopped by a caught error', async () => {
    expect((await summarise({ ...base, status: { Status: 'ERROR' } }, at)).detail.failure).toMatchObject({ error: 'PortfolioShareError' });

    const caught = await summarise(
      { ...base, deletion: null, failure: { Error: 'ServiceCatalog.OperationNotSupportedException', Cause: 'not allowed' } },
      at,
    );
    expect(caught.detail).toMatchObject({
      outcome: 'FAILED',
      unsharedAccounts: [],
      failure: { error: 'ServiceCatalog.OperationNotSupportedException', message: 'not allowed' },
    });
  });

  it('keeps what the delete did but fails the request when the still-visible check failed', async () => {
    const result = await summarise(
      {
        ...base,
        status: { Status: 'COMPLETED', ShareDetails: { SuccessfulShares: [PROD_A] } },
        visibility: null,
        visibilityError: {
          Error: 'AccessDeniedException',
          Cause: JSON.stringify({ errorMessage: 'not allowed to ListAccountsForParent' }),
        },
      },
      at,
    );

    expect(result.detail.outcome).toBe('FAILED');
    expect(result.detail.unsharedAccounts).toEqual([PROD_A]);
    expect(result.detail.failure?.message).toMatch(/could not be determined: not allowed to ListAccountsForParent$/);
  });
});
