import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RequestedBy } from '../../src/contracts/requested-by.js';

export const HUB_ACCOUNT = '123456789012';

/** A caller of the hub account through the HTTP API, as API Gateway's IAM authorizer reports an assumed role. */
export const API_CALLER: RequestedBy = {
  type: 'api',
  principalArn: `arn:aws:iam::${HUB_ACCOUNT}:role/PlatformTeam`,
  userArn: `arn:aws:sts::${HUB_ACCOUNT}:assumed-role/PlatformTeam/alex`,
  accountId: HUB_ACCOUNT,
};

/** The requestContext API Gateway gives an IAM-authorized route for API_CALLER. */
export const iamRequestContext = (userArn = API_CALLER.type === 'api' ? API_CALLER.userArn : '', accountId = HUB_ACCOUNT) => ({
  requestContext: { authorizer: { iam: { userArn, accountId } } },
});

let directory: string | undefined;
let count = 0;

/**
 * Makes the functions called in this process load this sharing policy (SHARING_POLICY_PATH, as
 * deployed functions read theirs), written to a fresh file so that the functions' per-path cache
 * reads it. The local stack's functions run in sandboxes of their own: `e2e.useSharingPolicy(path)`.
 */
export const usePolicy = (policy: unknown): string => {
  directory ??= mkdtempSync(join(tmpdir(), 'pso-policy-'));
  count += 1;
  const path = join(directory, `sharing-policy-${count}.yml`);
  writeFileSync(path, stringify(policy));
  process.env.SHARING_POLICY_PATH = path;
  return path;
};
