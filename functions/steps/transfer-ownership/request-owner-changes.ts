import { memberSessionsActingFor } from '../../../src/aws/member-roles.js';
import { lambdaHandler } from '../../../src/lambda/handler.js';
import { OwnerChangeBatch, requestOwnerChanges } from '../../../src/ownership/owner-changes.js';

/** Transfer-ownership step: UpdateProvisionedProductProperties OWNER for a batch of products in the member account. */
export const handler = lambdaHandler(
  async (event) =>
    requestOwnerChanges(event, { memberServiceCatalog: memberSessionsActingFor('ownershipTransfer', event.request.requestedBy) }),
  { schema: OwnerChangeBatch, name: 'owner change batch' },
);
