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

/**
 * The largest request a workflow takes, as JSON: every field of a valid request is an identifier, so
 * this is far above any of them, and far below the 256 KiB a workflow input and a result event take.
 */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Refuses a request larger than MAX_REQUEST_BYTES, saying the limit, before it is read any further. */
export const checkRequestSize = (json: string, what: string): void => {
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new ValidationError(
      `Invalid ${what}: it is ${bytes.toLocaleString('en-US')} bytes of JSON; a request takes at most ${MAX_REQUEST_BYTES.toLocaleString('en-US')} bytes`,
      [{ path: '(root)', message: `is larger than ${MAX_REQUEST_BYTES} bytes` }],
    );
  }
};
