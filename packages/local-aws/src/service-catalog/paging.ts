// PageToken / PageSize paging of Service Catalog listings, on the endpoint's shared pagination
// helper. Page sizes were already checked against the model (20 or 100 at most, by operation);
// PageSize 0 or absent means the default page size.
import { paginate as paginateListing } from '../pagination.js';
import { invalidParameters } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
const LARGEST_MODELLED_PAGE_SIZE = 100;

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** One page of `items`; `listing` names the listing and its filters, so a token only fits its own listing. */
export function paginate<T>(items: readonly T[], listing: string, pageToken: string | undefined, pageSize: number | undefined): Page<T> {
  const page = paginateListing(
    items,
    { nextToken: pageToken, pageSize: pageSize ? pageSize : undefined },
    {
      scope: `servicecatalog:${listing}`,
      limits: { defaultPageSize: DEFAULT_PAGE_SIZE, maxPageSize: LARGEST_MODELLED_PAGE_SIZE },
      invalid: (_problem, message) => invalidParameters(message),
    },
  );
  return page.nextToken === undefined ? { items: page.items } : { items: page.items, nextPageToken: page.nextToken };
}
