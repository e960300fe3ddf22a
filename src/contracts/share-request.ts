import { z } from 'zod';
import { PortfolioId, RequestId, ShareTarget } from './identifiers.js';

/** A share request: the `detail` of a `Portfolio Share Requested` event, or the body of `POST /shares`. */
export const ShareRequest = z
  .object({
    portfolioId: PortfolioId,
    target: ShareTarget,
    sharePrincipals: z.boolean().optional(),
    shareTagOptions: z.boolean().optional(),
    requestId: RequestId.optional(),
  })
  .strict();
export type ShareRequest = z.infer<typeof ShareRequest>;
