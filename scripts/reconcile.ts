// `npm run reconcile`: one run of the reconcile-sharing workflow now, on the local stack (or in AWS),
// waiting for its summary — the run the schedule would start, on demand.
//   npm run reconcile -- [--endpoint http://127.0.0.1:4566 | aws] [--region us-east-1]
//                        [--mode apply|report] [--state-machine-arn arn] [--timeout 600]

import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, paginateListStateMachines, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { numberOption } from '@portfolio-share-orchestrator/local-aws/command-line';
import type { ReconciliationCompletedDetail } from '../src/contracts/reconcile.js';
import { principalArnOf } from '../src/contracts/requested-by.js';
import { clientConfigFor, describeFailure, LOCAL_ENDPOINT, regionFrom } from './endpoint.js';

const USAGE = `Usage: npm run reconcile -- [--endpoint ${LOCAL_ENDPOINT} | aws] [--region us-east-1] [--mode apply|report] [--state-machine-arn arn] [--timeout 600]

  --endpoint           The local stack's AWS endpoint (default ${LOCAL_ENDPOINT}, keys test/test),
                       or "aws" for AWS with the default credential chain.
  --mode               apply (default): create missing shares, prune where the policy says so;
                       report: only report the drift.
  --state-machine-arn  Which reconcile-sharing state machine, when the account has several (stages).
  --timeout            Seconds to wait for the run to end (default 600).`;

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string', default: LOCAL_ENDPOINT },
    region: { type: 'string' },
    mode: { type: 'string', default: 'apply' },
    'state-machine-arn': { type: 'string' },
    timeout: { type: 'string', default: '600' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !['apply', 'report'].includes(values.mode)) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

class ReconcileStateMachineNotFoundError extends Error {
  override name = 'ReconcileStateMachineNotFoundError';
}

/** The one state machine named `…-reconcile-sharing` in the account and region. */
const findStateMachine = async (sfn: SFNClient): Promise<string> => {
  const found: string[] = [];
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    for (const machine of page.stateMachines ?? [])
      if (machine.name?.endsWith('-reconcile-sharing') && machine.stateMachineArn) found.push(machine.stateMachineArn);
  }
  if (found.length === 1) return found[0] as string;
  throw new ReconcileStateMachineNotFoundError(
    found.length === 0
      ? 'No reconcile-sharing state machine here: deploy the stack, or start the local one (npm start)'
      : `Several reconcile-sharing state machines; pick one with --state-machine-arn:\n  ${found.join('\n  ')}`,
  );
};

const choice = { endpoint: values.endpoint, region: regionFrom(values.region) };
try {
  const sfn = new SFNClient(clientConfigFor(choice));
  const stateMachineArn = values['state-machine-arn'] ?? (await findStateMachine(sfn));
  const name = `on-demand-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // The run's result events name who started it, as STS reports the caller.
  const caller = await new STSClient(clientConfigFor(choice)).send(new GetCallerIdentityCommand({}));
  const requestedBy = { type: 'caller', principalArn: principalArnOf(caller.Arn ?? ''), accountId: caller.Account };
  const input = { mode: values.mode.toUpperCase(), trigger: 'on-demand', requestedBy };
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  console.log(`Started ${executionArn}`);

  const deadline = Date.now() + (numberOption('timeout', values.timeout) ?? 600) * 1000;
  let execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  while (execution.status === 'RUNNING' && Date.now() < deadline) {
    await sleep(1000);
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  }
  if (execution.status === 'RUNNING') {
    console.error(`Still running after --timeout; follow it with: aws stepfunctions describe-execution --execution-arn ${executionArn}`);
    process.exitCode = 1;
  } else {
    const summary = execution.output ? (JSON.parse(execution.output) as ReconciliationCompletedDetail) : undefined;
    if (summary) {
      const counts = summary.counts;
      console.log(
        `Run ${name}: ${summary.outcome}` +
          (counts
            ? ` — ${summary.portfoliosChecked.length} portfolios checked, ${counts.portfoliosDrifted} drifted: ${counts.shared} shared, ${counts.unshared} unshared, ${counts.extraKept} extra kept, ${counts.actionsPartiallySucceeded} partially succeeded, ${counts.actionsFailed} failed`
            : ''),
      );
      console.log(JSON.stringify(summary, null, 2));
    } else {
      console.log(`Run ${name}: execution ${execution.status} ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
    }
    process.exitCode = execution.status === 'SUCCEEDED' && summary?.outcome === 'SUCCEEDED' ? 0 : 1;
  }
} catch (error) {
  console.error(describeFailure(error, choice));
  process.exitCode = 1;
}
