import { UnshareRequest, type UnshareWorkflowInput } from '../contracts/unshare.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEventDependencies, takeRequestEvent } from '../workflow/request-event.js';
import { rejectedUnshareResult } from './unshare-result.js';

/** Turns a valid unshare request into the unshare workflow's input. */
export const toUnshareWorkflowInput = (
  request: UnshareRequest,
  requestId: string,
  origin: UnshareWorkflowInput['origin'],
): UnshareWorkflowInput => ({ requestId, portfolioId: request.portfolioId, target: request.target, origin });

/** A `Portfolio Unshare Requested` event; an invalid one ends in a `Portfolio Unshare Failed` event that names the field. */
export const takeUnshareRequestEvent = (
  event: { id: string; detail: unknown },
  dependencies: RequestEventDependencies,
): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId) =>
        toUnshareWorkflowInput(parseWith(UnshareRequest, detail, 'Portfolio Unshare Requested detail'), requestId, 'event'),
      rejected: rejectedUnshareResult,
    },
    dependencies,
  );
