import { z } from 'zod';
import { AccountId, OrganizationalUnitId, PortfolioId, RequestId, ShareTarget } from './identifiers.js';

/** What a member account must do for one portfolio once it can see it. */
export const MemberActions = z.object({
  /** Accept an account share (`IMPORTED`). Never set for organization shares. */
  accept: z.boolean(),
  /** IAM principals to associate in the member account, as paths such as `role/Developer`. */
  iamPrincipals: z.array(z.string()),
});
export type MemberActions = z.infer<typeof MemberActions>;

/** The input of the share-portfolio state machine, as the intake step builds it. */
export const ShareWorkflowInput = z.object({
  requestId: RequestId,
  portfolioId: PortfolioId,
  target: ShareTarget,
  sharePrincipals: z.boolean(),
  shareTagOptions: z.boolean(),
  origin: z.enum(['api', 'event', 'onboarding', 'reconcile']),
  allowEnableOrganizationsAccess: z.boolean(),
  memberRoleName: z.string().min(1),
  memberActions: MemberActions,
});
export type ShareWorkflowInput = z.infer<typeof ShareWorkflowInput>;

/** Account events after which the account is no longer in the organization. */
export const DEPARTURE_EVENT_NAMES = ['RemoveAccountFromOrganization', 'LeaveOrganization', 'AccountDepartedOrganization'] as const;

export const AccountTrigger = z.object({
  source: z.enum(['aws.organizations', 'aws.controltower']),
  eventName: z.enum([
    'CreateAccountResult',
    'MoveAccount',
    'AcceptHandshake',
    'CreateManagedAccount',
    'UpdateManagedAccount',
    ...DEPARTURE_EVENT_NAMES,
  ]),
  eventId: z.string(),
  time: z.string(),
  destinationParentId: z.string().optional(),
  sourceParentId: z.string().optional(),
  organizationalUnitId: OrganizationalUnitId.optional(),
});
export type AccountTrigger = z.infer<typeof AccountTrigger>;

/** Whether the account is in the organization after the event (it joined or moved) or has left it. */
export const AccountMembership = z.enum(['MEMBER', 'DEPARTED']);
export type AccountMembership = z.infer<typeof AccountMembership>;

/**
 * The input of the onboard-account state machine, which handles every account event: a member
 * account gets what the policy entitles it to, and any account loses the account-level shares the
 * policy no longer entitles it to.
 */
export const OnboardingWorkflowInput = z.object({
  requestId: RequestId,
  accountId: AccountId,
  trigger: AccountTrigger,
  membership: AccountMembership,
  memberRoleName: z.string().min(1),
});
export type OnboardingWorkflowInput = z.infer<typeof OnboardingWorkflowInput>;
