import { z } from 'zod';
import { PortfolioId, RequestId, ShareTarget } from './identifiers.js';

/** An unshare request: the `detail` of a `Portfolio Unshare Requested` event, or the body of `DELETE /shares`. */
export const UnshareRequest = z
  .object({
    portfolioId: PortfolioId,
    target: ShareTarget,
    requestId: RequestId.optional(),
  })
  .strict();
export type UnshareRequest = z.infer<typeof UnshareRequest>;

/** The input of the unshare-portfolio state machine. */
export const UnshareWorkflowInput = z.object({
  requestId: RequestId,
  portfolioId: PortfolioId,
  target: ShareTarget,
  /** Who asked: a caller (api, event), an account leaving an entitled place, or a reconcile run that prunes. */
  origin: z.enum(['api', 'event', 'account-change', 'reconcile']),
});
export type UnshareWorkflowInput = z.infer<typeof UnshareWorkflowInput>;
