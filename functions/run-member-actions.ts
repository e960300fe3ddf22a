import { memberServiceCatalog } from '../src/aws/member-session.js';
import { stsClient } from '../src/aws/clients.js';
import { lambdaHandler, logger } from '../src/lambda/handler.js';
import { type MemberActionsBatch, runMemberActions } from '../src/share/member-actions.js';

const sessionsByRole = new Map<string, ReturnType<typeof memberServiceCatalog>>();

/** Accepts shares and associates principals in a batch of member accounts, through their member role. */
export const handler = lambdaHandler(async (event: MemberActionsBatch) => {
  const roleName = event.memberRoleName;
  let sessions = sessionsByRole.get(roleName);
  if (!sessions) {
    sessions = memberServiceCatalog({ sts: stsClient(), roleName });
    sessionsByRole.set(roleName, sessions);
  }
  const result = await runMemberActions(event, { memberServiceCatalog: sessions });
  logger.info('Member actions done', { portfolioId: event.portfolioId, succeeded: result.succeeded.length, failed: result.failed.length });
  return result;
});
