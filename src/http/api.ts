import { ValidationError } from '../validation.js';

/** An API error that carries its HTTP status; anything else becomes a bare 500. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ApiResponse {
  statusCode: number;
  body: Record<string, unknown>;
}

/** The JSON body of an HTTP API request; a missing or malformed body is a ValidationError (400). */
export const parseJsonBody = (body: string | undefined, isBase64Encoded = false): unknown => {
  if (!body) throw new ValidationError('Invalid request body: body: is required (a JSON object)', [{ path: 'body', message: 'is required' }]);
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid request body: body: is not valid JSON', [{ path: 'body', message: 'is not valid JSON' }]);
  }
};
