import { memberSessionsFor } from '../src/aws/member-session.js';
import { stsClient } from '../src/aws/clients.js';
import { lambdaHandler, logger } from '../src/lambda/handler.js';
import { type MemberActionsBatch, runMemberActions } from '../src/share/member-actions.js';

/** Accepts shares and associates principals in a batch of member accounts, through their member role. */
export const handler = lambdaHandler(async (event: MemberActionsBatch) => {
  const result = await runMemberActions(event, { memberServiceCatalog: memberSessionsFor(stsClient(), event.memberRoleName) });
  logger.info('Member actions done', { portfolioId: event.portfolioId, succeeded: result.succeeded.length, failed: result.failed.length });
  return result;
});
