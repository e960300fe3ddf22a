import { memberSessionsActingFor } from '../../../src/aws/member-roles.js';
import { sleep } from '../../../src/clock.js';
import { lambdaHandler, logger } from '../../../src/lambda/handler.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';
import { authorizeMemberActions, MemberActionsBatch, runMemberActions } from '../../../src/share/member-actions.js';

/**
 * Share-portfolio step, also run by onboard-account for an account an existing share already covers:
 * accepts shares and associates principals in a batch of member accounts, through their member role.
 */
export const handler = lambdaHandler(
  async (event) => {
    const result = await runMemberActions(authorizeMemberActions(event, loadPolicy()), {
      memberServiceCatalog: memberSessionsActingFor('shareAcceptance', event.requestedBy),
      sleep,
    });
    logger.info('Member actions done', {
      portfolioId: event.portfolioId,
      succeeded: result.succeeded.length,
      failed: result.failed.length,
    });
    return result;
  },
  { schema: MemberActionsBatch, name: 'member actions batch' },
);
