import { z } from 'zod';
import { RequestId, ShareTarget } from './identifiers.js';
import { RequestedBy } from './requested-by.js';

/**
 * Why the intake refused a request, carried into the workflow, which reports it in the request's one
 * Failed result and does nothing else: `ValidationError` (the request does not validate) or
 * `RequestIdConflict` (its requestId already names a different request).
 */
export const IntakeRefusal = z
  .object({
    error: z.string().min(1),
    message: z.string(),
    /**
     * SHA-256 of the request as it came (canonical JSON), so that the same refused request delivered
     * again compares equal (one result) and a different one under the same requestId does not.
     */
    requestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type IntakeRefusal = z.infer<typeof IntakeRefusal>;

/** A workflow's input for a refused request: its id, who asked, why it was refused; each workflow adds the request's own fields. */
export const RefusedRequest = z.object({ requestId: RequestId, requestedBy: RequestedBy, refused: IntakeRefusal }).strict();
export type RefusedRequest = z.infer<typeof RefusedRequest>;

/**
 * The share and unshare workflows' input for a refused request: the portfolio id and target when
 * they are usable (null otherwise), for the result and the workflow's fallback result.
 */
export const RefusedPortfolioRequest = RefusedRequest.extend({
  portfolioId: z.string().nullable(),
  target: ShareTarget.nullable(),
});
export type RefusedPortfolioRequest = z.infer<typeof RefusedPortfolioRequest>;
