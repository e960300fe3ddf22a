import { memberSessionsActingFor } from '../../../src/aws/member-roles.js';
import { sleep } from '../../../src/clock.js';
import { lambdaHandler, logger } from '../../../src/lambda/handler.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';
import { actInMemberBatch, ShareMemberBatch } from '../../../src/share/member-batch.js';
import { deployedOutcomeStore } from '../../../src/workflow/account-outcomes.js';

/** Share-portfolio step: one batch of member accounts (accept, associate principals), each account's outcome recorded. */
export const handler = lambdaHandler(
  async (event) => {
    const result = await actInMemberBatch(event, {
      store: deployedOutcomeStore(),
      policy: loadPolicy(),
      memberServiceCatalog: memberSessionsActingFor('shareAcceptance', event.requestedBy),
      sleep,
    });
    logger.info('Member batch done', { portfolioId: event.portfolioId, ...result });
    return result;
  },
  { schema: ShareMemberBatch, name: 'share member batch' },
);
