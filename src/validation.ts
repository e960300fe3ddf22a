import type { z } from 'zod';

/** A request, event or file that does not match its schema; the message names each offending field. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const fieldPath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(root)' : path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replaceAll('.[', '[');

/** Parses with a zod schema and turns its issues into one ValidationError naming the fields. */
export const parseWith = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, issues);
};
