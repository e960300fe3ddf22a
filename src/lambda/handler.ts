import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { MissingConfigurationError } from '../errors.js';
import { parseWith } from '../validation.js';

/** The one structured logger of every function. */
export const logger = new Logger({ serviceName: 'portfolio-share-orchestrator' });

/** A function's input schema, and what the input is (for the error message). */
export interface InputSchema<E> {
  schema: z.ZodType<E>;
  name: string;
}

/**
 * Validates the event with parseWith before the handler runs, so the handler gets it typed and a bad
 * input fails as a ValidationError naming the fields, never a ZodError (Powertools' parser middleware,
 * with this project's error).
 */
const validatedInput = <E>({ schema, name }: InputSchema<E>): middy.MiddlewareObj<E> => ({
  before: (request) => {
    request.event = parseWith(schema, request.event, name);
  },
});

/**
 * Every function is a middy handler with the Lambda context on its logs. A workflow step passes its
 * input schema; HTTP routes and rule targets take the raw event, because a route answers a bad body
 * with 400 and a rule target turns a bad request into its Failed result event.
 */
export const lambdaHandler = <E, R>(handler: (event: E, context: Context) => Promise<R>, input?: InputSchema<E>) => {
  const wrapped = middy(handler).use(injectLambdaContext(logger, { resetKeys: true }));
  return input ? wrapped.use(validatedInput(input)) : wrapped;
};

/** A required environment variable, set by serverless.yml (or the local runtime). */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`Environment variable ${name} is not set`);
  return value;
};
