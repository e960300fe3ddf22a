// Helpers for failing the way AWS fails. The error classes themselves live in contract.ts.
import { AwsServiceError } from './contract.js';

/** An AWS error whose shape has members besides the message (Organizations `Reason`, `Type`, …). */
export class AwsServiceErrorWithMembers extends AwsServiceError {
  override name = 'AwsServiceErrorWithMembers';
  constructor(
    code: string,
    message: string,
    statusCode: number,
    readonly members: Record<string, unknown>,
  ) {
    super(code, message, statusCode);
  }
}

/** What a Coral-based JSON service answers for an operation it does not implement. */
export function unknownOperationError(operation: string): AwsServiceError {
  return new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported by the local endpoint.`);
}

export function errorMembers(error: AwsServiceError): Record<string, unknown> {
  return error instanceof AwsServiceErrorWithMembers ? error.members : {};
}
