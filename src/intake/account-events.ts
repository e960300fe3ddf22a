import { z } from 'zod';
import { AccountId } from '../contracts/identifiers.js';
import type { AccountTrigger } from '../contracts/workflow-input.js';
import { ValidationError, parseWith } from '../validation.js';

/** The EventBridge envelope fields the intake relies on. */
export const EventEnvelope = z.object({
  id: z.string().min(1),
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
const ManagedAccountStatus = z.object({
  state: z.literal('SUCCEEDED'),
  account: z.object({ accountId: AccountId }),
  organizationalUnit: z.object({ organizationalUnitId: z.string() }).optional(),
});

export interface AccountEvent {
  accountId: string;
  trigger: AccountTrigger;
}

/**
 * Finds the account an Organizations or Control Tower event is about. Throws a ValidationError
 * naming the missing or malformed field, so the intake can report it.
 */
export const accountFromEvent = (event: EventEnvelope): AccountEvent => {
  const eventName = event.detail.eventName;
  const base = { eventId: event.id, time: event.time };
  if (event.source === 'aws.organizations') {
    switch (eventName) {
      case 'CreateAccountResult': {
        const detail = parseWith(CreateAccountResult, event.detail, 'CreateAccountResult event detail');
        const accountId = detail.serviceEventDetails.createAccountStatus.accountId;
        return { accountId, trigger: { ...base, source: event.source, eventName } };
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
        };
      }
      case 'AcceptHandshake': {
        const detail = parseWith(AcceptHandshake, event.detail, 'AcceptHandshake event detail');
        const account = detail.responseElements.handshake.parties.find((party) => party.type === 'ACCOUNT');
        const accountId = parseWith(AccountId, account?.id, 'AcceptHandshake account party (responseElements.handshake.parties[type=ACCOUNT].id)');
        return { accountId, trigger: { ...base, source: event.source, eventName } };
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
    };
  }
  throw new ValidationError(
    `Unsupported account event: source ${event.source}, detail.eventName ${String(eventName)}`,
    [{ path: 'detail.eventName', message: 'is not an account lifecycle event this workflow handles' }],
  );
};
