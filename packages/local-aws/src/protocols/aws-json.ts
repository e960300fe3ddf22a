// The awsJson 1.0 / 1.1 wire protocol: `X-Amz-Target: <Prefix>.<Operation>`, JSON bodies, errors as
// `{"__type": "<ErrorName>", "message": "..."}` with the HTTP status of the error and the
// `x-amzn-RequestId` header. AWS writes the message under the member name its model gives the error
// shapes: `message` by default, `Message` for services such as Organizations. Output is written as
// given; modules return timestamps as epoch seconds.
import { AwsServiceError } from '../contract.js';
import { errorMembers } from '../errors.js';
import type { EncodedResponse } from './http-response.js';

export type AwsJsonVersion = '1.0' | '1.1';

export function readJsonTarget(target: string): { prefix: string; operation: string } | undefined {
  const dot = target.lastIndexOf('.');
  if (dot <= 0 || dot === target.length - 1) return undefined;
  return { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

export function decodeJsonInput(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

export function encodeJsonOutput(version: AwsJsonVersion, requestId: string, output: unknown): EncodedResponse {
  return {
    statusCode: 200,
    headers: jsonHeaders(version, requestId),
    body: JSON.stringify(output ?? {}),
  };
}

export type ErrorMessageMember = 'message' | 'Message';

export function encodeJsonError(
  version: AwsJsonVersion,
  requestId: string,
  error: AwsServiceError,
  messageMember: ErrorMessageMember = 'message',
): EncodedResponse {
  return {
    statusCode: error.statusCode,
    headers: jsonHeaders(version, requestId),
    body: JSON.stringify({ __type: error.code, [messageMember]: error.message, ...errorMembers(error) }),
  };
}

function jsonHeaders(version: AwsJsonVersion, requestId: string): Record<string, string> {
  return { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId };
}
