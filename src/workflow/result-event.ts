import { z } from 'zod';
import type { DetailType } from '../contracts/events.js';
import { ShareTarget } from '../contracts/identifiers.js';
import type { RequestFailure } from '../contracts/outcomes.js';

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
 * The error and message to report for a caught error: a Lambda error's own message, a failed child
 * execution's own error and cause (not its whole description, which carries its input), or the
 * message as it came.
 */
export const caughtErrorToFailure = (caught: CaughtError): RequestFailure => {
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
      return caughtErrorToFailure({ Error: parsed.Error, Cause: typeof parsed.Cause === 'string' ? parsed.Cause : '' });
    const child = typeof parsed.ExecutionArn === 'string' ? parsed.ExecutionArn : 'the child execution';
    return { error: caught.Error, message: `${child} ended ${parsed.Status}` };
  }
  return { error: caught.Error, message: caught.Cause ?? '' };
};

/** What is known of a request that did not validate: its id, and whatever of its fields can be read. */
export interface RejectedRequest {
  requestId: string;
  portfolioId?: unknown;
  target?: unknown;
}

/** The request's own fields for its rejection event: the portfolio id and target when they are usable. */
export const rejectedRequestFields = (
  request: RejectedRequest,
): { requestId: string; portfolioId: string | null; target: ShareTarget | null } => {
  const target = ShareTarget.safeParse(request.target);
  return {
    requestId: request.requestId,
    portfolioId: typeof request.portfolioId === 'string' ? request.portfolioId : null,
    target: target.success ? target.data : null,
  };
};
