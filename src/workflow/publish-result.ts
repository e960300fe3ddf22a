import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../contracts/events.js';
import { PublishEventError } from '../errors.js';
import type { ResultEvent } from './result-event.js';

/** Puts one result event on the project's bus; a rejected entry is an error, never ignored. */
export const publishResult = async (eventBridge: EventBridgeClient, eventBusName: string, event: ResultEvent<unknown>): Promise<string> => {
  const response = await eventBridge.send(
    new PutEventsCommand({
      Entries: [{ Source: EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail), EventBusName: eventBusName }],
    }),
  );
  const entry = response.Entries?.[0];
  if ((response.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new PublishEventError(
      `${event.detailType} was not accepted: ${entry?.ErrorCode ?? 'no entry'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
  return entry.EventId;
};
