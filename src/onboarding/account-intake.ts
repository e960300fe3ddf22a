import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AccountId } from '../contracts/identifiers.js';
import { ValidationError } from '../errors.js';
import { parseWith } from '../validation.js';
import { publishResult } from '../workflow/publish-result.js';
import type { RequestEventDependencies } from '../workflow/request-event.js';
import { type StartedWorkflow, startWorkflow } from '../workflow/start-workflow.js';
import { accountFromEvent, EventEnvelope, isDepartureEvent } from './account-events.js';
import { rejectedAccountEventResult } from './onboarding-result.js';

/** An account event started once under its event id, or, naming no usable account, reported as rejected. */
export type AccountIntakeOutcome = (StartedWorkflow & { requestId: string }) | { requestId: string; state: 'rejected'; message: string };

/** The onboarding workflow, and the bus its intake reports an unusable account event on. */
export interface AccountIntakeDependencies extends RequestEventDependencies {
  eventBridge: EventBridgeClient;
  eventBusName: string;
}

/**
 * An Organizations or Control Tower account event: started once under the event id (a repeated
 * delivery starts nothing new); one that names no usable account ends in `Account Onboarding Failed`
 * (`Account Offboarding Failed` for a departure event).
 */
export const takeAccountEvent = async (event: unknown, dependencies: AccountIntakeDependencies): Promise<AccountIntakeOutcome> => {
  const eventId = event && typeof event === 'object' && 'id' in event && typeof event.id === 'string' ? event.id : 'unknown-event';
  const requestId = eventId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
  try {
    const envelope = parseWith(EventEnvelope, event, 'account event');
    const { accountId, trigger, membership } = accountFromEvent(envelope);
    const started = await startWorkflow(dependencies.sfn, {
      stateMachineArn: dependencies.stateMachineArn,
      name: requestId,
      input: {
        requestId,
        accountId,
        trigger,
        membership,
        requestedBy: { type: 'event', accountId: envelope.account, source: envelope.source, eventId: envelope.id },
      },
    });
    return { requestId, ...started };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const eventName = (event as { detail?: { eventName?: unknown } } | null)?.detail?.eventName;
    const envelope = event as { account?: unknown; source?: unknown } | null;
    const requestedBy =
      AccountId.safeParse(envelope?.account).success && typeof envelope?.source === 'string' && envelope.source
        ? { type: 'event' as const, accountId: envelope.account as string, source: envelope.source, eventId }
        : null;
    await publishResult(
      dependencies.eventBridge,
      dependencies.eventBusName,
      rejectedAccountEventResult(
        requestId,
        { error: error.name, message: error.message },
        isDepartureEvent(eventName) ? { eventName } : null,
        requestedBy,
      ),
    );
    return { requestId, state: 'rejected', message: error.message };
  }
};
