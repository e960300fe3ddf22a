// Step Functions with a state directory: executions and their history after a kill, and those the
// kill interrupted redriven to their end, as RedriveExecution records it.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../src/endpoint.js';
import type { AslDefinition } from '../src/stepfunctions/asl.js';
import { createStepFunctionsModule, type StepFunctionsModule } from '../src/stepfunctions/index.js';
import type { TaskContext } from '../src/stepfunctions/state-machines.js';
import { testFixture } from './local-aws-harness.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const lambda = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

const child: AslDefinition = { StartAt: 'Wait a minute', States: { 'Wait a minute': { Type: 'Wait', Seconds: 300, End: true } } };
const parent = (childArn: string): AslDefinition => ({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: lambda('prepare'), Next: 'Run child' },
    'Run child': {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: childArn, Input: { from: 'parent' } },
      ResultPath: '$.child',
      Next: 'Publish',
    },
    Publish: { Type: 'Task', Resource: lambda('publish'), End: true },
  },
});

interface Run {
  aws: LocalAws;
  module: StepFunctionsModule;
  sfn: SFNClient;
  calls: Array<{ state: string; key: string | undefined }>;
  parentArn: string;
}

const runs: Run[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) {
    await run.module.stopAll();
    await run.aws.close();
  }
});

const start = async (stateDir: string): Promise<Run> => {
  const aws = await startLocalAws({ port: 0, fixture: testFixture(), stateDir, timeScale: 1000 });
  const calls: Run['calls'] = [];
  const recording = (state: string) => async (input: unknown, context?: TaskContext) => {
    calls.push({ state, key: context?.idempotencyKey });
    return input;
  };
  const module = createStepFunctionsModule({
    region: REGION,
    accountId: ACCOUNT,
    clock: aws.clock,
    ...(aws.state ? { state: aws.state } : {}),
    bindTasks: () => ({ Prepare: recording('Prepare'), Publish: recording('Publish') }),
  });
  aws.registerService(module.registration);
  const { stateMachineArn: childArn } = module.registerStateMachine({ name: 'child', definition: child });
  const { stateMachineArn: parentArn } = module.registerStateMachine({ name: 'parent', definition: parent(childArn) });
  const run = { aws, module, sfn: new SFNClient(aws.clientConfig()), calls, parentArn };
  runs.push(run);
  return run;
};

/** The state directory as a kill would leave it now: the last commit, nothing after. */
const killed = async (run: Run, stateDir: string): Promise<string> => {
  await run.aws.state?.barrier();
  const copy = mkdtempSync(join(tmpdir(), 'pso-killed-'));
  cpSync(stateDir, copy, { recursive: true });
  return copy;
};

describe('Step Functions after a kill', () => {
  it('redrives an interrupted execution to its end: same ARN, name and input, ExecutionRedriven and RedriveCount 1, the child it waited for found again', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const first = await start(dir);
    const { executionArn } = first.module.startExecution({
      stateMachineArn: first.parentArn,
      name: 'request-1',
      input: { requestId: 'request-1' },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first.calls.map((call) => call.state)).toEqual(['Prepare']);

    // Act
    const second = await start(await killed(first, dir));
    expect(second.module.resume()).toBe(2);
    const ended = await second.module.waitForExecution(executionArn, 10_000);

    // Assess
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.output).toMatchObject({ requestId: 'request-1', child: { Status: 'SUCCEEDED' } });
    const described = await second.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ name: 'request-1', redriveCount: 1, input: '{"requestId":"request-1"}' });
    expect(described.redriveDate).toBeInstanceOf(Date);
    const { events = [] } = await second.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'ExecutionStarted')).toHaveLength(1);
    const redriven = events.find((event) => event.type === 'ExecutionRedriven');
    expect(redriven?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(types.indexOf('ExecutionRedriven')).toBeLessThan(types.indexOf('ExecutionSucceeded'));
    // The same call has the same idempotency key in the run after the restart.
    expect(second.calls.find((call) => call.state === 'Prepare')?.key).toBe(first.calls[0]?.key);
    // The child the first run started is the one the redriven parent waited for: no second child.
    const children = await second.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:child` }),
    );
    expect(children.executions).toHaveLength(1);
    expect(children.executions?.[0]).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  });

  it('keeps a closed execution closed, with its whole history, and redrives nothing', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const first = await start(dir);
    const { executionArn } = first.module.startExecution({ stateMachineArn: first.parentArn, name: 'request-2', input: {} });
    await first.module.waitForExecution(executionArn, 10_000);
    const before = first.module.executionHistory(executionArn);

    // Act
    const second = await start(await killed(first, dir));

    // Assess
    expect(second.module.resume()).toBe(0);
    expect(second.module.describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 0 });
    expect(second.module.executionHistory(executionArn)).toEqual(before);
  });
});
