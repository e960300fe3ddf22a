// Error names are a contract: the state machines' Retry and Catch match on them.

/** The member account's role cannot be assumed (yet): StackSets reach new accounts a little later. */
export class MemberRoleUnavailableError extends Error {
  override name = 'MemberRoleUnavailableError';
  constructor(
    readonly accountId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The name and message of anything thrown, for reports; never a sentinel. */
export const describeError = (error: unknown): { error: string; message: string } =>
  error instanceof Error
    ? { error: error.name, message: error.message }
    : { error: 'UnknownError', message: String(error) };

/** Whether something thrown is an error of one of these names (AWS SDK errors carry the service's error code as name). */
export const isErrorNamed = (error: unknown, ...names: string[]): error is Error =>
  error instanceof Error && names.includes(error.name);
