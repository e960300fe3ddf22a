// Every named error of the product, in one place. Error names are a contract: the state machines'
// Retry and Catch match on them, and the HTTP API reports them.

/** A request, event, step input or file that does not match its schema; the message names each offending field. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

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

/**
 * The sharing policy does not allow a request (who asked, the portfolio, the target or an option);
 * `rule` names the policy path that refused it. The HTTP API answers 403, a workflow ends Failed.
 */
export class NotAuthorizedError extends Error {
  override name = 'NotAuthorized';
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

/**
 * A requestId that already names a different request (what it asks differs, whoever sent it). Over
 * HTTP a 409; as an event, a Failed result with this error, reported once.
 */
export class RequestIdConflictError extends Error {
  override name = 'RequestIdConflict';
  constructor(readonly requestId: string) {
    super(`requestId ${requestId} is already used by a different request`);
  }
}

export class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

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

/**
 * A call still throttled or failing inside AWS when its retry budget was spent; `cause` is its last
 * error, whose name a report gives.
 */
export class TransientRetriesSpentError extends Error {
  override name = 'TransientRetriesSpentError';
  constructor(
    /** The tries of the call that failed: its first and every retry. */
    readonly attempts: number,
    override readonly cause: Error,
  ) {
    super(`${cause.name} after ${attempts} tries: ${cause.message}`, { cause });
  }
}

/** The member role exists but does not allow the call (a StackSet from before the call was added). */
export class MemberRoleDeniedError extends Error {
  override name = 'MemberRoleDeniedError';
  constructor(
    readonly accountId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class AccountPlacementError extends Error {
  override name = 'AccountPlacementError';
}

/** The portfolio does not exist in the hub (Service Catalog's ResourceNotFoundException). */
export class PortfolioNotFoundError extends Error {
  override name = 'PortfolioNotFoundError';
  constructor(
    readonly portfolioId: string,
    options?: { cause?: unknown },
  ) {
    super(`Portfolio ${portfolioId} was not found in the hub account`, options);
  }
}

export class PortfolioOwnerUnknownError extends Error {
  override name = 'PortfolioOwnerUnknownError';
}

/** Service Catalog will not list the portfolio's organization access (the hub is no organization administrator, or access is off). */
export class OrganizationAccessUnavailableError extends Error {
  override name = 'OrganizationAccessUnavailableError';
}

export class ProvisionedProductNotFoundError extends Error {
  override name = 'ProvisionedProductNotFoundError';
}

export type HubRole = 'MANAGEMENT' | 'DELEGATED_ADMINISTRATOR' | 'OTHER';

/** The account the hub (these functions) runs in, and what it is to the organization: what NotManagementAccountError reports. */
export interface Hub {
  accountId: string;
  role: HubRole;
  organizationId: string | null;
  managementAccountId: string | null;
}

/** The hub is not the management account, which alone may change Organizations access. */
export class NotManagementAccountError extends Error {
  override name = 'NotManagementAccountError';
  constructor(
    readonly hub: Hub,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Access cannot be turned off while Service Catalog delegated administrators are registered. */
export class DelegatedAdministratorsRegisteredError extends Error {
  override name = 'DelegatedAdministratorsRegisteredError';
  constructor(
    readonly delegatedAdministrators: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Another change of Organizations access is still under way (UNDER_CHANGE), or Service Catalog refused the change as it stands. */
export class AccessChangeInProgressError extends Error {
  override name = 'AccessChangeInProgressError';
}

/** The name and message of anything thrown, for reports; never a sentinel. */
export const describeError = (error: unknown): { error: string; message: string } =>
  error instanceof Error ? { error: error.name, message: error.message } : { error: 'UnknownError', message: String(error) };

/** Whether something thrown is an error of one of these names (AWS SDK errors carry the service's error code as name). */
export const isErrorNamed = (error: unknown, ...names: string[]): error is Error => error instanceof Error && names.includes(error.name);

/** The outcomes table did not take every write of a batch, after its own retries of what it left unprocessed. */
export class OutcomeStoreError extends Error {
  override name = 'OutcomeStoreError';
}
