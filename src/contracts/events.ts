/** The source of every event this project puts on its bus. */
export const EVENT_SOURCE = 'portfolio-share-orchestrator';

export const DetailType = {
  shareRequested: 'Portfolio Share Requested',
  shareSucceeded: 'Portfolio Share Succeeded',
  sharePartiallySucceeded: 'Portfolio Share Partially Succeeded',
  shareFailed: 'Portfolio Share Failed',
  onboardingSucceeded: 'Account Onboarding Succeeded',
  onboardingFailed: 'Account Onboarding Failed',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];
