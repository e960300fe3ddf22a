import { organizationsClient, serviceCatalogClient } from '../src/aws/clients.js';
import { lambdaHandler } from '../src/lambda/handler.js';
import { type ShareLookupInput, findStillVisible } from '../src/unshare/still-visible.js';

/** Unshare-portfolio step: the accounts the removed share reached that still see the portfolio, and through which share. */
export const handler = lambdaHandler(async (event: ShareLookupInput) =>
  findStillVisible(event, { organizations: organizationsClient(), serviceCatalog: serviceCatalogClient() }),
);
