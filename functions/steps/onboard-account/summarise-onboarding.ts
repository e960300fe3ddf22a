import { lambdaHandler } from '../../../src/lambda/handler.js';
import { SummariseOnboardingInput, summariseOnboarding } from '../../../src/onboarding/onboarding-result.js';

/** Onboard-account step: the one result event, with an outcome per portfolio. */
export const handler = lambdaHandler(async (event) => summariseOnboarding(event), {
  schema: SummariseOnboardingInput,
  name: 'onboarding summary input',
});
