// Service Catalog's error vocabulary. `code` is what SDKs match on (`error.name`), so each factory
// names exactly one modelled error shape (or a framework error AWS returns for every JSON service).
import { AwsServiceError } from '../contract.js';

export const invalidParameters = (message: string): AwsServiceError => new AwsServiceError('InvalidParametersException', message);

export const resourceNotFound = (message: string): AwsServiceError => new AwsServiceError('ResourceNotFoundException', message);

export const invalidState = (message: string): AwsServiceError => new AwsServiceError('InvalidStateException', message);

export const operationNotSupported = (message: string): AwsServiceError => new AwsServiceError('OperationNotSupportedException', message);

export const limitExceeded = (message: string): AwsServiceError => new AwsServiceError('LimitExceededException', message);

export const duplicateResource = (message: string): AwsServiceError => new AwsServiceError('DuplicateResourceException', message);

export const resourceInUse = (message: string): AwsServiceError => new AwsServiceError('ResourceInUseException', message);

/** What AWS answers a delegated administrator or member account calling a management-only API. */
export const accessDenied = (message = 'You are not authorized to perform this action.'): AwsServiceError =>
  new AwsServiceError('AccessDeniedException', message);

/** The request framework's answer to input that breaks the model's constraints. */
export const validationFailed = (message: string): AwsServiceError => new AwsServiceError('ValidationException', message);

/** The request framework's answer to JSON of the wrong type for a member. */
export const serializationFailed = (message: string): AwsServiceError => new AwsServiceError('SerializationException', message);

/** Thrown for a fixture or knob section that does not match its documented format. */
export class ServiceCatalogConfigError extends Error {
  override name = 'ServiceCatalogConfigError';
}

export const PORTFOLIO_SHARE_BUSY_MESSAGE = 'Cannot process more than one portfolio share action at the same time. Try again later.';
