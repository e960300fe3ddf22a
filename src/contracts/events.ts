import type { z } from 'zod';

/** The source of every event this project puts on its bus. */
export const EVENT_SOURCE = 'portfolio-share-orchestrator';

export const DetailType = {
  shareRequested: 'Portfolio Share Requested',
  shareSucceeded: 'Portfolio Share Succeeded',
  sharePartiallySucceeded: 'Portfolio Share Partially Succeeded',
  shareFailed: 'Portfolio Share Failed',
  onboardingSucceeded: 'Account Onboarding Succeeded',
  onboardingFailed: 'Account Onboarding Failed',
  unshareRequested: 'Portfolio Unshare Requested',
  unshareSucceeded: 'Portfolio Unshare Succeeded',
  unshareFailed: 'Portfolio Unshare Failed',
  offboardingSucceeded: 'Account Offboarding Succeeded',
  offboardingFailed: 'Account Offboarding Failed',
  ownershipTransferRequested: 'Ownership Transfer Requested',
  ownershipTransferSucceeded: 'Ownership Transfer Succeeded',
  ownershipTransferPartiallySucceeded: 'Ownership Transfer Partially Succeeded',
  ownershipTransferFailed: 'Ownership Transfer Failed',
  driftDetected: 'Portfolio Share Drift Detected',
  reconciliationCompleted: 'Portfolio Share Reconciliation Completed',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** The detail schema of each result detail-type of one feature; the registry of every result event gathers them. */
export type ResultDetails = Partial<Record<DetailType, z.ZodType>>;

/** One detail schema under the detail-type of each outcome. */
export const resultDetailsOf = (detail: z.ZodType, detailTypes: Record<string, DetailType>): ResultDetails =>
  Object.fromEntries(Object.values(detailTypes).map((detailType) => [detailType, detail]));
