import { memberSessionsActingFor } from '../../../src/aws/member-roles.js';
import { lambdaHandler, logger } from '../../../src/lambda/handler.js';
import { FindProductsInput, findProvisionedProducts } from '../../../src/ownership/find-products.js';

/** Transfer-ownership step: the products to move, in batches, seen in the member account through its member role. */
export const handler = lambdaHandler(
  async (event) => {
    const found = await findProvisionedProducts(event, {
      memberServiceCatalog: memberSessionsActingFor('ownershipTransfer', event.request.requestedBy),
    });
    logger.info('Provisioned products found', { requestId: event.request.requestId, count: found.count, remaining: found.remaining });
    return found;
  },
  { schema: FindProductsInput, name: 'product search input' },
);
