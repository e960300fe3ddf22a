// Portfolio shares: account shares (synchronous, accepted by the recipient) and organization-node
// shares (asynchronous actions with a PortfolioShareToken whose status follows simulated time).
import type {
  AcceptPortfolioShareInput,
  CreatePortfolioShareInput,
  DeletePortfolioShareInput,
  DescribePortfolioShareStatusInput,
  DescribePortfolioSharesInput,
  ListAcceptedPortfolioSharesInput,
  ListOrganizationPortfolioAccessInput,
  ListPortfolioAccessInput,
  OrganizationNode,
  RejectPortfolioShareInput,
  UpdatePortfolioShareInput,
} from '@aws-sdk/client-service-catalog';
import type { OrganizationNodeType } from '../contract.js';
import { accessStatus } from './access.js';
import {
  invalidParameters,
  invalidState,
  limitExceeded,
  operationNotSupported,
  PORTFOLIO_SHARE_BUSY_MESSAGE,
  resourceNotFound,
} from './errors.js';
import { paginate } from './paging.js';
import { processedOutcomes } from './share-progress.js';
import {
  type AccountOutcome,
  type OperationTable,
  type OrgShare,
  operation,
  type Portfolio,
  type Scope,
  type ServiceCatalogState,
  type ShareAction,
  type ShareActionKind,
} from './state.js';
import {
  accessOf,
  coveringOrgShares,
  findPortfolio,
  isOrganizationAdmin,
  isUnderNode,
  ownedPortfolio,
  portfolioDetail,
  portfolioNotFound,
  shareMembers,
} from './visibility.js';

type ShareTarget = { kind: 'account'; accountId: string } | { kind: 'node'; nodeType: OrganizationNodeType; nodeId: string };

const ORGANIZATION_ARN = /^arn:aws:organizations::\d{12}:organization\/(o-[a-z0-9]{10,32})$/;
const OU_ARN = /^arn:aws:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

const NODE_ID_FORMS: Record<OrganizationNodeType, RegExp> = {
  ORGANIZATION: /^o-[a-z0-9]{10,32}$/,
  ORGANIZATIONAL_UNIT: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  ACCOUNT: /^\d{12}$/,
};

/** How DescribePortfolioShares names each kind of organization share. */
const DESCRIBED_NODE_TYPE: Record<OrganizationNodeType, string> = {
  ORGANIZATION: 'ORGANIZATION',
  ORGANIZATIONAL_UNIT: 'ORGANIZATIONAL_UNIT',
  ACCOUNT: 'ORGANIZATION_MEMBER_ACCOUNT',
};

function normalizeNodeValue(value: string): string {
  return ORGANIZATION_ARN.exec(value)?.[1] ?? OU_ARN.exec(value)?.[1] ?? value;
}

function parseNode(node: OrganizationNode): { nodeType: OrganizationNodeType; nodeId: string } {
  if (!node.Type || !node.Value) {
    throw invalidParameters('OrganizationNode requires both Type and Value.');
  }
  const nodeType = node.Type;
  const nodeId = normalizeNodeValue(node.Value);
  if (!NODE_ID_FORMS[nodeType].test(nodeId)) {
    throw invalidParameters(`OrganizationNode value ${node.Value} is not a valid ${nodeType} identifier.`);
  }
  return { nodeType, nodeId };
}

function parseTarget(input: { AccountId?: string | undefined; OrganizationNode?: OrganizationNode | undefined }): ShareTarget {
  if (input.AccountId !== undefined && input.OrganizationNode !== undefined) {
    throw invalidParameters('Provide either AccountId or OrganizationNode, not both.');
  }
  if (input.AccountId !== undefined) return { kind: 'account', accountId: input.AccountId };
  if (input.OrganizationNode !== undefined) return { kind: 'node', ...parseNode(input.OrganizationNode) };
  throw invalidParameters('Either AccountId or OrganizationNode must be provided.');
}

function requireIdle(scope: Scope, portfolio: Portfolio): void {
  if (scope.now < portfolio.busyUntil) throw invalidState(PORTFOLIO_SHARE_BUSY_MESSAGE);
}

/** Organization-node share actions need an organization administrator and enabled Organizations access. */
function requireOrganizationSharing(scope: Scope, nodeType: OrganizationNodeType, nodeId: string, portfolio: Portfolio): void {
  if (!isOrganizationAdmin(scope.org, scope.caller.accountId)) {
    throw operationNotSupported(
      'Only the management account or a delegated administrator of the organization can share portfolios with organization nodes.',
    );
  }
  const status = accessStatus(scope);
  if (status === 'UNDER_CHANGE') {
    throw invalidState('AWS Organizations access for Service Catalog is UNDER_CHANGE. Try again later.');
  }
  if (status !== 'ENABLED') {
    throw operationNotSupported('AWS Organizations access must be enabled to share portfolios with organization nodes.');
  }
  if (!scope.org.nodeExists(nodeType, nodeId)) {
    throw invalidParameters(`Organization node ${nodeId} of type ${nodeType} was not found in the organization.`);
  }
  if (nodeType === 'ACCOUNT' && nodeId === portfolio.ownerAccountId) {
    throw invalidParameters('A portfolio cannot be shared with the account that owns it.');
  }
}

function orgShareKey(nodeType: OrganizationNodeType, nodeId: string): string {
  return `${nodeType}:${nodeId}`;
}

/** The error (if any) an account meets in a share action: injected errors first, then the knobs. */
function injectedOutcome(scope: Scope, accountId: string): AccountOutcome {
  const injected = scope.state.injectedShareErrors.get(accountId);
  if (injected && injected.remaining > 0) {
    injected.remaining -= 1;
    if (injected.remaining === 0) scope.state.injectedShareErrors.delete(accountId);
    return { accountId, error: injected.error, message: injected.message };
  }
  const { throttleAccounts, throttleAttempts, throttleFraction } = scope.knobs.shareErrors;
  if (throttleAccounts.includes(accountId)) {
    const used = scope.state.knobThrottlesUsed.get(accountId) ?? 0;
    if (used < throttleAttempts) {
      scope.state.knobThrottlesUsed.set(accountId, used + 1);
      return { accountId, error: 'ThrottlingException', message: 'Rate exceeded' };
    }
  }
  if (throttleFraction > 0 && scope.random() < throttleFraction) {
    return { accountId, error: 'ThrottlingException', message: 'Rate exceeded' };
  }
  return { accountId };
}

function startAction(
  scope: Scope,
  portfolio: Portfolio,
  kind: ShareActionKind,
  share: { nodeType: OrganizationNodeType; nodeId: string },
  outcomes: AccountOutcome[],
): ShareAction {
  const { knobs, now } = scope;
  const startAt = now + knobs.shareStartDelayMs;
  const action: ShareAction = {
    token: scope.ids.next('share'),
    portfolioId: portfolio.id,
    kind,
    nodeType: share.nodeType,
    nodeId: share.nodeId,
    createdAt: now,
    visibleAt: now + knobs.tokenVisibilityDelayMs,
    startAt,
    completesAt: startAt + knobs.sharePropagationBaseMs + knobs.sharePropagationPerAccountMs * outcomes.length,
    outcomes,
    order: new Map(outcomes.map((outcome, index) => [outcome.accountId, index])),
  };
  scope.state.shareActions.set(action.token, action);
  scope.state.unsettledActions.push(action);
  portfolio.busyUntil = action.completesAt;
  return action;
}

/** Applies what completed actions did; called at the start of every request (status is lazy, effects too). */
export function settleShareActions(scope: Scope): void {
  const { state, now } = scope;
  for (let i = state.unsettledActions.length - 1; i >= 0; i -= 1) {
    const action = state.unsettledActions[i];
    if (!action || action.completesAt > now) continue;
    state.unsettledActions.splice(i, 1);
    const portfolio = state.portfolios.get(action.portfolioId);
    const share = portfolio?.orgShares.get(orgShareKey(action.nodeType, action.nodeId));
    if (!portfolio || !share) continue;
    const succeeded = action.outcomes.filter((outcome) => !outcome.error).map((outcome) => outcome.accountId);
    if (action.kind === 'DELETE') {
      portfolio.orgShares.delete(orgShareKey(action.nodeType, action.nodeId));
    } else if (action.kind === 'UPDATE') {
      share.shareTagOptions = action.update?.shareTagOptions ?? share.shareTagOptions;
      share.sharePrincipals = action.update?.sharePrincipals ?? share.sharePrincipals;
    } else {
      for (const accountId of succeeded) {
        share.failed.delete(accountId);
        portfolio.orgRejections.delete(accountId);
      }
    }
  }
}

export type ShareStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'ERROR';

export function shareActionStatus(action: ShareAction, now: number): ShareStatus {
  if (now < action.startAt) return 'NOT_STARTED';
  if (now < action.completesAt) return 'IN_PROGRESS';
  const failures = action.outcomes.filter((outcome) => outcome.error).length;
  if (failures === 0) return 'COMPLETED';
  return failures < action.outcomes.length ? 'COMPLETED_WITH_ERRORS' : 'ERROR';
}

function recipientCount(scope: Scope, portfolio: Portfolio, extraMembers: readonly string[]): number {
  const recipients = new Set(portfolio.accountShares.keys());
  for (const share of portfolio.orgShares.values()) {
    for (const accountId of shareMembers(scope, portfolio, share)) recipients.add(accountId);
  }
  for (const accountId of extraMembers) recipients.add(accountId);
  return recipients.size;
}

function createAccountShare(
  scope: Scope,
  portfolio: Portfolio,
  accountId: string,
  input: CreatePortfolioShareInput,
): Record<string, unknown> {
  if (input.SharePrincipals) {
    throw invalidParameters('SharePrincipals is supported only for shares with an organization or organizational unit.');
  }
  if (accountId === portfolio.ownerAccountId) {
    throw invalidParameters('A portfolio cannot be shared with the account that owns it.');
  }
  if (portfolio.accountShares.has(accountId)) return {};
  if (recipientCount(scope, portfolio, [accountId]) > scope.knobs.quotas.sharedAccountsPerPortfolio) {
    throw limitExceeded(
      `Portfolio ${portfolio.id} cannot be shared with more than ${scope.knobs.quotas.sharedAccountsPerPortfolio} accounts.`,
    );
  }
  portfolio.accountShares.set(accountId, {
    accountId,
    accepted: false,
    shareTagOptions: input.ShareTagOptions ?? false,
    createdAt: scope.now,
  });
  return {};
}

function createNodeShare(
  scope: Scope,
  portfolio: Portfolio,
  target: { nodeType: OrganizationNodeType; nodeId: string },
  input: CreatePortfolioShareInput,
): Record<string, unknown> {
  requireOrganizationSharing(scope, target.nodeType, target.nodeId, portfolio);
  if (input.SharePrincipals && target.nodeType === 'ACCOUNT') {
    throw invalidParameters('SharePrincipals is supported only for shares with an organization or organizational unit.');
  }
  const key = orgShareKey(target.nodeType, target.nodeId);
  const existing = portfolio.orgShares.get(key);
  const members = scope.org
    .accountsUnder(target.nodeId)
    .filter((accountId) => accountId !== portfolio.ownerAccountId)
    .sort();
  if (!existing && recipientCount(scope, portfolio, members) > scope.knobs.quotas.sharedAccountsPerPortfolio) {
    throw limitExceeded(
      `Portfolio ${portfolio.id} cannot be shared with more than ${scope.knobs.quotas.sharedAccountsPerPortfolio} accounts.`,
    );
  }
  const outcomes = members.map((accountId): AccountOutcome => {
    if (portfolio.accountShares.has(accountId)) {
      return {
        accountId,
        error: 'DuplicateResourceException',
        message: `Portfolio ${portfolio.id} is already shared with account ${accountId}.`,
      };
    }
    return injectedOutcome(scope, accountId);
  });
  const action = startAction(scope, portfolio, 'CREATE', target, outcomes);
  if (existing) existing.resharingToken = action.token;
  if (!existing) {
    // A new share: accounts failing in its first action stay without it until a later action reaches them.
    portfolio.orgShares.set(key, {
      ...target,
      shareTagOptions: input.ShareTagOptions ?? false,
      sharePrincipals: input.SharePrincipals ?? false,
      createdAt: scope.now,
      activeAt: action.completesAt,
      creatingToken: action.token,
      failed: new Set(outcomes.filter((outcome) => outcome.error === 'ThrottlingException').map((outcome) => outcome.accountId)),
    });
  }
  return { PortfolioShareToken: action.token };
}

const createPortfolioShare = operation<CreatePortfolioShareInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  const target = parseTarget(input);
  requireIdle(scope, portfolio);
  return target.kind === 'account'
    ? createAccountShare(scope, portfolio, target.accountId, input)
    : createNodeShare(scope, portfolio, target, input);
});

/** Accounts an update or delete of the share works through: those that have it, failed ones excepted. */
function reachedMembers(scope: Scope, portfolio: Portfolio, share: OrgShare): AccountOutcome[] {
  return shareMembers(scope, portfolio, share)
    .filter((accountId) => !share.failed.has(accountId))
    .sort()
    .map((accountId) => ({ accountId }));
}

function existingNodeShare(portfolio: Portfolio, nodeType: OrganizationNodeType, nodeId: string): OrgShare {
  const share = portfolio.orgShares.get(orgShareKey(nodeType, nodeId));
  if (!share) throw resourceNotFound(`Portfolio ${portfolio.id} is not shared with ${nodeType} ${nodeId}.`);
  return share;
}

const updatePortfolioShare = operation<UpdatePortfolioShareInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  const target = parseTarget(input);
  requireIdle(scope, portfolio);
  if (input.ShareTagOptions === undefined && input.SharePrincipals === undefined) {
    throw invalidParameters('Specify ShareTagOptions or SharePrincipals to update.');
  }
  if (target.kind === 'account') {
    const share = portfolio.accountShares.get(target.accountId);
    if (!share) throw resourceNotFound(`Portfolio ${portfolio.id} is not shared with account ${target.accountId}.`);
    if (input.SharePrincipals !== undefined) {
      throw invalidParameters('SharePrincipals is supported only for shares with an organization or organizational unit.');
    }
    share.shareTagOptions = input.ShareTagOptions ?? share.shareTagOptions;
    // The output's token "tracks the status of the UpdatePortfolioShare operation for external
    // account to account or organizational type sharing": account shares get one too. The update
    // itself is done at once.
    return { PortfolioShareToken: scope.ids.next('share'), Status: 'COMPLETED' };
  }
  requireOrganizationSharing(scope, target.nodeType, target.nodeId, portfolio);
  const share = existingNodeShare(portfolio, target.nodeType, target.nodeId);
  if (input.SharePrincipals !== undefined && target.nodeType === 'ACCOUNT') {
    throw invalidParameters('SharePrincipals is supported only for shares with an organization or organizational unit.');
  }
  const outcomes = reachedMembers(scope, portfolio, share);
  const action = startAction(scope, portfolio, 'UPDATE', target, outcomes);
  const update: NonNullable<ShareAction['update']> = {};
  if (input.ShareTagOptions !== undefined) update.shareTagOptions = input.ShareTagOptions;
  if (input.SharePrincipals !== undefined) update.sharePrincipals = input.SharePrincipals;
  action.update = update;
  return { PortfolioShareToken: action.token, Status: shareActionStatus(action, scope.now) };
});

const deletePortfolioShare = operation<DeletePortfolioShareInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  const target = parseTarget(input);
  requireIdle(scope, portfolio);
  if (target.kind === 'account') {
    if (!portfolio.accountShares.delete(target.accountId)) {
      throw resourceNotFound(`Portfolio ${portfolio.id} is not shared with account ${target.accountId}.`);
    }
    return {};
  }
  requireOrganizationSharing(scope, target.nodeType, target.nodeId, portfolio);
  const share = existingNodeShare(portfolio, target.nodeType, target.nodeId);
  const outcomes = reachedMembers(scope, portfolio, share);
  const action = startAction(scope, portfolio, 'DELETE', target, outcomes);
  share.deletingToken = action.token;
  return { PortfolioShareToken: action.token };
});

const describePortfolioShareStatus = operation<DescribePortfolioShareStatusInput>((input, scope) => {
  const token = input.PortfolioShareToken ?? '';
  const action = scope.state.shareActions.get(token);
  const portfolio = action ? scope.state.portfolios.get(action.portfolioId) : undefined;
  if (!action || !portfolio || scope.now < action.visibleAt || portfolio.ownerAccountId !== scope.caller.accountId) {
    throw resourceNotFound(`Portfolio share token not found: ${token}`);
  }
  if (!isOrganizationAdmin(scope.org, scope.caller.accountId)) {
    throw operationNotSupported('Only the management account or a delegated administrator of the organization can describe share status.');
  }
  const processed = processedOutcomes(action, scope.now);
  const errors = new Map<string, { Accounts: string[]; Message: string; Error: string }>();
  for (const outcome of processed) {
    if (!outcome.error) continue;
    const key = `${outcome.error}\u0000${outcome.message ?? ''}`;
    const entry = errors.get(key) ?? { Accounts: [], Message: outcome.message ?? '', Error: outcome.error };
    entry.Accounts.push(outcome.accountId);
    errors.set(key, entry);
  }
  return {
    PortfolioShareToken: action.token,
    PortfolioId: action.portfolioId,
    OrganizationNodeValue: action.nodeId,
    Status: shareActionStatus(action, scope.now),
    ShareDetails: {
      SuccessfulShares: processed.filter((outcome) => !outcome.error).map((outcome) => outcome.accountId),
      ShareErrors: [...errors.values()],
    },
  };
});

const describePortfolioShares = operation<DescribePortfolioSharesInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  const details: Record<string, unknown>[] = [];
  if (input.Type === 'ACCOUNT') {
    for (const share of portfolio.accountShares.values()) {
      details.push({
        PrincipalId: share.accountId,
        Type: 'ACCOUNT',
        Accepted: share.accepted,
        ShareTagOptions: share.shareTagOptions,
        SharePrincipals: false,
      });
    }
  } else {
    for (const share of portfolio.orgShares.values()) {
      if (DESCRIBED_NODE_TYPE[share.nodeType] !== input.Type) continue;
      details.push({
        PrincipalId: share.nodeId,
        Type: DESCRIBED_NODE_TYPE[share.nodeType],
        Accepted: true,
        ShareTagOptions: share.shareTagOptions,
        SharePrincipals: share.sharePrincipals,
      });
    }
  }
  const page = paginate(details, `DescribePortfolioShares:${portfolio.id}:${input.Type}`, input.PageToken, input.PageSize);
  return { PortfolioShareDetails: page.items, NextPageToken: page.nextPageToken };
});

const listPortfolioAccess = operation<ListPortfolioAccessInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  const parentId = input.OrganizationParentId;
  const accounts = new Set<string>();
  if (parentId === undefined) {
    for (const accountId of portfolio.accountShares.keys()) accounts.add(accountId);
  }
  for (const share of portfolio.orgShares.values()) {
    for (const accountId of shareMembers(scope, portfolio, share)) {
      if (parentId !== undefined && !isUnderNode(scope.org, parentId, accountId)) continue;
      if (coveringOrgShares(scope, portfolio, accountId).length > 0) accounts.add(accountId);
    }
  }
  const page = paginate([...accounts].sort(), `ListPortfolioAccess:${portfolio.id}:${parentId ?? ''}`, input.PageToken, input.PageSize);
  return { AccountIds: page.items, NextPageToken: page.nextPageToken };
});

const listOrganizationPortfolioAccess = operation<ListOrganizationPortfolioAccessInput>((input, scope) => {
  const portfolio = ownedPortfolio(scope, input.PortfolioId ?? '');
  if (!isOrganizationAdmin(scope.org, scope.caller.accountId)) {
    throw operationNotSupported(
      'Only the management account or a delegated administrator of the organization can list organization access.',
    );
  }
  const nodes = [...portfolio.orgShares.values()]
    .filter((share) => share.nodeType === input.OrganizationNodeType)
    .map((share) => ({ Type: share.nodeType, Value: share.nodeId }));
  const page = paginate(
    nodes,
    `ListOrganizationPortfolioAccess:${portfolio.id}:${input.OrganizationNodeType}`,
    input.PageToken,
    input.PageSize,
  );
  return { OrganizationNodes: page.items, NextPageToken: page.nextPageToken };
});

/**
 * The recipient's answer to a share, by PortfolioShareType: an account share (IMPORTED) is accepted
 * or dropped; an organization share is taken up again or set aside for this account.
 */
const answerShare = (answer: 'accept' | 'reject') =>
  operation<AcceptPortfolioShareInput | RejectPortfolioShareInput>((input, scope) => {
    const portfolioId = input.PortfolioId ?? '';
    const accountId = scope.caller.accountId;
    const portfolio = scope.state.portfolios.get(portfolioId);
    const shareType = input.PortfolioShareType ?? 'IMPORTED';
    if (!portfolio || shareType === 'AWS_SERVICECATALOG') throw portfolioNotFound(portfolioId);
    if (shareType === 'IMPORTED') {
      const share = portfolio.accountShares.get(accountId);
      if (!share) throw portfolioNotFound(portfolioId);
      if (answer === 'accept') share.accepted = true;
      else portfolio.accountShares.delete(accountId);
      return {};
    }
    if (coveringOrgShares(scope, portfolio, accountId).length === 0) throw portfolioNotFound(portfolioId);
    if (answer === 'accept') portfolio.orgRejections.delete(accountId);
    else portfolio.orgRejections.add(accountId);
    return {};
  });

const listAcceptedPortfolioShares = operation<ListAcceptedPortfolioSharesInput>((input, scope) => {
  const shareType = input.PortfolioShareType ?? 'IMPORTED';
  const accountId = scope.caller.accountId;
  const portfolios: Portfolio[] = [];
  if (shareType !== 'AWS_SERVICECATALOG') {
    for (const portfolio of scope.state.portfolios.values()) {
      const access = accessOf(scope, portfolio, accountId);
      const accepted = shareType === 'IMPORTED' ? access.accountShare?.accepted === true : access.orgShares.length > 0;
      if (accepted) portfolios.push(portfolio);
    }
  }
  const page = paginate(portfolios, `ListAcceptedPortfolioShares:${accountId}:${shareType}`, input.PageToken, input.PageSize);
  return { PortfolioDetails: page.items.map((portfolio) => portfolioDetail(scope, portfolio)), NextPageToken: page.nextPageToken };
});

/**
 * "If a delegated admin is de-registered, portfolio shares created from that account are removed"
 * (DeletePortfolioShare): the organization-node shares of the account's portfolios go at once, with
 * the share actions still running on them. Account shares are not a delegated administrator's
 * privilege and stay.
 */
export function removeDelegatedAdministratorShares(state: ServiceCatalogState, accountId: string): void {
  const portfolios = [...state.portfolios.values()].filter((portfolio) => portfolio.ownerAccountId === accountId);
  for (const portfolio of portfolios) {
    portfolio.orgShares.clear();
    portfolio.busyUntil = 0;
  }
  const removed = new Set(portfolios.map((portfolio) => portfolio.id));
  for (let i = state.unsettledActions.length - 1; i >= 0; i -= 1) {
    if (removed.has(state.unsettledActions[i]?.portfolioId ?? '')) state.unsettledActions.splice(i, 1);
  }
}

/** Accounts that can use the portfolio now (owner excluded): for tests and benchmarks to check outcomes. */
export function accountsWithAccess(scope: Scope, portfolioId: string): string[] {
  const portfolio = findPortfolio(scope, portfolioId);
  const accounts = new Set<string>();
  for (const share of portfolio.accountShares.values()) if (share.accepted) accounts.add(share.accountId);
  for (const share of portfolio.orgShares.values()) {
    for (const accountId of shareMembers(scope, portfolio, share)) {
      if (accessOf(scope, portfolio, accountId).orgShares.length > 0) accounts.add(accountId);
    }
  }
  return [...accounts].sort();
}

export const shareOperations: OperationTable = {
  CreatePortfolioShare: createPortfolioShare,
  UpdatePortfolioShare: updatePortfolioShare,
  DeletePortfolioShare: deletePortfolioShare,
  DescribePortfolioShareStatus: describePortfolioShareStatus,
  DescribePortfolioShares: describePortfolioShares,
  ListPortfolioAccess: listPortfolioAccess,
  ListOrganizationPortfolioAccess: listOrganizationPortfolioAccess,
  AcceptPortfolioShare: answerShare('accept'),
  RejectPortfolioShare: answerShare('reject'),
  ListAcceptedPortfolioShares: listAcceptedPortfolioShares,
};
