import { ShareRequest } from '../contracts/share.js';
import { toShareWorkflowInput } from '../policy/workflow-inputs.js';
import { parseWith } from '../validation.js';
import { type IntakeDependencies, type IntakeOutcome, takeRequestEvent } from '../workflow/request-event.js';
import { rejectedShareResult } from './share-result.js';

/**
 * A `Portfolio Share Requested` event: validated, normalised and started once under its request id
 * (or the event id); an invalid one ends in a `Portfolio Share Failed` event that names the problem.
 */
export const takeShareRequestEvent = (event: { id: string; detail: unknown }, dependencies: IntakeDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId) =>
        toShareWorkflowInput(parseWith(ShareRequest, detail, 'Portfolio Share Requested detail'), requestId, 'event', dependencies.policy),
      rejected: (detail, failure) => rejectedShareResult(detail, failure),
    },
    dependencies,
  );
