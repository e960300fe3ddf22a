import { z } from 'zod';
import type { AccountFailure, RequestFailure } from '../contracts/outcomes.js';

/** `DescribePortfolioShareStatus` output, as the state machine passes it on. */
export const ShareStatus = z.object({
  Status: z.enum(['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'COMPLETED_WITH_ERRORS', 'ERROR']),
  ShareDetails: z
    .object({
      SuccessfulShares: z.array(z.string()).optional(),
      ShareErrors: z
        .array(z.object({ Accounts: z.array(z.string()).optional(), Message: z.string().optional(), Error: z.string().optional() }))
        .optional(),
    })
    .optional(),
});
export type ShareStatus = z.infer<typeof ShareStatus>;

interface Classified {
  shared: string[];
  failed: AccountFailure[];
  throttled: Map<string, string>;
  failure: RequestFailure | null;
}

const isDuplicate = (error: string) => /^Duplicate/i.test(error);
const isThrottling = (error: string) => /Throttl|TooManyRequests/i.test(error);

/** Sorts one share status (of a create or a delete) into accounts shared, failed (with message) and throttled. */
export const classifyShareStatus = (status: ShareStatus): Classified => {
  const shared = [...(status.ShareDetails?.SuccessfulShares ?? [])];
  const failed: AccountFailure[] = [];
  const throttled = new Map<string, string>();
  for (const shareError of status.ShareDetails?.ShareErrors ?? []) {
    const error = shareError.Error ?? 'ShareError';
    const message = shareError.Message ?? '';
    for (const accountId of shareError.Accounts ?? []) {
      if (isDuplicate(error)) shared.push(accountId);
      else if (isThrottling(error)) throttled.set(accountId, message);
      else failed.push({ accountId, error, message });
    }
  }
  const noAccounts = shared.length + failed.length + throttled.size === 0;
  const failure =
    status.Status === 'ERROR' && noAccounts
      ? { error: 'PortfolioShareError', message: 'The portfolio share ended in ERROR without per-account details' }
      : null;
  return { shared, failed, throttled, failure };
};
