import { deployedMemberRoleName, memberSessionsActingFor } from '../../../src/aws/member-roles.js';
import { RejectionRequest } from '../../../src/contracts/onboarding.js';
import { lambdaHandler, logger } from '../../../src/lambda/handler.js';
import { rejectUnentitledShares } from '../../../src/onboarding/reject-unentitled-shares.js';

/** Onboard-account step: in the member account, rejects the imported shares the policy does not entitle it to. */
export const handler = lambdaHandler(
  async (event) => {
    const result = await rejectUnentitledShares(event, {
      memberServiceCatalog: memberSessionsActingFor('shareRejection', event.requestedBy),
      roleName: deployedMemberRoleName('shareRejection'),
    });
    logger.info('Unentitled shares rejected', { accountId: event.accountId, rejected: result.rejectedShares.length });
    return result;
  },
  { schema: RejectionRequest, name: 'share rejection request' },
);
