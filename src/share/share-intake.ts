import { ShareRequest } from '../contracts/share.js';
import { toShareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import {
  type IntakeOutcome,
  type RequestEnvelope,
  type RequestEventDependencies,
  refusedPortfolioRequest,
  takeRequestEvent,
} from '../workflow/request-event.js';

/**
 * A `Portfolio Share Requested` event: validated, normalised and started once under its request id
 * (or the event id); an invalid one starts the workflow with its refusal, which ends in one
 * `Portfolio Share Failed` event that names the problem.
 */
export const takeShareRequestEvent = (event: RequestEnvelope, dependencies: RequestEventDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId, requestedBy) =>
        toShareWorkflowInput(parseWith(ShareRequest, detail, 'Portfolio Share Requested detail'), requestId, requestedBy),
      refusedInput: refusedPortfolioRequest,
    },
    dependencies,
  );
