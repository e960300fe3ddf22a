import { memberSessionsActingFor } from '../../../src/aws/member-roles.js';
import { lambdaHandler } from '../../../src/lambda/handler.js';
import { describeOwnerChangeRecords, OwnerChangeBatch } from '../../../src/ownership/owner-changes.js';

/** Transfer-ownership step: DescribeRecord for the batch's records that have not reached a final status. */
export const handler = lambdaHandler(
  async (event) =>
    describeOwnerChangeRecords(event, { memberServiceCatalog: memberSessionsActingFor('ownershipTransfer', event.request.requestedBy) }),
  { schema: OwnerChangeBatch, name: 'owner change batch' },
);
