import type { Context } from 'aws-lambda';
import { integrationFor, type IntegrationClients, type TaskHandler, UnsupportedResourceError } from './sdk-integration.js';

export type StateDefinition = { Type: string; Resource?: string; ItemProcessor?: Machine; Iterator?: Machine; Branches?: Machine[]; [field: string]: unknown };
export type Machine = { StartAt: string; States: Record<string, StateDefinition> };

/** A state with where it sits: the machine that holds it, run by the Map or Parallel states in `within` (outermost first). */
export interface NestedState {
  name: string;
  state: StateDefinition;
  machine: Machine;
  within: NestedState[];
}

/** Every state of a definition, nested Map and Parallel states included. */
export const allStates = (machine: Machine, within: NestedState[] = []): NestedState[] =>
  Object.entries(machine.States).flatMap(([name, state]) => {
    const here = { name, state, machine, within };
    return [here, ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].flatMap((inner) => (inner ? allStates(inner, [...within, here]) : []))];
  });

/** Every Task state of a definition, nested Map and Parallel states included. */
export const taskStates = (machine: Machine): (NestedState & { resource: string })[] =>
  allStates(machine).flatMap((nested) => (nested.state.Type === 'Task' && nested.state.Resource ? [{ ...nested, resource: nested.state.Resource }] : []));

/** A Lambda handler as the Lambda runtime would call it. */
export type LambdaFunction = (event: unknown, context: Context) => Promise<unknown>;

/** A Lambda context; `getRemainingTimeInMillis` counts down (in real time) from the function's timeout. */
export const lambdaContext = (functionName: string, region = 'us-east-1', accountId = '123456789012', timeoutSeconds = 300): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const LAMBDA_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)$/;

export interface BindingOptions {
  clients: IntegrationClients;
  /** Lambda functions by name (the last part of their ARN). */
  functions: Record<string, LambdaFunction>;
  /** Handlers for other resources by state name, e.g. a nested `startExecution.sync:2`. */
  overrides?: Record<string, TaskHandler>;
}

/** Binds every Task state of a definition to a local handler, as aws-local-stepfunctions expects. */
export const bindTaskStates = (machine: Machine, options: BindingOptions): Record<string, TaskHandler> =>
  Object.fromEntries(
    taskStates(machine).map(({ name, resource }) => {
      const override = options.overrides?.[name];
      if (override) return [name, override];
      const integration = integrationFor(options.clients, resource);
      if (integration) return [name, integration];
      const lambda = LAMBDA_ARN.exec(resource);
      const fn = lambda ? options.functions[lambda[1] as string] : undefined;
      if (!fn) throw new UnsupportedResourceError(`No local binding for state "${name}" (${resource})`);
      const functionName = lambda?.[1] as string;
      return [name, (input: unknown) => fn(input, lambdaContext(functionName))];
    }),
  );
