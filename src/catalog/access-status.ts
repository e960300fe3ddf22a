import { type AccessStatus, GetAWSOrganizationsAccessStatusCommand, type ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { isErrorNamed } from '../errors.js';

/** Errors with which Organizations and Service Catalog refuse a caller that may not make the call. */
const REFUSED = ['AccessDenied', 'AccessDeniedException', 'OperationNotSupportedException', 'AWSOrganizationsNotInUseException'];

/** Whether a call was refused because the hub may not make it, rather than failed. */
export const isRefused = (error: unknown): error is Error => isErrorNamed(error, ...REFUSED);

/** What `read` answers, or null when the hub may not read it; `refused` hears why. */
export const unlessRefused = async <T>(read: () => Promise<T>, refused: (error: Error) => void = () => undefined): Promise<T | null> => {
  try {
    return await read();
  } catch (error) {
    if (!isRefused(error)) throw error;
    refused(error);
    return null;
  }
};

/**
 * Service Catalog's Organizations access status, or null when the hub may not read it (only the
 * management account may call GetAWSOrganizationsAccessStatus): the one reader behind
 * `GET /organizations-access` and the reconcile plan.
 */
export const readOrganizationsAccessStatus = (
  serviceCatalog: ServiceCatalogClient,
  refused?: (error: Error) => void,
): Promise<AccessStatus | null> =>
  unlessRefused(async () => (await serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus ?? null, refused);
