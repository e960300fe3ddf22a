import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { principalArnOf, RequestedBy } from '../contracts/requested-by.js';
import { ApiError, isErrorNamed, NotAuthorizedError, ValidationError } from '../errors.js';
import { checkRequestSize } from '../validation.js';
import { logger } from './handler.js';

export interface ApiResponse {
  statusCode: number;
  body: Record<string, unknown>;
}

/** The JSON body of an HTTP API request; a missing or malformed body is a ValidationError (400). */
export const parseJsonBody = (body: string | undefined, isBase64Encoded = false): unknown => {
  if (!body)
    throw new ValidationError('Invalid request body: body: is required (a JSON object)', [{ path: 'body', message: 'is required' }]);
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  checkRequestSize(text, 'request body');
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid request body: body: is not valid JSON', [{ path: 'body', message: 'is not valid JSON' }]);
  }
};

/** The part of an HTTP API request that says who signed it (the route's `aws_iam` authorizer). */
export interface IamRequestContext {
  requestContext?: { authorizer?: { iam?: { userArn?: string | null; accountId?: string | null } } };
}

/**
 * Who called an IAM-authorized route, as API Gateway reports it: the caller's ARN and account, and the
 * principal ARN IAM evaluates (a role for an assumed-role session). A request without it never
 * passed the IAM authorizer and is refused.
 */
export const apiRequester = (request: IamRequestContext): RequestedBy => {
  const iam = request.requestContext?.authorizer?.iam;
  const parsed = RequestedBy.safeParse({
    type: 'api',
    userArn: iam?.userArn,
    principalArn: principalArnOf(iam?.userArn ?? ''),
    accountId: iam?.accountId,
  });
  if (!parsed.success) throw new ApiError(403, 'The request carries no IAM caller (the route needs a SigV4-signed request)');
  return parsed.data;
};

export const toHttpResult = (response: ApiResponse): APIGatewayProxyResultV2 => ({
  statusCode: response.statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(response.body),
});

/** AWS throttling that outlasted the SDK's retries (standard mode: 3 attempts with backoff); the names the SDK retries as throttling. */
const isThrottled = (error: unknown): boolean =>
  isErrorNamed(error, 'ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded');

/**
 * Maps errors to HTTP answers: validation → 400 naming the fields, a policy refusal → 403 naming the
 * rule (nothing was started), ApiError → its status, AWS
 * throttling → 503 (try again), anything else → a bare 500 (logged, never shown to the caller).
 */
export const httpErrors = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  onError: async (request) => {
    const { error } = request;
    if (error instanceof ValidationError) {
      request.response = toHttpResult({ statusCode: 400, body: { message: error.message, issues: error.issues } });
    } else if (error instanceof NotAuthorizedError) {
      request.response = toHttpResult({ statusCode: 403, body: { message: error.message, error: error.name, rule: error.rule } });
    } else if (error instanceof ApiError) {
      request.response = toHttpResult({ statusCode: error.statusCode, body: { message: error.message, ...error.details } });
    } else if (isThrottled(error)) {
      logger.warn('AWS throttled the request', { error });
      request.response = toHttpResult({
        statusCode: 503,
        body: { message: 'AWS throttled this request; try again in a few seconds', error: 'Throttled' },
      });
    } else {
      logger.error('Unhandled error', { error });
      request.response = toHttpResult({ statusCode: 500, body: { message: 'Internal server error' } });
    }
  },
});
