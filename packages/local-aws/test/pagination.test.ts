// The pagination helper every list operation of the local endpoint uses.
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../src/contract.js';
import { type PaginateOptions, paginate } from '../src/pagination.js';

const items = Array.from({ length: 7 }, (_, index) => index);
const options = (scope = 'test:List'): PaginateOptions => ({
  scope,
  limits: { defaultPageSize: 3, maxPageSize: 5 },
  invalid: (problem, message) => new AwsServiceError('InvalidInputException', `${problem}: ${message}`),
});

describe('paginate', () => {
  it('walks every item once, page by page, with opaque tokens', () => {
    const seen: number[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = paginate(items, { nextToken }, options());
      seen.push(...page.items);
      nextToken = page.nextToken;
      pages += 1;
      if (nextToken) expect(nextToken).not.toMatch(/^\d+$/);
    } while (nextToken);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
  });

  it('honours the page size within the limits', () => {
    expect(paginate(items, { pageSize: 5 }, options()).items).toEqual([0, 1, 2, 3, 4]);
    expect(paginate(items, { pageSize: 7 - 2 }, options()).nextToken).toBeDefined();
    expect(() => paginate(items, { pageSize: 6 }, options())).toThrow(/PAGE_SIZE_TOO_LARGE/);
    expect(() => paginate(items, { pageSize: 0 }, options())).toThrow(/PAGE_SIZE_TOO_SMALL/);
    expect(() => paginate(items, { pageSize: '2' }, options())).toThrow(/PAGE_SIZE_NOT_INTEGER/);
  });

  it('refuses garbage and tokens of another listing', () => {
    const { nextToken } = paginate(items, {}, options('test:List:a'));
    expect(() => paginate(items, { nextToken }, options('test:List:b'))).toThrow(/INVALID_NEXT_TOKEN/);
    expect(() => paginate(items, { nextToken: 'not-a-token' }, options())).toThrow(/INVALID_NEXT_TOKEN/);
    expect(() => paginate(items, { nextToken: 42 }, options())).toThrow(/INVALID_NEXT_TOKEN/);
    expect(paginate(items, { nextToken }, options('test:List:a')).items).toEqual([3, 4, 5]);
  });

  it('returns an empty last page without a token', () => {
    expect(paginate([], {}, options())).toEqual({ items: [] });
  });
});
