// The Step Functions module behind the real local endpoint, driven through the real
// @aws-sdk/client-sfn (and the AWS CLI): state machines registered programmatically with small
// definitions whose Task states run local functions, executions started, described, listed, stopped
// and read back as history, checked against the botocore model.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  paginateGetExecutionHistory,
  paginateListExecutions,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type AwsCredentials, type LocalAws } from '../../local/aws/endpoint.js';
import { createStepFunctionsModule, type StepFunctionsModule } from '../../local/aws/stepfunctions/index.js';
import type { ApiCallRecord } from '../../local/aws/server.js';
import { type LambdaFunction, type Machine, bindTaskStates } from '../../local/runtime/task-bindings.js';
import { botocoreUnavailableReason, expectConformsToOutput, expectModelledError } from './botocore-model.js';
import { PARTNER_KEY, testFixture } from './local-aws-harness.js';

const run = promisify(execFile);
const TIME_SCALE = 1000;
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const lambda = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

class FlakyError extends Error {
  override name = 'FlakyError';
}
class RejectedError extends Error {
  override name = 'RejectedError';
}

let flakyCalls = 0;
const FUNCTIONS: Record<string, LambdaFunction> = {
  double: async (event) => ({ value: (event as { value: number }).value * 2 }),
  flaky: async () => {
    flakyCalls += 1;
    if (flakyCalls % 3 !== 0) throw new FlakyError(`attempt ${flakyCalls} failed`);
    return { attempts: flakyCalls };
  },
  reject: async (event) => {
    throw new RejectedError(`rejected ${JSON.stringify(event)}`);
  },
  nothing: async () => undefined,
};

/** Small definitions, one behaviour each. */
const MACHINES: Record<string, Machine | Record<string, unknown>> = {
  double: {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Parameters: { 'value.$': '$.n' }, Next: 'Double it' },
      'Double it': { Type: 'Task', Resource: lambda('double'), ResultPath: '$.doubled', Next: 'Done' },
      Done: { Type: 'Succeed', OutputPath: '$.doubled' },
    },
  },
  wait: {
    StartAt: 'Wait an hour',
    States: { 'Wait an hour': { Type: 'Wait', Seconds: 3600, End: true } },
  },
  waits: {
    StartAt: 'Wait seconds',
    States: {
      'Wait seconds': { Type: 'Wait', Seconds: 60, Next: 'Wait seconds path' },
      'Wait seconds path': { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Wait timestamp path' },
      'Wait timestamp path': { Type: 'Wait', TimestampPath: '$.until', OutputPath: '$.seconds', End: true },
    },
  },
  retries: {
    StartAt: 'Call flaky',
    States: {
      'Call flaky': {
        Type: 'Task',
        Resource: lambda('flaky'),
        Retry: [{ ErrorEquals: ['FlakyError'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 3 }],
        End: true,
      },
    },
  },
  caught: {
    StartAt: 'Call reject',
    States: {
      'Call reject': { Type: 'Task', Resource: lambda('reject'), Catch: [{ ErrorEquals: ['RejectedError'], ResultPath: '$.failure', Next: 'Report' }], End: true },
      Report: { Type: 'Pass', End: true },
    },
  },
  failing: {
    StartAt: 'Call reject',
    States: { 'Call reject': { Type: 'Task', Resource: lambda('reject'), End: true } },
  },
  'fail-state': {
    StartAt: 'Give up',
    States: { 'Give up': { Type: 'Fail' } },
  },
  map: {
    StartAt: 'Double each',
    States: {
      'Double each': {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemSelector: { 'value.$': '$$.Map.Item.Value', 'position.$': '$$.Map.Item.Index' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Double item',
          States: {
            'Double item': { Type: 'Task', Resource: lambda('double'), Next: 'Say nothing' },
            'Say nothing': { Type: 'Task', Resource: lambda('nothing'), ResultPath: null, End: true },
          },
        },
        End: true,
      },
    },
  },
  context: {
    StartAt: 'Read context',
    States: {
      'Read context': {
        Type: 'Pass',
        Parameters: {
          'id.$': '$$.Execution.Id',
          'name.$': '$$.Execution.Name',
          'startTime.$': '$$.Execution.StartTime',
          'input.$': '$$.Execution.Input',
          'machineId.$': '$$.StateMachine.Id',
          'machineName.$': '$$.StateMachine.Name',
          'label.$': "States.Format('{}/{}', $$.StateMachine.Name, $$.Execution.Name)",
        },
        Next: 'Read in a Map',
      },
      'Read in a Map': {
        Type: 'Map',
        ItemsPath: '$.input.items',
        ResultPath: '$.inMap',
        ItemProcessor: { StartAt: 'Read input', States: { 'Read input': { Type: 'Pass', Parameters: { 'input.$': '$$.Execution.Input' }, End: true } } },
        End: true,
      },
    },
  },
  child: {
    StartAt: 'Child work',
    States: {
      'Child work': { Type: 'Choice', Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Child fails' }], Default: 'Child doubles' },
      'Child doubles': { Type: 'Task', Resource: lambda('double'), End: true },
      'Child fails': { Type: 'Fail', Error: 'ChildFailed', Cause: 'asked to fail' },
    },
  },
  'slow-child': {
    StartAt: 'Wait long',
    States: { 'Wait long': { Type: 'Wait', Seconds: 86400, End: true } },
  },
  parent: {
    StartAt: 'Run child',
    States: {
      'Run child': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: { StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:child`, 'Name.$': '$.childName', 'Input.$': '$.childInput' },
        Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Child failed' }],
        Next: 'Start and forget',
      },
      'Start and forget': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution',
        Parameters: { StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:child`, Input: { value: 1 } },
        ResultPath: '$.started',
        End: true,
      },
      'Child failed': { Type: 'Pass', End: true },
    },
  },
  'slow-parent': {
    StartAt: 'Run slow child',
    States: {
      'Run slow child': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync',
        Parameters: { StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:slow-child`, 'Name.$': '$.childName' },
        End: true,
      },
    },
  },
};

let aws: LocalAws;
let stepFunctions: StepFunctionsModule;
let sfn: SFNClient;
const calls: ApiCallRecord[] = [];
const clients: SFNClient[] = [];
const arns: Record<string, string> = {};
const modelsAvailable = botocoreUnavailableReason() === undefined;

const client = (credentials?: AwsCredentials) => {
  const created = new SFNClient({ ...aws.clientConfig(credentials), maxAttempts: 1 });
  clients.push(created);
  return created;
};

/** The SDK output and the wire output of the latest such call conform to the botocore model. */
function conforms(operation: string, output: unknown): void {
  if (!modelsAvailable) return;
  expectConformsToOutput('stepfunctions', operation, output);
  const wire = calls.findLast((call) => call.service === 'stepfunctions' && call.operation === operation && !call.errorCode);
  expectConformsToOutput('stepfunctions', operation, wire?.output);
}

async function expectSfnError(call: Promise<unknown>, operation: string, name: string, message?: string | RegExp): Promise<void> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught as Error & { $metadata?: { httpStatusCode?: number } },
  );
  expect(error, `${operation} should fail with ${name}`).toBeDefined();
  expect(error?.name).toBe(name);
  expect(error?.$metadata?.httpStatusCode).toBe(400);
  if (message !== undefined) expect(error?.message).toMatch(message);
  if (modelsAvailable) expectModelledError('stepfunctions', operation, name);
}

async function start(machine: string, input: unknown, name?: string) {
  return sfn.send(new StartExecutionCommand({ stateMachineArn: arns[machine], input: JSON.stringify(input), ...(name ? { name } : {}) }));
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn })) {
    conforms('GetExecutionHistory', page);
    events.push(...(page.events ?? []));
  }
  return events;
}

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, fixture: testFixture(), timeScale: TIME_SCALE });
  aws.onCall((call) => calls.push(call));
  stepFunctions = createStepFunctionsModule({
    region: REGION,
    accountId: ACCOUNT,
    clock: aws.clock,
    // No SDK integration is called here; the clients are never used.
    bindTasks: (machine) => bindTaskStates(machine, { clients: {} as never, functions: FUNCTIONS }),
  });
  aws.registerService(stepFunctions.registration);
  for (const [name, definition] of Object.entries(MACHINES)) {
    arns[name] = stepFunctions.registerStateMachine({ name, definition: definition as Machine }).stateMachineArn;
  }
  sfn = client();
});

afterAll(async () => {
  await stepFunctions?.stopAll();
  expect(stepFunctions?.running()).toBe(0);
  for (const created of clients) created.destroy();
  await aws?.close();
  expect(aws?.internalErrors ?? []).toEqual([]);
});

describe('Step Functions on the local endpoint', () => {
  it('runs an execution to SUCCEEDED and describes it as the model says', async () => {
    const started = await start('double', { n: 21 }, 'double-21');
    conforms('StartExecution', started);
    expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:double:double-21`);

    const done = await stepFunctions.waitForExecution(started.executionArn ?? '', 5_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { value: 42 } });

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    conforms('DescribeExecution', described);
    expect(described).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: arns.double,
      name: 'double-21',
      status: 'SUCCEEDED',
      input: '{"n":21}',
      output: '{"value":42}',
      inputDetails: { included: true },
      outputDetails: { included: true },
    });
    expect(described.startDate).toEqual(started.startDate);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(described.startDate?.getTime() ?? Infinity);
  });

  it('records the history as AWS does: chained ids, Lambda events with their parameters and result', async () => {
    const { executionArn = '' } = await start('double', { n: 5 });
    await stepFunctions.waitForExecution(executionArn, 5_000);
    const events = await history(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((event) => event.id)).toEqual(events.map((_event, index) => index + 1));
    expect(events.map((event) => event.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(events[0]?.executionStartedEventDetails).toMatchObject({ input: '{"n":5}', roleArn: expect.stringContaining(':role/') });
    expect(events[4]?.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: lambda('double'), input: '{"value":5}' });
    expect(events[6]?.lambdaFunctionSucceededEventDetails?.output).toBe('{"value":10}');
    expect(events[7]?.stateExitedEventDetails).toMatchObject({ name: 'Double it', output: '{"value":5,"doubled":{"value":10}}' });
    expect(events[10]?.executionSucceededEventDetails?.output).toBe('{"value":10}');
    for (let index = 1; index < events.length; index += 1) {
      expect(events[index]?.timestamp?.getTime()).toBeGreaterThanOrEqual(events[index - 1]?.timestamp?.getTime() ?? Infinity);
    }

    const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 3, includeExecutionData: false }));
    conforms('GetExecutionHistory', reversed);
    expect(reversed.events?.map((event) => event.id)).toEqual([11, 10, 9]);
    expect(reversed.events?.[0]?.executionSucceededEventDetails).toEqual({ outputDetails: { truncated: false } });
    expect(reversed.nextToken).toBeDefined();
  });
});
