import { z } from 'zod';
import type { DetailType } from '../contracts/events.js';
import type { RequestFailure } from '../contracts/outcomes.js';
import type { RefusedRequest } from '../contracts/refused-request.js';
import { attemptsBefore } from './retry-budgets.js';

/** The one event a request ends in: its detail-type and detail. */
export interface ResultEvent<D> {
  detailType: DetailType;
  detail: D;
}

/**
 * An error caught by a state machine `Catch`: `Cause` is a message, a Lambda error as JSON, or, for
 * a child execution started with `startExecution.sync:2` that failed, the child's description as JSON.
 */
export const CaughtError = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof CaughtError>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The error and message of a caught error: a Lambda error's own message, a failed child execution's
 * own error and cause (not its whole description, which carries its input), or the message as it came.
 */
const errorAndMessage = (caught: CaughtError): { error: string; message: string } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(caught.Cause ?? '');
  } catch {
    // A plain message, as SDK integrations report them.
    return { error: caught.Error, message: caught.Cause ?? '' };
  }
  if (isObject(parsed) && 'errorMessage' in parsed) return { error: caught.Error, message: String(parsed.errorMessage) };
  if (isObject(parsed) && typeof parsed.Status === 'string') {
    if (typeof parsed.Error === 'string')
      return errorAndMessage({ Error: parsed.Error, Cause: typeof parsed.Cause === 'string' ? parsed.Cause : '' });
    const child = typeof parsed.ExecutionArn === 'string' ? parsed.ExecutionArn : 'the child execution';
    return { error: caught.Error, message: `${child} ended ${parsed.Status}` };
  }
  return { error: caught.Error, message: caught.Cause ?? '' };
};

const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

/** The text cut, at a character boundary, so that it takes at most `maxBytes` bytes inside a JSON string. */
export const cutToJsonBytes = (text: string, maxBytes: number): string => {
  if (jsonBytes(text) <= maxBytes) return text;
  const marker = '… (cut)';
  const budget = maxBytes - jsonBytes(marker);
  let used = 0;
  let cut = '';
  for (const character of text) {
    used += jsonBytes(character);
    if (used > budget) break;
    cut += character;
  }
  return `${cut}${marker}`;
};

/**
 * A request's failure message is cut to this many bytes of JSON: a caught Cause may be 32,768
 * characters, and a result event must stay far below PutEvents' 256 KB with its account lists.
 */
const FAILURE_MESSAGE_BYTES = 8_000;

/**
 * What to report for a caught error: its error and message and, for a transient fault that outlasted
 * its retry budget, the tries the step took (statemachines/policies.json, docs/operations.md#retry-budgets).
 */
export const caughtErrorToFailure = (caught: CaughtError): RequestFailure => {
  const { error, message } = errorAndMessage(caught);
  const failure = { error: cutToJsonBytes(error, 256), message: cutToJsonBytes(message, FAILURE_MESSAGE_BYTES) };
  const attempts = attemptsBefore(failure.error);
  return attempts === undefined ? failure : { ...failure, attempts };
};

/**
 * The fields every result of a refused request shares (it did not validate, or its requestId names
 * another request): its id and who asked, FAILED with the refusal as the failure, and when.
 */
export const refusedResultFields = <B extends RefusedRequest['requestedBy'] | null>(
  request: Omit<RefusedRequest, 'requestedBy'> & { requestedBy: B },
  startedAt: string,
  at: Date,
) => ({
  requestId: request.requestId,
  requestedBy: request.requestedBy,
  outcome: 'FAILED' as const,
  failure: { error: request.refused.error, message: request.refused.message },
  startedAt: new Date(startedAt).toISOString(),
  endedAt: at.toISOString(),
});
