import { lambdaHandler } from '../src/lambda/handler.js';
import { type SummariseOnboardingInput, summariseOnboarding } from '../src/onboarding/onboarding-result.js';

/** Onboard-account step: the one result event, with an outcome per portfolio. */
export const handler = lambdaHandler(async (event: SummariseOnboardingInput) => summariseOnboarding(event));
