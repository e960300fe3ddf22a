import { z } from 'zod';

/** Why a whole request failed (validation, access disabled, an unexpected error). */
export const RequestFailure = z.object({
  error: z.string().min(1),
  message: z.string(),
});
export type RequestFailure = z.infer<typeof RequestFailure>;
