import { organizationsClient, serviceCatalogClient } from '../../../src/aws/clients.js';
import { lambdaHandler, requiredEnv } from '../../../src/lambda/handler.js';
import { loadPolicy } from '../../../src/policy/load-policy.js';
import { authorizeShareStep, ShareAuthorizationInput } from '../../../src/share/authorize-share.js';

/** Share-portfolio step, first: checks the request against the deployed policy and derives what the share does from it. */
export const handler = lambdaHandler(
  async (event) =>
    authorizeShareStep(event, {
      policy: loadPolicy(),
      hubAccountId: requiredEnv('HUB_ACCOUNT_ID'),
      organizations: organizationsClient(),
      serviceCatalog: serviceCatalogClient(),
    }),
  { schema: ShareAuthorizationInput, name: 'share workflow input' },
);
