// Step Functions' payload quota on the local endpoint: a task result, a state's input after
// Parameters, a state's output and an execution's input over 256 KiB (262,144 bytes of UTF-8) fail
// as AWS fails them, with States.DataLimitExceeded, which States.ALL neither retries nor catches.
import { type HistoryEvent, paginateGetExecutionHistory, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/endpoint.js';
import { startLocalAws } from '../src/endpoint.js';
import { type AslDefinition, aslStates } from '../src/stepfunctions/asl.js';
import { type BindTasks, createStepFunctionsModule, type StepFunctionsModule } from '../src/stepfunctions/index.js';
import { testFixture } from './local-aws-harness.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const QUOTA = 262_144;
const lambda = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const SDK_RESOURCE = 'arn:aws:states:::aws-sdk:servicecatalog:describePortfolio';

/** A string whose JSON (its quotes included) is `bytes` long in UTF-8: 'é' is two bytes. */
const jsonOfBytes = (bytes: number): string => `${'é'.repeat(Math.floor((bytes - 2) / 2))}${(bytes - 2) % 2 === 1 ? 'e' : ''}`;

let sideEffects = 0;
const FUNCTIONS: Record<string, (event: unknown) => Promise<unknown>> = {
  // Returns a string whose JSON is `bytes` long.
  sized: async (event) => jsonOfBytes((event as { bytes: number }).bytes),
  effect: async () => {
    sideEffects += 1;
    return { done: true };
  },
};

/** Lambda ARNs run the function they name; the SDK integration returns what its parameters ask for. */
const bindTasks: BindTasks = (definition) =>
  Object.fromEntries(
    aslStates(definition)
      .filter(({ state }) => state.Type === 'Task')
      .map(({ name, state }) => {
        if (state.Resource === SDK_RESOURCE)
          return [name, async (input: unknown) => ({ Description: jsonOfBytes((input as { bytes: number }).bytes) })];
        const fn = FUNCTIONS[String(state.Resource).split(':function:')[1] ?? ''];
        if (!fn) throw new Error(`No local binding for state "${name}"`);
        return [name, fn];
      }),
  );

const catchAll = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Caught' }];
const caught = { Type: 'Pass', End: true };

const MACHINES: Record<string, AslDefinition> = {
  result: {
    StartAt: 'Make result',
    States: {
      'Make result': {
        Type: 'Task',
        Resource: lambda('sized'),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3 }],
        Catch: catchAll,
        End: true,
      },
      Caught: caught,
    },
  },
  named: {
    StartAt: 'Make result',
    States: {
      'Make result': {
        Type: 'Task',
        Resource: lambda('sized'),
        Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], ResultPath: '$.caught', Next: 'Caught' }, ...catchAll],
        End: true,
      },
      Caught: caught,
    },
  },
  sdk: {
    StartAt: 'Describe portfolio',
    States: {
      'Describe portfolio': { Type: 'Task', Resource: SDK_RESOURCE, Parameters: { 'bytes.$': '$.bytes' }, Catch: catchAll, End: true },
      Caught: caught,
    },
  },
  output: {
    StartAt: 'Keep result beside input',
    States: {
      'Keep result beside input': {
        Type: 'Task',
        Resource: lambda('sized'),
        Parameters: { 'bytes.$': '$.bytes' },
        ResultPath: '$.result',
        Catch: catchAll,
        Next: 'Act on it',
      },
      'Act on it': { Type: 'Task', Resource: lambda('effect'), End: true },
      Caught: caught,
    },
  },
  'output-in-map': {
    StartAt: 'Keep each',
    States: {
      'Keep each': {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'Keep item result beside input',
          States: {
            'Keep item result beside input': {
              Type: 'Task',
              Resource: lambda('sized'),
              Parameters: { 'bytes.$': '$.bytes' },
              ResultPath: '$.result',
              Next: 'Act on the item',
            },
            'Act on the item': { Type: 'Task', Resource: lambda('effect'), End: true },
          },
        },
        End: true,
      },
    },
  },
  map: {
    StartAt: 'Make each',
    States: {
      'Make each': {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'Make one',
          States: { 'Make one': { Type: 'Task', Resource: lambda('sized'), End: true } },
        },
        Catch: catchAll,
        End: true,
      },
      Caught: caught,
    },
  },
  'map-inner': {
    StartAt: 'Make each',
    States: {
      'Make each': {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          StartAt: 'Make one',
          States: { 'Make one': { Type: 'Task', Resource: lambda('sized'), End: true } },
        },
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
        Catch: catchAll,
        End: true,
      },
      Caught: caught,
    },
  },
  parameters: {
    StartAt: 'Act on both',
    States: {
      'Act on both': {
        Type: 'Task',
        Resource: lambda('effect'),
        Parameters: { 'first.$': '$.text', 'second.$': '$.text' },
        Catch: catchAll,
        End: true,
      },
      Caught: caught,
    },
  },
};

let aws: LocalAws;
let stepFunctions: StepFunctionsModule;
let sfn: SFNClient;
const arns: Record<string, string> = {};

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, fixture: testFixture(), timeScale: 1000 });
  stepFunctions = createStepFunctionsModule({ region: REGION, accountId: ACCOUNT, clock: aws.clock, bindTasks });
  aws.registerService(stepFunctions.registration);
  for (const [name, definition] of Object.entries(MACHINES)) {
    arns[name] = stepFunctions.registerStateMachine({ name, definition }).stateMachineArn;
  }
  sfn = new SFNClient({ ...aws.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  await stepFunctions?.stopAll();
  sfn?.destroy();
  await aws?.close();
  expect(aws?.internalErrors ?? []).toEqual([]);
});

const run = async (machine: string, input: unknown) => {
  const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arns[machine], input: JSON.stringify(input) }));
  const done = await stepFunctions.waitForExecution(executionArn, 10_000);
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn })) events.push(...(page.events ?? []));
  return { ...done, events, types: events.map((event) => event.type) };
};

const limitCause = (subject: string) =>
  `The state/task '${subject}' returned a result with a size exceeding the maximum number of bytes service limit.`;

describe('States.DataLimitExceeded on the local endpoint', () => {
  it('takes a Lambda result of exactly 262,144 bytes of UTF-8, and fails one byte more, unretried and uncaught by States.ALL', async () => {
    expect(Buffer.byteLength(JSON.stringify(jsonOfBytes(QUOTA)))).toBe(QUOTA);
    const within = await run('result', { bytes: QUOTA });
    expect(within.status).toBe('SUCCEEDED');
    expect(Buffer.byteLength(JSON.stringify(within.output))).toBe(QUOTA);

    const over = await run('result', { bytes: QUOTA + 1 });
    const cause = limitCause(lambda('sized'));
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause });
    expect(over.types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'ExecutionFailed',
    ]);
    expect(over.events[4]?.lambdaFunctionFailedEventDetails).toEqual({ error: 'States.DataLimitExceeded', cause });
  });

  it('is caught by a Catch that names it', async () => {
    const handled = await run('named', { bytes: QUOTA + 10 });
    expect(handled).toMatchObject({
      status: 'SUCCEEDED',
      output: { bytes: QUOTA + 10, caught: { Error: 'States.DataLimitExceeded', Cause: limitCause(lambda('sized')) } },
    });
    expect(handled.types).toContain('PassStateEntered');
  });

  it('fails an SDK integration whose output is over the quota, in its TaskFailed event', async () => {
    const over = await run('sdk', { bytes: QUOTA });
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: limitCause(SDK_RESOURCE) });
    const failed = over.events.find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'States.DataLimitExceeded', resourceType: 'aws-sdk' });
  });

  it("fails a state whose output is over the quota, though its task's result is not, before the next state acts", async () => {
    sideEffects = 0;
    const over = await run('output', { bytes: 200_000, padding: jsonOfBytes(100_000) });
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: limitCause('Keep result beside input') });
    expect(over.types).toContain('LambdaFunctionSucceeded');
    expect(over.types).not.toContain('TaskStateExited');
    expect(over.types.at(-1)).toBe('ExecutionFailed');
    expect(sideEffects).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sideEffects).toBe(0);

    // Inside a Map iteration too, whose events reach the history one hop later.
    const inMap = await run('output-in-map', { items: [{ bytes: 200_000, padding: jsonOfBytes(100_000) }] });
    expect(inMap).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: limitCause('Keep item result beside input'),
    });
    expect(sideEffects).toBe(0);

    const within = await run('output', { bytes: 100_000, padding: jsonOfBytes(100_000) });
    expect(within.status).toBe('SUCCEEDED');
    expect(sideEffects).toBe(1);
  });

  it('fails a Map whose gathered output is over the quota, and one whose iteration exceeds it, past its own Retry and Catch of States.ALL', async () => {
    const gathered = await run('map', { items: [{ bytes: 100_000 }, { bytes: 100_000 }, { bytes: 100_000 }] });
    expect(gathered).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: limitCause('Make each') });

    const inner = await run('map-inner', { items: [{ bytes: 10 }, { bytes: QUOTA + 1 }] });
    expect(inner).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: limitCause(lambda('sized')) });
    expect(inner.types.filter((type) => type === 'MapStateEntered')).toHaveLength(1);
    expect(inner.types).not.toContain('PassStateEntered');
  });

  it("refuses a state's input over the quota after Parameters before its task is scheduled", async () => {
    sideEffects = 0;
    const over = await run('parameters', { text: jsonOfBytes(140_000) });
    expect(over).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'Act on both' received an input with a size exceeding the maximum number of bytes service limit.",
    });
    expect(over.types).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
    expect(sideEffects).toBe(0);
  });

  it('refuses an execution input over the quota at StartExecution', async () => {
    const started = sfn.send(
      new StartExecutionCommand({ stateMachineArn: arns.result, input: JSON.stringify({ text: jsonOfBytes(QUOTA) }) }),
    );
    await expect(started).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
