// PageToken / PageSize paging. Tokens are opaque to callers; they carry the offset and the listing
// they belong to, so a token from one listing is refused by another.
import { invalidParameters } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

interface TokenBody {
  listing: string;
  offset: number;
}

function encode(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decode(token: string, listing: string): number {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (body.listing === listing && typeof body.offset === 'number' && Number.isInteger(body.offset) && body.offset >= 0) {
      return body.offset;
    }
  } catch {
    // Falls through to the refusal below: a token that does not decode is as invalid as a foreign one.
  }
  throw invalidParameters('The page token is not valid.');
}

/**
 * One page of `items`. `listing` names the listing and its filters (e.g. `ListPortfolios:123456789012`);
 * PageSize 0 or absent means the default page size.
 */
export function paginate<T>(items: readonly T[], listing: string, pageToken: string | undefined, pageSize: number | undefined): Page<T> {
  const offset = pageToken ? decode(pageToken, listing) : 0;
  const size = pageSize && pageSize > 0 ? pageSize : DEFAULT_PAGE_SIZE;
  const end = offset + size;
  const page: Page<T> = { items: items.slice(offset, end) };
  if (end < items.length) page.nextPageToken = encode({ listing, offset: end });
  return page;
}
