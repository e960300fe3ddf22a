import type { z } from 'zod';
import { ValidationError } from './errors.js';

const fieldPath = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? '(root)'
    : path
        .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
        .join('.')
        .replaceAll('.[', '[');

/**
 * The one way input is validated (requests, events, step inputs, files, and the result details this
 * project builds): parses with a zod schema and turns its issues into one ValidationError naming the
 * fields, so that no ZodError ever reaches a caller or a result event.
 */
export const parseWith = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, issues);
};
