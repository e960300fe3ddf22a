import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

/** The one structured logger of every function. */
export const logger = new Logger({ serviceName: 'portfolio-share-orchestrator' });

/** Every function is a middy handler with the Lambda context on its logs. */
export const lambdaHandler = <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
  middy(handler).use(injectLambdaContext(logger, { resetKeys: true }));

export class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

/** A required environment variable, set by serverless.yml (or the local runtime). */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`Environment variable ${name} is not set`);
  return value;
};
