import { z } from 'zod';
import { AccountId } from '../contracts/identifiers.js';
import { type AccountMembership, type AccountTrigger, DEPARTURE_EVENT_NAMES } from '../contracts/onboarding.js';
import { ValidationError } from '../errors.js';
import { parseWith } from '../validation.js';

/** The EventBridge envelope fields the intake relies on. */
export const EventEnvelope = z.object({
  id: z.string().min(1),
  /** The account whose trail recorded the event (the management account, or a forwarding member). */
  account: AccountId,
  source: z.string(),
  'detail-type': z.string(),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

const CreateAccountResult = z.object({
  serviceEventDetails: z.object({
    createAccountStatus: z.object({ accountId: AccountId, state: z.literal('SUCCEEDED') }),
  }),
});
const MoveAccount = z.object({
  requestParameters: z.object({ accountId: AccountId, sourceParentId: z.string(), destinationParentId: z.string() }),
});
const AcceptHandshake = z.object({
  responseElements: z.object({
    handshake: z.object({
      state: z.literal('ACCEPTED'),
      parties: z.array(z.object({ type: z.string(), id: z.string() })),
    }),
  }),
});
const RemoveAccountFromOrganization = z.object({ requestParameters: z.object({ accountId: AccountId }) });
/** A member leaves on its own: CloudTrail records the call with the leaving account as the caller. */
const LeaveOrganization = z.object({ userIdentity: z.object({ accountId: AccountId }) });
/**
 * AccountDepartedOrganization, the membership event Organizations records in the management account
 * for every departure (left, removed, closed). AWS documents its name and its departure method and
 * time but publishes no sample, so the account is looked for where Organizations' other service events
 * keep it: `serviceEventDetails.accountId`, an object under `serviceEventDetails` with an `accountId`
 * (as `createAccountStatus.accountId`), or the event's account resource.
 */
const departedAccountId = (detail: Record<string, unknown>): string => {
  const candidates: unknown[] = [];
  const details = detail.serviceEventDetails;
  if (details && typeof details === 'object') {
    candidates.push((details as Record<string, unknown>).accountId);
    for (const value of Object.values(details)) {
      if (value && typeof value === 'object' && 'accountId' in value) candidates.push(value.accountId);
    }
  }
  if (Array.isArray(detail.resources)) {
    for (const resource of detail.resources as { type?: unknown; ARN?: unknown }[]) {
      if (resource?.type === 'AWS::Organizations::Account' && typeof resource.ARN === 'string')
        candidates.push(resource.ARN.split('/').pop());
    }
  }
  const found = candidates.find((candidate) => AccountId.safeParse(candidate).success);
  if (typeof found === 'string') return found;
  const message =
    'names no departed account (looked in serviceEventDetails.accountId, serviceEventDetails.*.accountId and resources[type=AWS::Organizations::Account])';
  throw new ValidationError(`Invalid AccountDepartedOrganization event detail: ${message}`, [
    { path: 'detail.serviceEventDetails', message },
  ]);
};
const ManagedAccountStatus = z.object({
  state: z.literal('SUCCEEDED'),
  account: z.object({ accountId: AccountId }),
  organizationalUnit: z.object({ organizationalUnitId: z.string() }).optional(),
});

export interface AccountEvent {
  accountId: string;
  trigger: AccountTrigger;
  membership: AccountMembership;
}

/** Whether the event's name is one that reports an account leaving the organization. */
export const isDepartureEvent = (eventName: unknown): eventName is (typeof DEPARTURE_EVENT_NAMES)[number] =>
  (DEPARTURE_EVENT_NAMES as readonly unknown[]).includes(eventName);

/**
 * Finds the account an Organizations or Control Tower event is about. Throws a ValidationError
 * naming the missing or malformed field, so the intake can report it.
 */
export const accountFromEvent = (event: EventEnvelope): AccountEvent => {
  const eventName = event.detail.eventName;
  const base = { eventId: event.id, time: event.time };
  if (event.detail.errorCode !== undefined) {
    // CloudTrail records failed calls too; a failed MoveAccount or RemoveAccountFromOrganization changed nothing.
    const message = `is ${String(event.detail.errorCode)}: the call failed, so the account did not change`;
    throw new ValidationError(`Invalid ${String(eventName)} event: detail.errorCode: ${message}`, [{ path: 'detail.errorCode', message }]);
  }
  if (event.source === 'aws.organizations') {
    switch (eventName) {
      case 'CreateAccountResult': {
        const detail = parseWith(CreateAccountResult, event.detail, 'CreateAccountResult event detail');
        const accountId = detail.serviceEventDetails.createAccountStatus.accountId;
        return { accountId, trigger: { ...base, source: event.source, eventName }, membership: 'MEMBER' };
      }
      case 'MoveAccount': {
        const { requestParameters } = parseWith(MoveAccount, event.detail, 'MoveAccount event detail');
        return {
          accountId: requestParameters.accountId,
          trigger: {
            ...base,
            source: event.source,
            eventName,
            sourceParentId: requestParameters.sourceParentId,
            destinationParentId: requestParameters.destinationParentId,
          },
          membership: 'MEMBER',
        };
      }
      case 'RemoveAccountFromOrganization': {
        const { requestParameters } = parseWith(RemoveAccountFromOrganization, event.detail, 'RemoveAccountFromOrganization event detail');
        return { accountId: requestParameters.accountId, trigger: { ...base, source: event.source, eventName }, membership: 'DEPARTED' };
      }
      case 'LeaveOrganization': {
        const { userIdentity } = parseWith(LeaveOrganization, event.detail, 'LeaveOrganization event detail');
        return { accountId: userIdentity.accountId, trigger: { ...base, source: event.source, eventName }, membership: 'DEPARTED' };
      }
      case 'AccountDepartedOrganization':
        return {
          accountId: departedAccountId(event.detail),
          trigger: { ...base, source: event.source, eventName },
          membership: 'DEPARTED',
        };
      case 'AcceptHandshake': {
        const detail = parseWith(AcceptHandshake, event.detail, 'AcceptHandshake event detail');
        const account = detail.responseElements.handshake.parties.find((party) => party.type === 'ACCOUNT');
        const accountId = parseWith(
          AccountId,
          account?.id,
          'AcceptHandshake account party (responseElements.handshake.parties[type=ACCOUNT].id)',
        );
        return { accountId, trigger: { ...base, source: event.source, eventName }, membership: 'MEMBER' };
      }
    }
  }
  if (event.source === 'aws.controltower' && (eventName === 'CreateManagedAccount' || eventName === 'UpdateManagedAccount')) {
    const key = eventName === 'CreateManagedAccount' ? 'createManagedAccountStatus' : 'updateManagedAccountStatus';
    const status = parseWith(
      z.object({ serviceEventDetails: z.object({ [key]: ManagedAccountStatus }) }),
      event.detail,
      `${eventName} event detail`,
    ).serviceEventDetails[key] as z.infer<typeof ManagedAccountStatus>;
    return {
      accountId: status.account.accountId,
      trigger: {
        ...base,
        source: event.source,
        eventName,
        organizationalUnitId: status.organizationalUnit?.organizationalUnitId,
      },
      membership: 'MEMBER',
    };
  }
  throw new ValidationError(`Unsupported account event: source ${event.source}, detail.eventName ${String(eventName)}`, [
    { path: 'detail.eventName', message: 'is not an account lifecycle event this workflow handles' },
  ]);
};
