import { type AslDefinition, aslStates, type TaskHandler } from '@portfolio-share-orchestrator/local-aws';
import { type LambdaFunction, lambdaContext } from './lambda-context.js';
import { type IntegrationClients, integrationFor, UnsupportedResourceError } from './sdk-integration.js';

const LAMBDA_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)$/;

export interface BindingOptions {
  clients: IntegrationClients;
  /** Lambda functions by name (the last part of their ARN). */
  functions: Record<string, LambdaFunction>;
  /** Handlers for other resources by state name, e.g. a nested `startExecution.sync:2`. */
  overrides?: Record<string, TaskHandler>;
}

/** Every Task state of a definition with its resource, nested Map and Parallel states included. */
const taskResources = (definition: AslDefinition): { name: string; resource: string }[] =>
  aslStates(definition).flatMap(({ name, state }) => (state.Type === 'Task' && state.Resource ? [{ name, resource: state.Resource }] : []));

/** Binds every Task state of a definition to a local handler, as aws-local-stepfunctions expects. */
export const bindTaskStates = (definition: AslDefinition, options: BindingOptions): Record<string, TaskHandler> =>
  Object.fromEntries(
    taskResources(definition).map(({ name, resource }) => {
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
