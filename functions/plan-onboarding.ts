import { OnboardingWorkflowInput } from '../src/contracts/workflow-input.js';
import { organizationsClient, serviceCatalogClient } from '../src/aws/clients.js';
import { lambdaHandler } from '../src/lambda/handler.js';
import { planOnboarding } from '../src/onboarding/plan-onboarding.js';
import { loadPolicy } from '../src/policy/load-policy.js';
import { parseWith } from '../src/validation.js';

/** Onboard-account step: the account's OU path, its entitled portfolios, and what each needs. */
export const handler = lambdaHandler(async (event: { request: unknown }) =>
  planOnboarding(parseWith(OnboardingWorkflowInput, event.request, 'onboarding request'), {
    organizations: organizationsClient(),
    serviceCatalog: serviceCatalogClient(),
    policy: loadPolicy(),
  }),
);
