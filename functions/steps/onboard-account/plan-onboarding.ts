import { organizationsClient, serviceCatalogClient } from '../../../src/aws/clients.js';
import { lambdaHandler } from '../../../src/lambda/handler.js';
import { PlanOnboardingInput, planOnboarding } from '../../../src/onboarding/plan-onboarding.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';

/** Onboard-account step: the account's OU path, its entitled portfolios, and what each needs. */
export const handler = lambdaHandler(
  async (event) =>
    planOnboarding(event.request, {
      organizations: organizationsClient(),
      serviceCatalog: serviceCatalogClient(),
      policy: loadPolicy(),
    }),
  { schema: PlanOnboardingInput, name: 'onboarding plan input' },
);
