import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { RequestId } from '../contracts/identifiers.js';
import type { RequestFailure } from '../contracts/outcomes.js';
import type { RequestedBy } from '../contracts/requested-by.js';
import { ValidationError } from '../errors.js';
import { publishResult } from './publish-result.js';
import type { ResultEvent } from './result-event.js';
import { type StartedWorkflow, startWorkflow } from './start-workflow.js';

export interface RequestEventDependencies {
  sfn: SFNClient;
  eventBridge: EventBridgeClient;
  stateMachineArn: string;
  eventBusName: string;
}

export type IntakeOutcome = (StartedWorkflow & { requestId: string }) | { requestId: string; state: 'rejected'; message: string };

/** A request id the client chose, when it is usable; otherwise the delivery's own id. */
export const requestIdFor = (detail: unknown, fallback: string): string => {
  const candidate = detail && typeof detail === 'object' ? (detail as { requestId?: unknown }).requestId : undefined;
  return RequestId.safeParse(candidate).success ? (candidate as string) : fallback;
};

/** How one kind of request event becomes a workflow input, or a Failed result event. */
export interface RequestEventHandling<I> {
  /** Validates the detail and builds the workflow input; throws ValidationError for a bad request. */
  toInput: (detail: unknown, requestId: string, requestedBy: RequestedBy) => I;
  /** The Failed result event of a detail that did not validate. */
  rejected: (
    detail: Record<string, unknown> & { requestId: string },
    failure: RequestFailure,
    requestedBy: RequestedBy,
  ) => ResultEvent<unknown>;
}

/** The EventBridge envelope fields an intake reads. */
export interface RequestEnvelope {
  id: string;
  /** The account that put the event. */
  account: string;
  source: string;
  detail: unknown;
}

/** Who asked for an event request: the account that put it and its source (PutEvents carries no principal). */
export const eventRequester = (event: RequestEnvelope): RequestedBy => ({
  type: 'event',
  accountId: event.account,
  source: event.source,
  eventId: event.id,
});

/**
 * A `… Requested` event: validated, normalised and started once under its request id (or the event
 * id); an invalid one ends in its Failed result event that names the problem. Whether the policy
 * allows it is the workflow's first step, so that a refusal, like any outcome, is reported once
 * however often the event is delivered (the execution name is the request id).
 */
export const takeRequestEvent = async <I>(
  event: RequestEnvelope,
  handling: RequestEventHandling<I>,
  dependencies: RequestEventDependencies,
): Promise<IntakeOutcome> => {
  const requestId = requestIdFor(event.detail, event.id);
  const requestedBy = eventRequester(event);
  let input: I;
  try {
    input = handling.toInput(event.detail, requestId, requestedBy);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const detail = event.detail && typeof event.detail === 'object' ? (event.detail as Record<string, unknown>) : {};
    await publishResult(
      dependencies.eventBridge,
      dependencies.eventBusName,
      handling.rejected({ ...detail, requestId }, { error: error.name, message: error.message }, requestedBy),
    );
    return { requestId, state: 'rejected', message: error.message };
  }
  const started = await startWorkflow(dependencies.sfn, { stateMachineArn: dependencies.stateMachineArn, name: requestId, input });
  return { requestId, ...started };
};
