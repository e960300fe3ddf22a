import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { RequestId } from '../contracts/identifiers.js';
import type { RequestFailure } from '../contracts/result-events.js';
import { ShareRequest } from '../contracts/share-request.js';
import type { ShareWorkflowInput } from '../contracts/workflow-input.js';
import { publishResult } from '../events/publish-result.js';
import { findPortfolioPolicy } from '../policy/entitlements.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import { type RejectedRequest, type ResultEvent, rejectedShareResult } from '../share/share-result.js';
import { ValidationError, parseWith } from '../validation.js';
import { type StartedWorkflow, startWorkflow } from './start-workflow.js';

/** Turns a valid request into the share workflow's input, with the policy's options for the portfolio. */
export const toShareWorkflowInput = (
  request: ShareRequest,
  requestId: string,
  origin: ShareWorkflowInput['origin'],
  policy: SharingPolicy,
): ShareWorkflowInput => {
  const portfolio = findPortfolioPolicy(policy, request.portfolioId);
  return {
    requestId,
    portfolioId: request.portfolioId,
    target: request.target,
    sharePrincipals: request.sharePrincipals ?? portfolio?.sharePrincipals ?? false,
    shareTagOptions: request.shareTagOptions ?? portfolio?.shareTagOptions ?? false,
    origin,
    allowEnableOrganizationsAccess: policy.settings.allowEnableOrganizationsAccess,
    memberRoleName: policy.settings.memberRoleName,
    memberActions: {
      // Only account shares are accepted; accepting an organization share fails in AWS.
      accept: request.target.type === 'EXTERNAL_ACCOUNT',
      iamPrincipals: portfolio?.associatePrincipals ?? [],
    },
  };
};

export interface IntakeDependencies {
  sfn: SFNClient;
  eventBridge: EventBridgeClient;
  policy: SharingPolicy;
  stateMachineArn: string;
  eventBusName: string;
}

/** What starting a workflow from a request event needs: every intake dependency but the policy. */
export type WorkflowIntakeDependencies = Omit<IntakeDependencies, 'policy'>;

export type IntakeOutcome =
  | (StartedWorkflow & { requestId: string })
  | { requestId: string; state: 'rejected'; message: string };

/** A request id the client chose, when it is usable; otherwise the delivery's own id. */
export const requestIdFor = (detail: unknown, fallback: string): string => {
  const candidate = detail && typeof detail === 'object' ? (detail as { requestId?: unknown }).requestId : undefined;
  return RequestId.safeParse(candidate).success ? (candidate as string) : fallback;
};

/** One kind of request event (share, unshare): how its detail becomes a workflow input, and how a bad one is reported. */
export interface RequestEventKind<I> {
  /** Validates the detail (a ValidationError naming the field when it does not) and builds the workflow's input. */
  toInput: (detail: unknown, requestId: string) => I;
  /** The Failed result event of a detail that does not validate. */
  rejected: (request: RejectedRequest, failure: RequestFailure) => ResultEvent<unknown>;
}

/**
 * A request event: validated, normalised and started once under its request id (or the event id);
 * an invalid one ends in its Failed result event that names the problem.
 */
export const takeRequestEvent = async <I>(
  event: { id: string; detail: unknown },
  kind: RequestEventKind<I>,
  dependencies: WorkflowIntakeDependencies,
): Promise<IntakeOutcome> => {
  const requestId = requestIdFor(event.detail, event.id);
  let input: I;
  try {
    input = kind.toInput(event.detail, requestId);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    await publishResult(
      dependencies.eventBridge,
      dependencies.eventBusName,
      kind.rejected({ requestId, portfolioId: detail.portfolioId, target: detail.target }, { error: error.name, message: error.message }),
    );
    return { requestId, state: 'rejected', message: error.message };
  }
  const started = await startWorkflow(dependencies.sfn, {
    stateMachineArn: dependencies.stateMachineArn,
    name: requestId,
    input,
  });
  return { requestId, ...started };
};

/** A `Portfolio Share Requested` event, with the policy's options for the portfolio. */
export const takeShareRequestEvent = (event: { id: string; detail: unknown }, dependencies: IntakeDependencies): Promise<IntakeOutcome> =>
  takeRequestEvent(
    event,
    {
      toInput: (detail, requestId) =>
        toShareWorkflowInput(parseWith(ShareRequest, detail, 'Portfolio Share Requested detail'), requestId, 'event', dependencies.policy),
      rejected: rejectedShareResult,
    },
    dependencies,
  );
