import { UnshareRequest } from '../contracts/unshare.js';
import { toUnshareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEnvelope, type RequestEventDependencies, takeRequestEvent } from '../workflow/request-event.js';
import { rejectedUnshareResult } from './unshare-result.js';

/** A `Portfolio Unshare Requested` event; an invalid one ends in a `Portfolio Unshare Failed` event that names the field. */
export const takeUnshareRequestEvent = (event: RequestEnvelope, dependencies: RequestEventDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId, requestedBy) =>
        toUnshareWorkflowInput(parseWith(UnshareRequest, detail, 'Portfolio Unshare Requested detail'), requestId, requestedBy),
      rejected: rejectedUnshareResult,
    },
    dependencies,
  );
