import { ShareRequest } from '../contracts/share-request.js';
import type { ShareWorkflowInput } from '../contracts/workflow-input.js';
import { findPortfolioPolicy } from '../policy/entitlements.js';
import type { SharingPolicy } from '../policy/sharing-policy.js';
import { rejectedShareResult } from '../share/share-result.js';
import { parseWith } from '../validation.js';
import { type IntakeOutcome, type RequestEventDependencies, takeRequestEvent } from './request-event.js';

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

export interface IntakeDependencies extends RequestEventDependencies {
  policy: SharingPolicy;
}

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
