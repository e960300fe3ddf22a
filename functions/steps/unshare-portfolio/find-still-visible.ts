import { organizationsClient, serviceCatalogClient } from '../../../src/aws/clients.js';
import { lambdaHandler } from '../../../src/lambda/handler.js';
import { findStillVisible, ShareLookupInput } from '../../../src/unshare/still-visible.js';

/** Unshare-portfolio step: the accounts the removed share reached that still see the portfolio, and through which share. */
export const handler = lambdaHandler(
  async (event) => findStillVisible(event, { organizations: organizationsClient(), serviceCatalog: serviceCatalogClient() }),
  { schema: ShareLookupInput, name: 'share lookup input' },
);
