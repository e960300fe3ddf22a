import { AccountId } from '../contracts/identifiers.js';
import type { OnboardingWorkflowInput, RefusedAccountEvent } from '../contracts/onboarding.js';
import type { IntakeRefusal } from '../contracts/refused-request.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEventDependencies, readableField, startRequestOnce } from '../workflow/request-event.js';
import { accountFromEvent, EventEnvelope, isDepartureEvent } from './account-events.js';

/** The execution name of an account event: its id, as far as a request id can carry it (EventBridge ids are UUIDs). */
const requestIdOf = (eventId: string): string => eventId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80) || 'unknown-event';

/** The onboarding input of an account event the intake refused: who sent it when the envelope says so usably, and why. */
const refusedAccountEvent = (event: unknown, requestId: string, eventId: string, refused: IntakeRefusal): RefusedAccountEvent => {
  const envelope = (event && typeof event === 'object' ? event : {}) as { account?: unknown; source?: unknown; detail?: unknown };
  const detail = (envelope.detail && typeof envelope.detail === 'object' ? envelope.detail : {}) as { eventName?: unknown };
  const source = readableField(envelope.source);
  const requestedBy =
    AccountId.safeParse(envelope.account).success && source
      ? { type: 'event' as const, accountId: envelope.account as string, source, eventId }
      : null;
  const eventName = readableField(detail.eventName);
  return {
    requestId,
    requestedBy,
    refused,
    accountId: null,
    membership: isDepartureEvent(eventName) ? 'DEPARTED' : 'MEMBER',
    trigger: { eventName },
  };
};

/**
 * An Organizations or Control Tower account event: started once under the event id (a repeated
 * delivery starts nothing new). One that names no usable account starts the workflow with its
 * refusal, which ends in one `Account Onboarding Failed` (`Account Offboarding Failed` for a departure
 * event) however often the event arrives.
 */
export const takeAccountEvent = (event: unknown, dependencies: RequestEventDependencies): Promise<IntakeOutcome> => {
  const eventId = event && typeof event === 'object' && 'id' in event && typeof event.id === 'string' ? event.id : 'unknown-event';
  const requestId = requestIdOf(eventId);
  return startRequestOnce(
    {
      requestId,
      request: event,
      toInput: (): OnboardingWorkflowInput => {
        const envelope = parseWith(EventEnvelope, event, 'account event');
        const { accountId, trigger, membership } = accountFromEvent(envelope);
        return {
          requestId,
          accountId,
          trigger,
          membership,
          requestedBy: { type: 'event', accountId: envelope.account, source: envelope.source, eventId: envelope.id },
        };
      },
      refusedInput: (refused) => refusedAccountEvent(event, requestId, eventId, refused),
      conflictAdvice: 'its event id names an earlier, different account event',
    },
    dependencies,
  );
};
