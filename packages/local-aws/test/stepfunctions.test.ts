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
  paginateGetExecutionHistory,
  paginateListExecutions,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCredentials, type LocalAws, startLocalAws } from '../src/endpoint.js';
import type { ApiCallRecord } from '../src/server.js';
import { type AslDefinition, aslStates } from '../src/stepfunctions/asl.js';
import { type BindTasks, createStepFunctionsModule, type StepFunctionsModule } from '../src/stepfunctions/index.js';
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

type LocalFunction = (event: unknown) => Promise<unknown>;

let flakyCalls = 0;
const FUNCTIONS: Record<string, LocalFunction> = {
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

/** Each Task state runs the function its Lambda ARN names (the only Task resources these definitions use). */
const bindFunctions: BindTasks = (definition) =>
  Object.fromEntries(
    aslStates(definition)
      .filter(({ state }) => state.Type === 'Task')
      .map(({ name, state }) => {
        const fn = FUNCTIONS[String(state.Resource).split(':function:')[1] ?? ''];
        if (!fn) throw new Error(`No local binding for state "${name}" (${state.Resource})`);
        return [name, (input: unknown) => fn(input)];
      }),
  );

/** Small definitions, one behaviour each. */
const MACHINES: Record<string, AslDefinition | Record<string, unknown>> = {
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
      'Call reject': {
        Type: 'Task',
        Resource: lambda('reject'),
        Catch: [{ ErrorEquals: ['RejectedError'], ResultPath: '$.failure', Next: 'Report' }],
        End: true,
      },
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
        ItemProcessor: {
          StartAt: 'Read input',
          States: { 'Read input': { Type: 'Pass', Parameters: { 'input.$': '$$.Execution.Input' }, End: true } },
        },
        End: true,
      },
    },
  },
  child: {
    StartAt: 'Child work',
    States: {
      'Child work': {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.fail', IsPresent: true },
              { Variable: '$.fail', BooleanEquals: true },
            ],
            Next: 'Child fails',
          },
        ],
        Default: 'Child doubles',
      },
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
        Parameters: {
          StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:child`,
          'Name.$': '$.childName',
          'Input.$': '$.childInput',
        },
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
  parallel: {
    StartAt: 'Both ways',
    States: {
      'Both ways': {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Double left', States: { 'Double left': { Type: 'Task', Resource: lambda('double'), End: true } } },
          {
            StartAt: 'Pause right',
            States: {
              'Pause right': { Type: 'Wait', Seconds: 5, Next: 'Double right' },
              'Double right': { Type: 'Task', Resource: lambda('double'), End: true },
            },
          },
        ],
        End: true,
      },
    },
  },
  'times-out': {
    StartAt: 'Wait too long',
    TimeoutSeconds: 1,
    States: { 'Wait too long': { Type: 'Wait', Seconds: 86400, End: true } },
  },
  loop: {
    StartAt: 'Go round',
    States: {
      'Go round': { Type: 'Pass', Next: 'Again?' },
      'Again?': { Type: 'Choice', Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'Stop' }], Default: 'Go round' },
      Stop: { Type: 'Succeed' },
    },
  },
  'type-tests': {
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.value', IsNull: false },
              { Variable: '$.other', IsPresent: false },
            ],
            Next: 'Matched',
          },
        ],
        Default: 'Unmatched',
      },
      Matched: { Type: 'Pass', Result: 'matched', End: true },
      Unmatched: { Type: 'Pass', Result: 'unmatched', End: true },
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

/** A Lambda function's error as Step Functions reports it: the runtime's error payload as JSON. */
const lambdaCause = (errorType: string, errorMessage: string) =>
  expect.toSatisfy((cause: unknown) => {
    const payload = JSON.parse(String(cause)) as { errorType?: unknown; errorMessage?: unknown; trace?: unknown };
    return payload.errorType === errorType && payload.errorMessage === errorMessage && Array.isArray(payload.trace);
  });

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
    bindTasks: bindFunctions,
  });
  aws.registerService(stepFunctions.registration);
  for (const [name, definition] of Object.entries(MACHINES)) {
    arns[name] = stepFunctions.registerStateMachine({ name, definition: definition as AslDefinition }).stateMachineArn;
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

    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 3, includeExecutionData: false }),
    );
    conforms('GetExecutionHistory', reversed);
    expect(reversed.events?.map((event) => event.id)).toEqual([11, 10, 9]);
    expect(reversed.events?.[0]?.executionSucceededEventDetails).toEqual({ outputDetails: { truncated: false } });
    expect(reversed.nextToken).toBeDefined();
  });

  it('describes and lists state machines, only to their own account', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arns.double }));
    conforms('DescribeStateMachine', described);
    expect(described).toMatchObject({ stateMachineArn: arns.double, name: 'double', status: 'ACTIVE', type: 'STANDARD' });
    expect(JSON.parse(described.definition ?? '')).toEqual(MACHINES.double);

    const firstPage = await sfn.send(new ListStateMachinesCommand({ maxResults: 2 }));
    conforms('ListStateMachines', firstPage);
    expect(firstPage.stateMachines?.map((machine) => machine.name)).toEqual(['caught', 'child']);
    const rest = await sfn.send(new ListStateMachinesCommand({ nextToken: firstPage.nextToken }));
    expect(rest.stateMachines?.map((machine) => machine.name)).toContain('wait');

    const partner = client(PARTNER_KEY);
    expect((await partner.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    await expectSfnError(
      partner.send(new DescribeStateMachineCommand({ stateMachineArn: arns.double })),
      'DescribeStateMachine',
      'StateMachineDoesNotExist',
    );
    await expectSfnError(
      partner.send(new StartExecutionCommand({ stateMachineArn: arns.double })),
      'StartExecution',
      'StateMachineDoesNotExist',
    );
  });

  it('creates a state machine through the API and runs it', async () => {
    const definition = JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Pass', Result: { hello: 'world' }, End: true } } });
    const created = await sfn.send(
      new CreateStateMachineCommand({ name: 'greeter', definition, roleArn: `arn:aws:iam::${ACCOUNT}:role/greeter` }),
    );
    conforms('CreateStateMachine', created);
    const again = await sfn.send(
      new CreateStateMachineCommand({ name: 'greeter', definition, roleArn: `arn:aws:iam::${ACCOUNT}:role/greeter` }),
    );
    expect(again).toMatchObject({ stateMachineArn: created.stateMachineArn, creationDate: created.creationDate });
    await expectSfnError(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'greeter',
          definition: definition.replace('world', 'there'),
          roleArn: `arn:aws:iam::${ACCOUNT}:role/greeter`,
        }),
      ),
      'CreateStateMachine',
      'StateMachineAlreadyExists',
    );
    await expectSfnError(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'broken',
          definition: '{"StartAt":"Nowhere","States":{}}',
          roleArn: `arn:aws:iam::${ACCOUNT}:role/greeter`,
        }),
      ),
      'CreateStateMachine',
      'InvalidDefinition',
    );
    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn }));
    expect(await stepFunctions.waitForExecution(executionArn, 5_000)).toMatchObject({
      status: 'SUCCEEDED',
      output: { hello: 'world' },
      input: {},
    });
  });

  it('treats the same name and input as the same execution while it runs, and refuses a name once used', async () => {
    const first = await start('wait', { request: 1 }, 'idempotent-1');
    const again = await start('wait', { request: 1 }, 'idempotent-1');
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expectSfnError(
      start('wait', { request: 2 }, 'idempotent-1'),
      'StartExecution',
      'ExecutionAlreadyExists',
      `Execution Already Exists: '${first.executionArn}'`,
    );

    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'Operator', cause: 'not needed' }));
    conforms('StopExecution', stopped);
    await expectSfnError(start('wait', { request: 1 }, 'idempotent-1'), 'StartExecution', 'ExecutionAlreadyExists');
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arns.wait }));
    expect(executions.filter((execution) => execution.name === 'idempotent-1')).toHaveLength(1);
  });

  it('stops a running execution: ABORTED with the error and cause given, a closed history, the same stop date again', async () => {
    const { executionArn = '' } = await start('wait', {}, 'to-stop');
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(running.status).toBe('RUNNING');
    expect(running.stopDate).toBeUndefined();
    conforms('DescribeExecution', running);

    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'changed my mind' }));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    conforms('DescribeExecution', described);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'changed my mind', stopDate });
    expect(described.output).toBeUndefined();
    const again = await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(again.stopDate).toEqual(stopDate);

    const events = await history(executionArn);
    expect(events.map((event) => event.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(events[2]).toMatchObject({ previousEventId: 0, executionAbortedEventDetails: { error: 'Operator', cause: 'changed my mind' } });
  });

  it('lists executions newest first, filtered by status, page by page', async () => {
    const names = ['list-1', 'list-2', 'list-3'];
    for (const name of names) await start('double', { n: 1 }, name);
    await Promise.all(
      names.map((name) => stepFunctions.waitForExecution(`arn:aws:states:${REGION}:${ACCOUNT}:execution:double:${name}`, 5_000)),
    );
    const running = await start('wait', {}, 'list-running');

    const listed: string[] = [];
    for await (const page of paginateListExecutions(
      { client: sfn, pageSize: 2 },
      { stateMachineArn: arns.double, statusFilter: 'SUCCEEDED' },
    )) {
      conforms('ListExecutions', page);
      expect(page.executions?.length).toBeLessThanOrEqual(2);
      listed.push(...(page.executions ?? []).map((execution) => execution.name ?? ''));
    }
    expect(listed.slice(0, 3)).toEqual(['list-3', 'list-2', 'list-1']);
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arns.wait, statusFilter: 'RUNNING' }));
    expect(executions.map((execution) => execution.executionArn)).toContain(running.executionArn);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: arns.double, statusFilter: 'RUNNING' }))).executions).toEqual([]);
    await expectSfnError(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: arns.double, nextToken: 'not-a-token' })),
      'ListExecutions',
      'InvalidToken',
    );
  });

  it('answers bad requests with the errors AWS names', async () => {
    const unknownMachine = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:nowhere`;
    await expectSfnError(
      sfn.send(new StartExecutionCommand({ stateMachineArn: unknownMachine })),
      'StartExecution',
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${unknownMachine}'`,
    );
    await expectSfnError(sfn.send(new StartExecutionCommand({ stateMachineArn: 'not-an-arn' })), 'StartExecution', 'InvalidArn');
    await expectSfnError(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arns.double, name: 'has space' })),
      'StartExecution',
      'InvalidName',
      "Invalid Name: 'has space'",
    );
    for (const name of [
      'a<b',
      'a{b',
      'a[b',
      'a?b',
      'a*b',
      'a"b',
      'a#b',
      'a%b',
      'a\\b',
      'a^b',
      'a|b',
      'a~b',
      'a`b',
      'a$b',
      'a&b',
      'a,b',
      'a;b',
      'a:b',
      'a/b',
      'a\u0001b',
      'a\u0085b',
    ]) {
      await expectSfnError(sfn.send(new StartExecutionCommand({ stateMachineArn: arns.double, name })), 'StartExecution', 'InvalidName');
    }
    await expectSfnError(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arns.double, name: 'x'.repeat(81) })),
      'StartExecution',
      'ValidationException',
    );
    await expectSfnError(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arns.double, input: '{"n":' })),
      'StartExecution',
      'InvalidExecutionInput',
    );
    const executionOfNothing = `arn:aws:states:${REGION}:${ACCOUNT}:execution:double:never-started`;
    await expectSfnError(
      sfn.send(new DescribeExecutionCommand({ executionArn: executionOfNothing })),
      'DescribeExecution',
      'ExecutionDoesNotExist',
      `Execution Does Not Exist: '${executionOfNothing}'`,
    );
    await expectSfnError(
      sfn.send(new DescribeExecutionCommand({ executionArn: arns.double })),
      'DescribeExecution',
      'InvalidArn',
      /Resource type not valid in this context: stateMachine/,
    );
    await expectSfnError(
      sfn.send(new GetExecutionHistoryCommand({ executionArn: executionOfNothing })),
      'GetExecutionHistory',
      'ExecutionDoesNotExist',
    );
    await expectSfnError(
      sfn.send(new StopExecutionCommand({ executionArn: executionOfNothing })),
      'StopExecution',
      'ExecutionDoesNotExist',
    );
    await expectSfnError(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: unknownMachine })),
      'ListExecutions',
      'StateMachineDoesNotExist',
    );
    await expectSfnError(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: unknownMachine })),
      'DescribeStateMachine',
      'StateMachineDoesNotExist',
    );
    // A name of 80 characters is fine.
    const longest = await start('double', { n: 0 }, 'y'.repeat(80));
    expect(longest.executionArn).toMatch(/:y{80}$/);
  });

  it('fails an execution with the error and cause of the failing task, and reports it in the history', async () => {
    const { executionArn = '' } = await start('failing', { id: 7 });
    const done = await stepFunctions.waitForExecution(executionArn, 5_000);
    const cause = lambdaCause('RejectedError', 'rejected {"id":7}');
    expect(done).toMatchObject({ status: 'FAILED', error: 'RejectedError', cause });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    conforms('DescribeExecution', described);
    expect(described).toMatchObject({ status: 'FAILED', error: 'RejectedError', cause });
    const events = await history(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'ExecutionFailed',
    ]);
    expect(events[4]?.lambdaFunctionFailedEventDetails).toEqual({ error: 'RejectedError', cause });
    expect(events[5]).toMatchObject({ previousEventId: 5, executionFailedEventDetails: { error: 'RejectedError', cause } });

    const failState = await start('fail-state', {});
    const failed = await stepFunctions.waitForExecution(failState.executionArn ?? '', 5_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBeUndefined();
    expect(failed.cause).toBeUndefined();
    expect((await history(failState.executionArn ?? '')).map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
  });

  it('catches a task failure and retries with backoff on the simulated clock', async () => {
    const caught = await start('caught', { id: 1 });
    expect(await stepFunctions.waitForExecution(caught.executionArn ?? '', 5_000)).toMatchObject({
      status: 'SUCCEEDED',
      output: { id: 1, failure: { Error: 'RejectedError', Cause: lambdaCause('RejectedError', 'rejected {"id":1}') } },
    });
    expect((await history(caught.executionArn ?? '')).map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);

    flakyCalls = 0;
    const realStart = performance.now();
    const retried = await start('retries', {});
    const done = await stepFunctions.waitForExecution(retried.executionArn ?? '', 5_000);
    const realMs = performance.now() - realStart;
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { attempts: 3 } });
    // Retries after 30 s and 60 s of simulated time: 90 ms of real time at a time scale of 1000.
    expect((done.stopDate?.getTime() ?? 0) - done.startDate.getTime()).toBeGreaterThanOrEqual(90_000);
    expect(realMs).toBeLessThan(2_000);
    const types = (await history(retried.executionArn ?? '')).map((event) => event.type);
    expect(types.filter((type) => type === 'LambdaFunctionScheduled')).toHaveLength(3);
    expect(types.filter((type) => type === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types.filter((type) => type === 'TaskStateEntered')).toHaveLength(1);
  });

  it('waits on the simulated clock: Seconds, SecondsPath and TimestampPath', async () => {
    const until = new Date(aws.clock.now() + 600_000).toISOString();
    const realStart = performance.now();
    const { executionArn = '' } = await start('waits', { seconds: 120, until });
    const done = await stepFunctions.waitForExecution(executionArn, 5_000);
    const realMs = performance.now() - realStart;
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: 120 });
    // Ten simulated minutes (the timestamp) take about 0.6 s of real time at a time scale of 1000.
    expect(done.stopDate?.getTime()).toBeGreaterThanOrEqual(Date.parse(until));
    expect(realMs).toBeGreaterThanOrEqual(500);
    expect(realMs).toBeLessThan(3_000);
    const events = await history(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ]);
    const entered = events.filter((event) => event.type === 'WaitStateEntered').map((event) => event.timestamp?.getTime() ?? 0);
    expect((entered[1] ?? 0) - (entered[0] ?? 0)).toBeGreaterThanOrEqual(59_000);
    expect((entered[2] ?? 0) - (entered[1] ?? 0)).toBeGreaterThanOrEqual(119_000);
  });

  it('runs Map iterations with their own history chains and counts their transitions', async () => {
    const before = stepFunctions.stats();
    const { executionArn = '' } = await start('map', { items: [1, 2, 3] });
    const done = await stepFunctions.waitForExecution(executionArn, 5_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: [{ value: 2 }, { value: 4 }, { value: 6 }] });
    const after = stepFunctions.stats();
    expect(after.executions - before.executions).toBe(1);
    // The Map state, then two states in each of three iterations.
    expect(after.stateTransitions - before.stateTransitions).toBe(7);

    const events = await history(executionArn);
    const byId = new Map(events.map((event) => [event.id, event]));
    const mapStarted = events.find((event) => event.type === 'MapStateStarted');
    expect(mapStarted?.mapStateStartedEventDetails).toEqual({ length: 3 });
    const iterations = events.filter((event) => event.type === 'MapIterationStarted');
    expect(iterations.map((event) => event.mapIterationStartedEventDetails)).toEqual(
      expect.arrayContaining([0, 1, 2].map((index) => ({ name: 'Double each', index }))),
    );
    expect(iterations.every((event) => event.previousEventId === mapStarted?.id)).toBe(true);
    expect(events.filter((event) => event.type === 'MapIterationSucceeded')).toHaveLength(3);
    // Each iteration's task was scheduled with that iteration's item, on that iteration's chain.
    for (const scheduled of events.filter((event) => event.type === 'LambdaFunctionScheduled')) {
      let cursor = scheduled;
      while (cursor.type !== 'MapIterationStarted') cursor = byId.get(cursor.previousEventId ?? 0) as HistoryEvent;
      const index = cursor.mapIterationStartedEventDetails?.index ?? -1;
      const input = JSON.parse(scheduled.lambdaFunctionScheduledEventDetails?.input ?? 'null') as {
        position?: number;
        value?: number;
      } | null;
      if (input?.position !== undefined) expect(input).toEqual({ value: index + 1, position: index });
      else expect(input).toEqual({ value: (index + 1) * 2 });
    }
    expect(events.map((event) => event.type).slice(-4)).toEqual([
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('runs Parallel branches on their own chains, and times an execution out after its TimeoutSeconds', async () => {
    const { executionArn = '' } = await start('parallel', { value: 3 });
    expect(await stepFunctions.waitForExecution(executionArn, 5_000)).toMatchObject({
      status: 'SUCCEEDED',
      output: [{ value: 6 }, { value: 6 }],
    });
    const events = await history(executionArn);
    const byId = new Map(events.map((event) => [event.id, event]));
    const started = events.find((event) => event.type === 'ParallelStateStarted');
    const branchStarts = events.filter((event) => event.previousEventId === started?.id);
    expect(branchStarts.map((event) => event.stateEnteredEventDetails?.name).sort()).toEqual(['Double left', 'Pause right']);
    const rightTask = events.find((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'Double right');
    expect(byId.get(rightTask?.previousEventId ?? 0)?.type).toBe('WaitStateExited');
    expect(events.map((event) => event.type).slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);

    // TimeoutSeconds counts real seconds: one second here, while the Wait would take a simulated day.
    const timedOut = await start('times-out', {});
    const done = await stepFunctions.waitForExecution(timedOut.executionArn ?? '', 5_000);
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: timedOut.executionArn }));
    conforms('DescribeExecution', described);
    const last = (await history(timedOut.executionArn ?? '')).at(-1);
    expect(last).toMatchObject({
      type: 'ExecutionTimedOut',
      previousEventId: 0,
      executionTimedOutEventDetails: { error: 'States.Timeout' },
    });
  });

  it('fails an execution whose history reaches 25,000 events, as Step Functions does', async () => {
    const { executionArn = '' } = await start('loop', { stop: false });
    const done = await stepFunctions.waitForExecution(executionArn, 10_000);
    expect(done).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The execution reached the maximum number of history events (25000).',
    });
    const last = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    expect(last.events?.[0]).toMatchObject({ id: 25_000, type: 'ExecutionFailed' });
  });

  it('matches Choice type tests written with false, which the interpreter alone never matches', async () => {
    const outcome = async (input: unknown) => {
      const { executionArn = '' } = await start('type-tests', input);
      return (await stepFunctions.waitForExecution(executionArn, 5_000)).output;
    };
    expect(await outcome({ value: 1 })).toBe('matched');
    expect(await outcome({ value: null })).toBe('unmatched');
    expect(await outcome({ value: 1, other: 2 })).toBe('unmatched');
  });

  it('gives the context object as AWS does, inside Map iterations too', async () => {
    const input = { items: ['a', 'b'] };
    const { executionArn = '', startDate } = await start('context', input, 'context-1');
    const done = await stepFunctions.waitForExecution(executionArn, 5_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({
      id: executionArn,
      name: 'context-1',
      startTime: startDate?.toISOString(),
      input,
      machineId: arns.context,
      machineName: 'context',
      label: 'context/context-1',
      inMap: [{ input }, { input }],
    });
  });

  it('runs a child execution with startExecution.sync:2 and startExecution, and fails the task when the child fails', async () => {
    const { executionArn = '' } = await start('parent', { childName: 'child-ok', childInput: { value: 4 } });
    const done = await stepFunctions.waitForExecution(executionArn, 5_000);
    expect(done.status).toBe('SUCCEEDED');
    const childArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:child:child-ok`;
    expect(done.output).toMatchObject({
      ExecutionArn: childArn,
      Name: 'child-ok',
      StateMachineArn: arns.child,
      Status: 'SUCCEEDED',
      Input: { value: 4 },
      Output: { value: 8 },
      InputDetails: { Included: true },
      OutputDetails: { Included: true },
      StartDate: expect.any(Number),
      StopDate: expect.any(Number),
      started: { ExecutionArn: expect.stringContaining(':execution:child:'), StartDate: expect.any(Number) },
    });
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: childArn }));
    expect(child).toMatchObject({ status: 'SUCCEEDED', output: '{"value":8}' });
    const types = (await history(executionArn)).map((event) => event.type);
    expect(types.slice(0, 8)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
    ]);
    const scheduled = (await history(executionArn)).find((event) => event.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
      region: REGION,
    });

    const failing = await start('parent', { childName: 'child-fails', childInput: { fail: true } });
    const failed = await stepFunctions.waitForExecution(failing.executionArn ?? '', 5_000);
    expect(failed.status).toBe('SUCCEEDED');
    const failure = (failed.output as { failure: { Error: string; Cause: string } }).failure;
    expect(failure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(failure.Cause)).toMatchObject({
      Status: 'FAILED',
      Error: 'ChildFailed',
      Cause: 'asked to fail',
      Name: 'child-fails',
    });

    // The child's name is taken now: starting the parent again fails the task as the integration names it.
    const reused = await start('parent', { childName: 'child-ok', childInput: { value: 5 } });
    const reusedDone = await stepFunctions.waitForExecution(reused.executionArn ?? '', 5_000);
    // States.TaskFailed matches any task error but States.Timeout, so the Catch takes it.
    expect(reusedDone.status).toBe('SUCCEEDED');
    expect((reusedDone.output as { failure: unknown }).failure).toEqual({
      Error: 'StepFunctions.ExecutionAlreadyExistsException',
      Cause: expect.stringMatching(
        /^Execution Already Exists: '.*:execution:child:child-ok' \(Service: AWSStepFunctions; Status Code: 400; Error Code: ExecutionAlreadyExists;/,
      ),
    });
  });

  it('stops the child a stopped parent waits for', async () => {
    const { executionArn = '' } = await start('slow-parent', { childName: 'slow-child-1' });
    const childArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:slow-child:slow-child-1`;
    await expect.poll(() => stepFunctions.describeExecution(childArn).status, { timeout: 2_000 }).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    await stepFunctions.waitForExecution(childArn, 2_000);
    expect(stepFunctions.describeExecution(childArn).status).toBe('ABORTED');
    expect(stepFunctions.describeExecution(executionArn).status).toBe('ABORTED');
  });

  it('tells listeners each step in one line, and stops everything still running', async () => {
    const lines: string[] = [];
    const unsubscribe = stepFunctions.onExecutionEvent((event) => lines.push(String(event)));
    const { executionArn = '' } = await start('double', { n: 2 }, 'told');
    await stepFunctions.waitForExecution(executionArn, 5_000);
    await start('wait', {}, 'left-running');
    await expect.poll(() => lines.length).toBeGreaterThanOrEqual(6);
    unsubscribe();
    expect(lines.slice(0, 5)).toEqual([
      'double/told started',
      'double/told → Prepare',
      'double/told → Double it',
      'double/told → Done',
      'double/told SUCCEEDED',
    ]);

    expect(stepFunctions.running()).toBeGreaterThan(0);
    await stepFunctions.stopAll();
    expect(stepFunctions.running()).toBe(0);
    expect(stepFunctions.describeExecution(`arn:aws:states:${REGION}:${ACCOUNT}:execution:wait:left-running`).status).toBe('ABORTED');
  });

  it('works with the AWS CLI', { timeout: 20_000 }, async () => {
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: REGION,
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
    };
    const cli = async (...args: string[]) =>
      JSON.parse((await run('aws', ['--endpoint-url', aws.url, '--output', 'json', 'stepfunctions', ...args], { env })).stdout) as Record<
        string,
        unknown
      >;
    let started: Record<string, unknown>;
    try {
      started = await cli('start-execution', '--state-machine-arn', arns.double ?? '', '--name', 'from-cli', '--input', '{"n":4}');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return;
      throw error;
    }
    expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:double:from-cli`);
    await stepFunctions.waitForExecution(String(started.executionArn), 5_000);
    expect(await cli('describe-execution', '--execution-arn', String(started.executionArn))).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"value":8}',
    });
    const { events } = (await cli('get-execution-history', '--execution-arn', String(started.executionArn))) as {
      events: { type: string }[];
    };
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
  });
});
