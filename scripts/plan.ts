// `npm run plan`: what a reconcile run would change, as a table like `terraform plan` — the same plan
// as GET /plan and the reconcile-sharing workflow compute (src/reconcile/plan-reconciliation.ts).
//   npm run plan -- [--endpoint http://127.0.0.1:4566 | aws] [--region us-east-1]
//                   [--policy config/sharing-policy.yml] [--json] [--detailed-exitcode]

import { parseArgs } from 'node:util';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { DEFAULT_POLICY_PATH, loadPolicy } from '../src/policy/load-policy.js';
import { planReconciliation } from '../src/reconcile/plan-reconciliation.js';
import { renderPlan } from '../src/reconcile/render-plan.js';
import { clientConfigFor, describeFailure, LOCAL_ENDPOINT, regionFrom } from './endpoint.js';

const USAGE = `Usage: npm run plan -- [--endpoint ${LOCAL_ENDPOINT} | aws] [--region us-east-1] [--policy ${DEFAULT_POLICY_PATH}] [--json] [--detailed-exitcode]

  --endpoint           The local stack's AWS endpoint (default ${LOCAL_ENDPOINT}, keys test/test),
                       or "aws" for AWS with the default credential chain.
  --policy             The sharing policy to compare with (default ${DEFAULT_POLICY_PATH}).
  --json               Print the plan as JSON instead of the table.
  --detailed-exitcode  Exit 0 when the shares match the policy, 2 when anything differs, 1 on error
                       (as terraform plan -detailed-exitcode). Without it: 0 unless an error.`;

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string', default: LOCAL_ENDPOINT },
    region: { type: 'string' },
    policy: { type: 'string', default: DEFAULT_POLICY_PATH },
    json: { type: 'boolean', default: false },
    'detailed-exitcode': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const choice = { endpoint: values.endpoint, region: regionFrom(values.region) };
try {
  const config = clientConfigFor(choice);
  const plan = await planReconciliation({
    serviceCatalog: new ServiceCatalogClient(config),
    organizations: new OrganizationsClient(config),
    policy: loadPolicy(values.policy),
  });
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
  process.exitCode = values['detailed-exitcode'] && plan.summary.portfoliosDrifted > 0 ? 2 : 0;
} catch (error) {
  console.error(describeFailure(error, choice));
  process.exitCode = 1;
}
