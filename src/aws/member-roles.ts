import { type RequestedBy, sourceIdentityOf } from '../contracts/requested-by.js';
import { loadPolicy } from '../policy/load-policy.js';
import { stsClient } from './clients.js';
import { type MemberServiceCatalog, sharedMemberServiceCatalog } from './member-session.js';

/**
 * The member-account roles, one per duty (templates/member-account-role.yml creates them; each trusts
 * only the hub role of the functions with that duty). Their names are the policy's
 * `settings.memberRoleName` with the duty as suffix.
 */
export const MEMBER_ROLE_SUFFIXES = {
  /** AcceptPortfolioShare, AssociatePrincipalWithPortfolio (runMemberActions). */
  shareAcceptance: 'ShareAcceptance',
  /** ListAcceptedPortfolioShares, RejectPortfolioShare (rejectUnentitledShares). */
  shareRejection: 'ShareRejection',
  /** Find, change and follow provisioned-product owners (the transfer-ownership steps). */
  ownershipTransfer: 'OwnershipTransfer',
  /** ListAcceptedPortfolioShares only (GET /accounts/{accountId}/portfolios). */
  readOnly: 'ReadOnly',
} as const;

export type MemberDuty = keyof typeof MEMBER_ROLE_SUFFIXES;

export const memberRoleName = (baseName: string, duty: MemberDuty): string => `${baseName}-${MEMBER_ROLE_SUFFIXES[duty]}`;

/** The deployed policy's member role for a duty: never taken from a workflow's input. */
export const deployedMemberRoleName = (duty: MemberDuty): string => memberRoleName(loadPolicy().settings.memberRoleName, duty);

/** The container's member sessions for a duty (cached across invocations, like the other clients). */
export const memberSessionsFor = (duty: MemberDuty): MemberServiceCatalog =>
  sharedMemberServiceCatalog(stsClient(), deployedMemberRoleName(duty));

/**
 * The member sessions for a duty acting for a requester: each carries who asked as
 * `sts:SourceIdentity`, so the member account's CloudTrail names them (this project, for an input
 * that predates `requestedBy`).
 */
export const memberSessionsActingFor = (duty: MemberDuty, requestedBy: RequestedBy | null | undefined): MemberServiceCatalog => {
  const sessions = memberSessionsFor(duty);
  const sourceIdentity = requestedBy ? sourceIdentityOf(requestedBy) : 'portfolio-share-orchestrator';
  return (accountId) => sessions(accountId, sourceIdentity);
};
