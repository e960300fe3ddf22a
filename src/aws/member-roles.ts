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
