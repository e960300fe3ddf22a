import { createHash } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { childRequestId, RequestId, ShareTarget } from '../contracts/identifiers.js';
import type { RequestFailure } from '../contracts/outcomes.js';
import type { IntakeRefusal, RefusedPortfolioRequest } from '../contracts/refused-request.js';
import type { RequestedBy } from '../contracts/requested-by.js';
import { RequestIdConflictError, ValidationError } from '../errors.js';
import { checkRequestSize } from '../validation.js';
import { canonicalJson, type StartedWorkflow, startWorkflow } from './start-workflow.js';

export interface RequestEventDependencies {
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * What became of a request event: the execution under its request id (`started`, or `existing` for a
 * repeated delivery), or `conflict` when that id names a different request, with the execution that
 * reports the conflict. `refused` says why the request was refused (its execution reports it).
 */
export type IntakeOutcome = StartedWorkflow & {
  requestId: string;
  refused?: RequestFailure;
  conflictReport?: StartedWorkflow;
};

/** A request id the client chose, when it is usable; otherwise the delivery's own id. */
export const requestIdFor = (detail: unknown, fallback: string): string => {
  const candidate = detail && typeof detail === 'object' ? (detail as { requestId?: unknown }).requestId : undefined;
  return RequestId.safeParse(candidate).success ? (candidate as string) : fallback;
};

/** How one kind of request event becomes a workflow input: the request's, or that of its refusal. */
export interface RequestEventHandling<I, R> {
  /** Validates the detail and builds the workflow input; throws ValidationError for a bad request. */
  toInput: (detail: unknown, requestId: string, requestedBy: RequestedBy) => I;
  /** The workflow input of a refused request: the fields of it that are usable, who asked, and why it was refused. */
  refusedInput: (detail: Record<string, unknown> & { requestId: string }, requestedBy: RequestedBy, refused: IntakeRefusal) => R;
}

// A refusal carries what it can read of the request into the workflow input and the result event,
// both capped (StartExecution and PutEvents at 256 KB): a field longer than any identifier (an IAM
// ARN is at most 2,048 characters) is left out, and the message is cut, saying so.
const MAX_READABLE_FIELD = 2048;
const MAX_REFUSAL_MESSAGE = 2000;

/** A request field as a refusal reports it: a string of identifier size, else null. */
export const readableField = (value: unknown): string | null =>
  typeof value === 'string' && value.length <= MAX_READABLE_FIELD ? value : null;

const boundedMessage = (message: string): string =>
  message.length <= MAX_REFUSAL_MESSAGE
    ? message
    : `${message.slice(0, MAX_REFUSAL_MESSAGE)}… (${message.length - MAX_REFUSAL_MESSAGE} more characters cut)`;

/** The share and unshare workflows' input for a refused request: its portfolio id and target when they are usable. */
export const refusedPortfolioRequest = (
  detail: Record<string, unknown> & { requestId: string },
  requestedBy: RequestedBy,
  refused: IntakeRefusal,
): RefusedPortfolioRequest => {
  const target = ShareTarget.safeParse(detail.target);
  return {
    requestId: detail.requestId,
    portfolioId: readableField(detail.portfolioId),
    target: target.success ? target.data : null,
    requestedBy,
    refused,
  };
};

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

/** SHA-256 of a request detail as canonical JSON: equal for the same request whatever its key order. */
export const requestSha256 = (detail: unknown): string =>
  createHash('sha256')
    .update(canonicalJson(detail ?? null))
    .digest('hex');

/**
 * The execution name that reports a conflict on `requestId`: derived from the id and the conflicting
 * request, so that the same conflicting request, however often it arrives, is reported once.
 */
export const conflictReportName = (requestId: string, sha256: string): string =>
  childRequestId(requestId, `conflict-${sha256.slice(0, 16)}`);

/**
 * One request as an intake starts it: under `requestId`, with the workflow input `toInput` builds
 * (it throws ValidationError for a bad request) or, refused, the input of its refusal.
 */
export interface IntakeRequest<I, R> {
  requestId: string;
  /** The request as it came: its fingerprint tells a repeated delivery from a different request under the same id. */
  request: unknown;
  toInput: () => I;
  refusedInput: (refused: IntakeRefusal) => R;
  /** What the conflict report says the sender should do; by default, send the request again under a requestId of its own. */
  conflictAdvice?: string;
}

/**
 * Starts a request's workflow once under its request id: validated and normalised, or refused. A
 * refused request starts the workflow too, with its refusal as the input (the workflow reports it in
 * the one Failed result and does nothing else), so a refusal is as idempotent as any outcome: a
 * repeated delivery finds the execution. A request id that names a different request starts an
 * execution that reports the conflict, under a name derived from both (conflictReportName), so the
 * conflict too is reported once.
 */
export const startRequestOnce = async <I, R>(
  intake: IntakeRequest<I, R>,
  dependencies: RequestEventDependencies,
): Promise<IntakeOutcome> => {
  const { requestId } = intake;
  const sha256 = requestSha256(intake.request);
  const refusedInput = (failure: RequestFailure): R =>
    intake.refusedInput({ ...failure, message: boundedMessage(failure.message), requestSha256: sha256 });
  let input: I | R;
  let refused: RequestFailure | undefined;
  try {
    input = intake.toInput();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    refused = { error: error.name, message: error.message };
    input = refusedInput(refused);
  }
  const start = (name: string, workflowInput: unknown) =>
    startWorkflow(dependencies.sfn, { stateMachineArn: dependencies.stateMachineArn, name, input: workflowInput });

  const started = await start(requestId, input);
  if (started.state !== 'conflict') return { requestId, ...started, ...(refused ? { refused } : {}) };

  const conflict = new RequestIdConflictError(requestId);
  const advice = intake.conflictAdvice ?? 'send it again with a requestId of its own';
  const conflictReport = await start(
    conflictReportName(requestId, sha256),
    refusedInput({ error: conflict.name, message: `${conflict.message}: this request was not started; ${advice}` }),
  );
  // The report's own name is taken by a different request: fail, so that the event is retried and then dead-lettered, never dropped.
  if (conflictReport.state === 'conflict') throw new RequestIdConflictError(conflictReportName(requestId, sha256));
  return { requestId, ...started, conflictReport };
};

/**
 * A `… Requested` event, started once under its request id (or the event id) by startRequestOnce.
 * Whether the policy allows a valid request is the workflow's first step, so that a refusal by the
 * policy is as idempotent as one by the schema.
 */
export const takeRequestEvent = <I, R>(
  event: RequestEnvelope,
  handling: RequestEventHandling<I, R>,
  dependencies: RequestEventDependencies,
): Promise<IntakeOutcome> => {
  const requestId = requestIdFor(event.detail, event.id);
  const requestedBy = eventRequester(event);
  const detail = event.detail && typeof event.detail === 'object' ? (event.detail as Record<string, unknown>) : {};
  return startRequestOnce(
    {
      requestId,
      request: event.detail,
      toInput: () => {
        // A request detail is held to the size the intake carries; an account event is not (its input is a few ids).
        checkRequestSize(JSON.stringify(event.detail ?? null), 'request detail');
        return handling.toInput(event.detail, requestId, requestedBy);
      },
      refusedInput: (refused) => handling.refusedInput({ ...detail, requestId }, requestedBy, refused),
    },
    dependencies,
  );
};
