// One pagination helper for every list operation of the local endpoint (Organizations, EventBridge,
// Service Catalog, …). Tokens are opaque to callers, as AWS's are, and bound to the listing they
// came from: a token replayed against another operation or other filters is refused.
import { createHash } from 'node:crypto';
import type { AwsServiceError } from './contract.js';

export interface PageLimits {
  /** Page size when the caller gives none. */
  defaultPageSize: number;
  /** Largest page size the operation accepts (Organizations: 20). */
  maxPageSize: number;
  /** Smallest page size the operation accepts; 1 unless the model says otherwise. */
  minPageSize?: number;
}

export type PaginationProblem = 'INVALID_NEXT_TOKEN' | 'PAGE_SIZE_TOO_SMALL' | 'PAGE_SIZE_TOO_LARGE' | 'PAGE_SIZE_NOT_INTEGER';

export interface PaginateOptions {
  /** What is being listed, with its filters, e.g. `organizations:ListChildren:ou-ab12-cdef3456:ACCOUNT`. */
  scope: string;
  limits: PageLimits;
  /** Builds the error the operation's model names for a bad token or page size. */
  invalid: (problem: PaginationProblem, message: string) => AwsServiceError;
}

export interface PageRequest {
  nextToken?: unknown;
  pageSize?: unknown;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextToken?: string;
}

interface TokenBody {
  v: 1;
  s: string;
  o: number;
}

export function paginate<T>(items: readonly T[], request: PageRequest, options: PaginateOptions): Page<T> {
  const pageSize = readPageSize(request.pageSize, options);
  const offset = request.nextToken === undefined || request.nextToken === null ? 0 : readToken(request.nextToken, options);
  const end = Math.min(items.length, offset + pageSize);
  const page: Page<T> = { items: items.slice(offset, end) };
  if (end < items.length) page.nextToken = encodeToken({ v: 1, s: scopeDigest(options.scope), o: end });
  return page;
}

function readPageSize(value: unknown, { limits, invalid }: PaginateOptions): number {
  if (value === undefined || value === null) return limits.defaultPageSize;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalid('PAGE_SIZE_NOT_INTEGER', `Page size must be an integer, got ${String(value)}.`);
  const min = limits.minPageSize ?? 1;
  if (value < min) throw invalid('PAGE_SIZE_TOO_SMALL', `Page size must be greater than or equal to ${min}.`);
  if (value > limits.maxPageSize) throw invalid('PAGE_SIZE_TOO_LARGE', `Page size must be less than or equal to ${limits.maxPageSize}.`);
  return value;
}

function readToken(token: unknown, { scope, invalid }: PaginateOptions): number {
  const refuse = () => invalid('INVALID_NEXT_TOKEN', 'The specified pagination token is not valid.');
  if (typeof token !== 'string' || token.length === 0) throw refuse();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!isTokenBody(body) || body.s !== scopeDigest(scope)) throw refuse();
  return body.o;
}

function isTokenBody(value: unknown): value is TokenBody {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    candidate.v === 1 &&
    typeof candidate.s === 'string' &&
    typeof candidate.o === 'number' &&
    Number.isInteger(candidate.o) &&
    candidate.o >= 0
  );
}

function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function scopeDigest(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 22);
}
