import { z } from 'zod';
import { DetailType, resultDetailsOf } from './events.js';
import { AccountId, OrganizationalUnitId, RequestId, ShareTarget } from './identifiers.js';
import { RequestFailure } from './outcomes.js';
import { IntakeRefusal } from './refused-request.js';
import { RequestedBy } from './requested-by.js';
import { MemberActions, ShareWorkflowInput } from './share.js';
import { UnshareWorkflowInput } from './unshare.js';

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
  /** The account event: the account that recorded it, its source and id. */
  requestedBy: RequestedBy,
});
export type OnboardingWorkflowInput = z.infer<typeof OnboardingWorkflowInput>;

/**
 * The onboard-account workflow's input for an account event its intake refused (it names no usable
 * account, or its event id names a different event): the workflow reports the refusal in the event's
 * one Failed result and does nothing else. It carries the fields the fallback result reads, so that
 * even a failed summary reports the refusal: no account, and `membership` DEPARTED when the event's
 * name is a departure's (its result is then an Account Offboarding Failed).
 */
export const RefusedAccountEvent = z
  .object({
    requestId: RequestId,
    /** The event's account, source and id, when the envelope names them usably; null otherwise. */
    requestedBy: RequestedBy.nullable(),
    refused: IntakeRefusal,
    accountId: z.null(),
    membership: AccountMembership,
    trigger: z.object({ eventName: z.string().nullable() }).strict(),
  })
  .strict();
export type RefusedAccountEvent = z.infer<typeof RefusedAccountEvent>;

export const PortfolioOnboardingAction = z.enum(['NONE', 'MEMBER_ACTIONS', 'SHARED']);

export const PortfolioOnboardingOutcome = z
  .object({
    portfolioId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    /** What onboarding had to do: nothing, member actions only (an existing share covers the account), or a share. */
    action: PortfolioOnboardingAction,
    entitledBy: ShareTarget,
    coveredBy: ShareTarget.nullable(),
    shareRequestId: z.string().nullable(),
    failure: RequestFailure.nullable(),
  })
  .strict();
export type PortfolioOnboardingOutcome = z.infer<typeof PortfolioOnboardingOutcome>;

/**
 * An account-level share (recipient exactly this account) removed because the policy no longer
 * entitles the account to it: target `ACCOUNT` is an organization-member-account share,
 * `EXTERNAL_ACCOUNT` an account share.
 */
export const RemovedShare = z
  .object({
    portfolioId: z.string().min(1),
    target: ShareTarget,
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    /** The share was already gone when the unshare workflow ran. */
    alreadyAbsent: z.boolean(),
    /** The unshare workflow's request id (`Portfolio Unshare Succeeded | Failed` carries it too). */
    unshareRequestId: z.string().min(1),
    failure: RequestFailure.nullable(),
  })
  .strict();
export type RemovedShare = z.infer<typeof RemovedShare>;

/** An account-level share left in place because the policy still entitles the account to the portfolio. */
export const KeptShare = z
  .object({
    portfolioId: z.string().min(1),
    target: ShareTarget,
    entitledBy: ShareTarget,
  })
  .strict();
export type KeptShare = z.infer<typeof KeptShare>;

/** An imported share the member account rejected (settings.rejectUnentitledShares). */
export const RejectedShare = z
  .object({
    portfolioId: z.string().min(1),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    failure: RequestFailure.nullable(),
  })
  .strict();
export type RejectedShare = z.infer<typeof RejectedShare>;

/** The rejection step's input, what the member account rejects: the account shares it holds or is offered that the policy does not entitle it to. */
export const RejectionRequest = z.object({
  accountId: AccountId,
  /** Portfolios the policy entitles the account to: never rejected. */
  entitledPortfolioIds: z.array(z.string()),
  /** Policy portfolios with an account share offered to the account and not accepted (found from the hub). */
  pendingPortfolioIds: z.array(z.string()),
  /** Who asked for the onboarding: the member session carries it as sts:SourceIdentity. */
  requestedBy: RequestedBy.optional(),
});
export type RejectionRequest = z.infer<typeof RejectionRequest>;

/** What the plan step decided for one entitled portfolio. */
export const PortfolioPlan = z.object({
  portfolioId: z.string(),
  entitledBy: ShareTarget,
  /** The existing share that already reaches the account, if any. */
  coveredBy: ShareTarget.nullable(),
  /** The share workflow's input when no existing share covers the account. */
  share: ShareWorkflowInput.nullable(),
  memberActions: MemberActions,
  needsMemberActions: z.boolean(),
});
export type PortfolioPlan = z.infer<typeof PortfolioPlan>;

/** The plan step's output: the state machine acts on it, the summary reads it. */
export const OnboardingPlan = z.object({
  accountId: z.string(),
  /** Null when the account has left the organization. */
  organizationId: z.string().nullable(),
  parentPath: z.array(z.string()),
  /** The entitled portfolios a member account gets; none for a departed account. */
  portfolios: z.array(PortfolioPlan),
  /** Account-level shares the policy no longer entitles the account to: inputs of the unshare workflow. */
  removals: z.array(UnshareWorkflowInput),
  keptShares: z.array(KeptShare),
  /** Set when the member account rejects unentitled imported shares (settings.rejectUnentitledShares). */
  rejection: RejectionRequest.nullable(),
});
export type OnboardingPlan = z.infer<typeof OnboardingPlan>;

/** The detail of `Account Onboarding Succeeded | Failed`. */
export const OnboardingResultDetail = z
  .object({
    requestId: z.string().min(1),
    /** The account event that started it (its account, source and id). */
    requestedBy: RequestedBy.nullable(),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    accountId: z.string().nullable(),
    organizationalUnitPath: z.array(z.string()),
    portfolios: z.array(PortfolioOnboardingOutcome),
    /** Account-level shares the account's new place no longer entitles it to, removed through the unshare workflow. */
    removedShares: z.array(RemovedShare),
    /** Imported shares rejected in the account; always empty unless settings.rejectUnentitledShares is on. */
    rejectedShares: z.array(RejectedShare),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OnboardingResultDetail = z.infer<typeof OnboardingResultDetail>;

/** The detail of `Account Offboarding Succeeded | Failed`: what an account's departure removed and kept. */
export const OffboardingResultDetail = z
  .object({
    requestId: z.string().min(1),
    /** The account event that started it (its account, source and id). */
    requestedBy: RequestedBy.nullable(),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    /** Null only for an event too malformed to name the account. */
    accountId: z.string().nullable(),
    /** The event that reported the departure (`RemoveAccountFromOrganization`, `LeaveOrganization`). */
    eventName: z.string().nullable(),
    removedShares: z.array(RemovedShare),
    /** Account shares that EXTERNAL_ACCOUNT targets still entitle the departed account to. */
    keptShares: z.array(KeptShare),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OffboardingResultDetail = z.infer<typeof OffboardingResultDetail>;

const ONBOARDING_DETAIL_TYPES = {
  SUCCEEDED: DetailType.onboardingSucceeded,
  FAILED: DetailType.onboardingFailed,
} as const satisfies Record<'SUCCEEDED' | 'FAILED', DetailType>;

const OFFBOARDING_DETAIL_TYPES = {
  SUCCEEDED: DetailType.offboardingSucceeded,
  FAILED: DetailType.offboardingFailed,
} as const satisfies Record<'SUCCEEDED' | 'FAILED', DetailType>;

export const onboardingDetailType = (outcome: 'SUCCEEDED' | 'FAILED'): DetailType => ONBOARDING_DETAIL_TYPES[outcome];

export const offboardingDetailType = (outcome: 'SUCCEEDED' | 'FAILED'): DetailType => OFFBOARDING_DETAIL_TYPES[outcome];

export const ONBOARDING_RESULT_DETAILS = {
  ...resultDetailsOf(OnboardingResultDetail, ONBOARDING_DETAIL_TYPES),
  ...resultDetailsOf(OffboardingResultDetail, OFFBOARDING_DETAIL_TYPES),
};
