import { serviceCatalogClient } from '../../../src/aws/clients.js';
import { lambdaHandler } from '../../../src/lambda/handler.js';
import { findShare, ShareLookupInput } from '../../../src/unshare/still-visible.js';

/** Unshare-portfolio step: whether the target has a share to delete. */
export const handler = lambdaHandler(async (event) => findShare(event, { serviceCatalog: serviceCatalogClient() }), {
  schema: ShareLookupInput,
  name: 'share lookup input',
});
