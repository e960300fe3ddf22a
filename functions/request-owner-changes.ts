import { stsClient } from '../src/aws/clients.js';
import { sharedMemberServiceCatalog } from '../src/aws/member-session.js';
import { lambdaHandler } from '../src/lambda/handler.js';
import { type OwnerChangeBatch, requestOwnerChanges } from '../src/ownership/owner-changes.js';

/** Transfer-ownership step: UpdateProvisionedProductProperties OWNER for a batch of products in the member account. */
export const handler = lambdaHandler(async (event: OwnerChangeBatch) =>
  requestOwnerChanges(event, { memberServiceCatalog: sharedMemberServiceCatalog(stsClient(), event.request.memberRoleName) }),
);
