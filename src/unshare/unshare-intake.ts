import { UnshareRequest } from '../contracts/unshare.js';
import { toUnshareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import {
  type IntakeOutcome,
  type RequestEnvelope,
  type RequestEventDependencies,
  refusedPortfolioRequest,
  takeRequestEvent,
} from '../workflow/request-event.js';

/** A `Portfolio Unshare Requested` event; an invalid one starts the workflow with its refusal, which ends in one `Portfolio Unshare Failed` event that names the field. */
export const takeUnshareRequestEvent = (event: RequestEnvelope, dependencies: RequestEventDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId, requestedBy) =>
        toUnshareWorkflowInput(parseWith(UnshareRequest, detail, 'Portfolio Unshare Requested detail'), requestId, requestedBy),
      refusedInput: refusedPortfolioRequest,
    },
    dependencies,
  );
