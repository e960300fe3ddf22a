import { ShareRequest } from '../contracts/share.js';
import { toShareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEnvelope, type RequestEventDependencies, takeRequestEvent } from '../workflow/request-event.js';
import { rejectedShareResult } from './share-result.js';

/**
 * A `Portfolio Share Requested` event: validated, normalised and started once under its request id
 * (or the event id); an invalid one ends in a `Portfolio Share Failed` event that names the problem.
 */
export const takeShareRequestEvent = (event: RequestEnvelope, dependencies: RequestEventDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId, requestedBy) =>
        toShareWorkflowInput(parseWith(ShareRequest, detail, 'Portfolio Share Requested detail'), requestId, requestedBy),
      rejected: (detail, failure, requestedBy) => rejectedShareResult(detail, failure, requestedBy),
    },
    dependencies,
  );
