import { z } from 'zod';
import type { DetailType } from '../contracts/events.js';
import { ShareTarget } from '../contracts/identifiers.js';
import type { RequestFailure } from '../contracts/outcomes.js';

/** The one event a request ends in: its detail-type and detail. */
export interface ResultEvent<D> {
  detailType: DetailType;
  detail: D;
}

/** An error caught by a state machine `Catch`: `Cause` is a message, or a Lambda error as JSON. */
export const CaughtError = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof CaughtError>;

export const caughtErrorToFailure = (caught: CaughtError): RequestFailure => {
  let message = caught.Cause ?? '';
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) message = String(parsed.errorMessage);
  } catch {
    // A plain message, as SDK integrations report them.
  }
  return { error: caught.Error, message };
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
