import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { RequestId } from '../contracts/identifiers.js';
import { ShareRequest } from '../contracts/share-request.js';
import type { ShareWorkflowInput } from '../contracts/workflow-input.js';
import { publishResult } from '../events/publish-result.js';
import { findPortfolioPolicy } from '../policy/entitlements.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import { rejectedShareResult } from '../share/share-result.js';
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

export type IntakeOutcome =
  | (StartedWorkflow & { requestId: string })
  | { requestId: string; state: 'rejected'; message: string };

/** A request id the client chose, when it is usable; otherwise the delivery's own id. */
export const requestIdFor = (detail: unknown, fallback: string): string => {
  const candidate = detail && typeof detail === 'object' ? (detail as { requestId?: unknown }).requestId : undefined;
  return RequestId.safeParse(candidate).success ? (candidate as string) : fallback;
};

/**
 * A `Portfolio Share Requested` event: validated, normalised and started once under its request id
 * (or the event id); an invalid one ends in a `Portfolio Share Failed` event that names the problem.
 */
export const takeShareRequestEvent = async (
  event: { id: string; detail: unknown },
  dependencies: IntakeDependencies,
): Promise<IntakeOutcome> => {
  const requestId = requestIdFor(event.detail, event.id);
  let input: ShareWorkflowInput;
  try {
    const request = parseWith(ShareRequest, event.detail, 'Portfolio Share Requested detail');
    input = toShareWorkflowInput(request, requestId, 'event', dependencies.policy);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const detail = (event.detail ?? {}) as Record<string, unknown>;
    await publishResult(
      dependencies.eventBridge,
      dependencies.eventBusName,
      rejectedShareResult({ requestId, portfolioId: detail.portfolioId, target: detail.target }, { error: error.name, message: error.message }),
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
