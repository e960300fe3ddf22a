import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { type AslDefinition, aslStates, type TaskHandler } from '@portfolio-share-orchestrator/local-aws';
import { StateMachine } from 'aws-local-stepfunctions';
import { parse } from 'yaml';
import { loadDefinition, localSubstitutions } from '../../local/runtime/definitions.js';
import type { LambdaFunction } from '../../local/runtime/lambda-context.js';
import { bindTaskStates } from '../../local/runtime/task-bindings.js';

export const ACCOUNT = '123456789012';
export const EVENT_BUS = 'portfolio-share-orchestrator-test';

const ROOT = join(import.meta.dirname, '..', '..');
const { functions } = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { merge: true }) as {
  functions: Record<string, { handler: string }>;
};

/** The real handlers of serverless.yml, by function key: `functions/…/x.handler` is export `handler` of `functions/…/x.ts`. */
export const FUNCTIONS: Record<string, LambdaFunction> = Object.fromEntries(
  await Promise.all(
    Object.entries(functions).map(async ([key, { handler }]) => {
      const dot = handler.lastIndexOf('.');
      const module = (await import(pathToFileURL(join(ROOT, `${handler.slice(0, dot)}.ts`)).href)) as Record<string, LambdaFunction>;
      const fn = module[handler.slice(dot + 1)];
      if (!fn) throw new Error(`serverless.yml: ${key}'s handler ${handler} is not exported by its module`);
      return [key, fn] as const;
    }),
  ),
);

export const definition = (file: string): AslDefinition =>
  loadDefinition(file, localSubstitutions({ region: 'us-east-1', accountId: ACCOUNT, eventBusName: EVENT_BUS }));

/** Clients for SDK integrations: the handlers' own module-level clients use the same mocked classes. */
export const integrationClients = () => ({
  servicecatalog: new ServiceCatalogClient({ region: 'us-east-1' }),
  organizations: new OrganizationsClient({ region: 'us-east-1' }),
  sfn: new SFNClient({ region: 'us-east-1' }),
  eventbridge: new EventBridgeClient({ region: 'us-east-1' }),
  sts: new STSClient({ region: 'us-east-1' }),
});

const START_CHILD_SYNC = 'arn:aws:states:::states:startExecution.sync:2';

export interface WorkflowRun {
  output: unknown;
  error?: { name: string; message: string };
  /** States entered, nested Map iterations included: what AWS bills as state transitions. */
  transitions: number;
  /** History events as a Standard execution records them (entered/exited, task scheduled/started/ended, Map iterations, retries). */
  historyEvents: number;
  entered: string[];
  /** The child executions this run started (startExecution.sync:2 run here), each with its own counts. */
  children: WorkflowRun[];
}

/** State transitions of a run and of every child execution under it: what one request costs. */
export const totalTransitions = (run: WorkflowRun): number =>
  run.children.reduce((sum, child) => sum + totalTransitions(child), run.transitions);

/**
 * `startExecution.sync:2` run here: the child definition file is the state machine's name, its Output
 * the child's output, failing as Step Functions does when the child fails. `record` keeps the child's run.
 */
const childWorkflow =
  (record?: (child: WorkflowRun) => void): TaskHandler =>
  async (input) => {
    const { StateMachineArn, Input } = input as { StateMachineArn: string; Input: unknown };
    const child = await runWorkflow(`${StateMachineArn.split(':').pop()}.asl.json`, Input);
    record?.(child);
    if (child.error) throw Object.assign(new Error(child.error.message), { name: 'States.TaskFailed' });
    return { Status: 'SUCCEEDED', Output: child.output };
  };

/** A child workflow run here, for tests that wrap or record a child start. */
export const runChildWorkflow: TaskHandler = childWorkflow();

/** Runs a real ASL file on aws-local-stepfunctions, Task states bound to the real handlers, no waiting. */
export const runWorkflow = async (
  file: string,
  input: unknown,
  options: { overrides?: Record<string, TaskHandler>; executionName?: string } = {},
): Promise<WorkflowRun> => {
  const machine = definition(file);
  // A nested startExecution.sync:2 runs the child definition (named by its state machine ARN) here
  // too, unless the test replaces it.
  const children: WorkflowRun[] = [];
  const startChild = childWorkflow((child) => children.push(child));
  const overrides: Record<string, TaskHandler> = {
    ...Object.fromEntries(
      aslStates(machine).flatMap(({ name, state }) =>
        state.Type === 'Task' && state.Resource === START_CHILD_SYNC ? [[name, startChild]] : [],
      ),
    ),
    ...options.overrides,
  };
  const statesWith = (predicate: (state: Record<string, unknown>) => boolean) =>
    aslStates(machine).flatMap(({ name, state }) => (predicate(state) ? [name] : []));
  const stateMachine = new StateMachine(machine as never, { validationOptions: { checkArn: false } });
  const zero = (names: string[]) => Object.fromEntries(names.map((name) => [name, 0]));
  const execution = stateMachine.run(input as Parameters<typeof stateMachine.run>[0], {
    context: { Execution: { Name: options.executionName ?? 'test-execution' } },
    overrides: {
      // Handlers return JSON; the library's type wants it spelled as its own JSONValue.
      taskResourceLocalHandlers: bindTaskStates(machine, { clients: integrationClients(), functions: FUNCTIONS, overrides }) as never,
      waitTimeOverrides: zero(statesWith((state) => state.Type === 'Wait')),
      retryIntervalOverrides: zero(statesWith((state) => Array.isArray(state.Retry))),
    },
  });
  const entered: string[] = [];
  let historyEvents = 2;
  const logging = (async () => {
    for await (const event of execution.eventLogs) {
      const state = (event as { state?: { name: string; type: string } }).state;
      switch (event.type) {
        case 'StateEntered':
          entered.push(state?.name ?? '');
          historyEvents += state?.type === 'Task' ? 5 : state?.type === 'Map' ? 4 : 2;
          break;
        case 'MapIterationStarted':
          historyEvents += 2;
          break;
        case 'StateRetried':
          historyEvents += 3;
          break;
      }
    }
  })();
  try {
    const output = await execution.result;
    await logging;
    return { output, transitions: entered.length, historyEvents, entered, children };
  } catch (error) {
    await logging.catch(() => undefined);
    const failure = error as Error;
    return {
      output: undefined,
      error: { name: failure.name, message: failure.message },
      transitions: entered.length,
      historyEvents,
      entered,
      children,
    };
  }
};
