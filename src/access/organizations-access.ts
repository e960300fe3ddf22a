import {
  DescribeOrganizationCommand,
  type Organization,
  type OrganizationsClient,
  paginateListAWSServiceAccessForOrganization,
  paginateListDelegatedAdministrators,
} from '@aws-sdk/client-organizations';
import {
  type AccessStatus,
  DisableAWSOrganizationsAccessCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { isRefused, readOrganizationsAccessStatus, unlessRefused } from '../catalog/access-status.js';
import type { Clock } from '../clock.js';
import {
  AccessChangeInProgressError,
  DelegatedAdministratorsRegisteredError,
  type Hub,
  type HubRole,
  isErrorNamed,
  NotManagementAccountError,
} from '../errors.js';

export const SERVICE_CATALOG_PRINCIPAL = 'servicecatalog.amazonaws.com';

export interface AccessClients {
  serviceCatalog: ServiceCatalogClient;
  organizations: OrganizationsClient;
  sts: STSClient;
}

export interface DelegatedAdministrator {
  accountId: string;
  name: string | null;
  status: string | null;
  delegationEnabledDate: string | null;
}

export interface HubDescription {
  hub: Hub;
  /** Service Catalog's delegated administrators; null when the hub may not list them. */
  delegatedAdministrators: DelegatedAdministrator[] | null;
}

const listDelegatedAdministrators = async (organizations: OrganizationsClient): Promise<DelegatedAdministrator[]> => {
  const administrators: DelegatedAdministrator[] = [];
  // Organizations answers at most 20 a page; throttling is retried by the SDK (standard mode).
  for await (const page of paginateListDelegatedAdministrators(
    { client: organizations },
    { ServicePrincipal: SERVICE_CATALOG_PRINCIPAL },
  )) {
    for (const administrator of page.DelegatedAdministrators ?? []) {
      if (!administrator.Id) continue;
      administrators.push({
        accountId: administrator.Id,
        name: administrator.Name ?? null,
        status: administrator.Status ?? null,
        delegationEnabledDate: administrator.DelegationEnabledDate?.toISOString() ?? null,
      });
    }
  }
  return administrators;
};

const isServiceAccessEnabled = async (organizations: OrganizationsClient): Promise<boolean> => {
  for await (const page of paginateListAWSServiceAccessForOrganization({ client: organizations }, {})) {
    if (page.EnabledServicePrincipals?.some((service) => service.ServicePrincipal === SERVICE_CATALOG_PRINCIPAL)) return true;
  }
  return false;
};

/**
 * Who the hub is: STS GetCallerIdentity for its account, DescribeOrganization for the management
 * account, and Service Catalog's delegated administrators (which only the management account or a
 * delegated administrator may list).
 */
export const describeHub = async (clients: Pick<AccessClients, 'organizations' | 'sts'>): Promise<HubDescription> => {
  const { Account: accountId } = await clients.sts.send(new GetCallerIdentityCommand({}));
  if (!accountId) throw new Error('GetCallerIdentity returned no account');
  let organization: Organization | undefined;
  try {
    organization = (await clients.organizations.send(new DescribeOrganizationCommand({}))).Organization;
  } catch (error) {
    if (!isErrorNamed(error, 'AWSOrganizationsNotInUseException')) throw error;
    return { hub: { accountId, role: 'OTHER', organizationId: null, managementAccountId: null }, delegatedAdministrators: null };
  }
  const base = { accountId, organizationId: organization?.Id ?? null, managementAccountId: organization?.MasterAccountId ?? null };
  let delegatedAdministrators: DelegatedAdministrator[] | null;
  try {
    delegatedAdministrators = await listDelegatedAdministrators(clients.organizations);
  } catch (error) {
    if (!isRefused(error)) throw error;
    delegatedAdministrators = null;
  }
  const role: HubRole =
    accountId === base.managementAccountId
      ? 'MANAGEMENT'
      : delegatedAdministrators?.some((administrator) => administrator.accountId === accountId)
        ? 'DELEGATED_ADMINISTRATOR'
        : 'OTHER';
  return { hub: { ...base, role }, delegatedAdministrators };
};

/** Keeps the service's refusal to let the hub read something, for the answer. */
const noteRefusal =
  (refusals: string[], what: string) =>
  (error: Error): void => {
    refusals.push(`The hub cannot read ${what} (${error.name}: ${error.message}).`);
  };

const CLI_REGISTER = (accountId: string) =>
  `aws organizations register-delegated-administrator --account-id ${accountId} --service-principal ${SERVICE_CATALOG_PRINCIPAL}`;

/** What organization sharing still needs, one plain sentence each. */
const missingFor = (
  { hub }: HubDescription,
  accessStatus: AccessStatus | null,
  serviceAccessEnabled: boolean | null,
  refusals: string[],
): string[] => {
  const missing: string[] = [];
  if (!hub.organizationId) {
    missing.push(`The hub account ${hub.accountId} is not in an AWS Organization: organization shares need one.`);
    return missing;
  }
  if (hub.role === 'OTHER') {
    missing.push(
      `The hub account ${hub.accountId} is neither the management account (${hub.managementAccountId}) nor a Service Catalog delegated administrator: ` +
        `register it from the management account (${CLI_REGISTER(hub.accountId)}) or run the hub in the management account.`,
    );
  }
  if (accessStatus === 'DISABLED') {
    missing.push(
      'Organizations access for Service Catalog is DISABLED: enable it from the management account ' +
        '(PUT /organizations-access {"enabled": true}, or aws servicecatalog enable-aws-organizations-access).',
    );
  } else if (accessStatus === 'UNDER_CHANGE') {
    missing.push('Organizations access for Service Catalog is UNDER_CHANGE: ask again in a moment.');
  }
  if (serviceAccessEnabled === false) {
    missing.push(
      `${SERVICE_CATALOG_PRINCIPAL} is not among the organization's trusted services (ListAWSServiceAccessForOrganization): ` +
        'enabling Organizations access for Service Catalog turns it on.',
    );
  }
  if (hub.role !== 'OTHER') missing.push(...refusals);
  return missing;
};

export interface OrganizationsAccessReport extends HubDescription {
  accessStatus: AccessStatus | null;
  serviceAccessEnabled: boolean | null;
  /** Only the management account may enable or disable Organizations access. */
  canChangeAccess: boolean;
  readyForOrganizationSharing: boolean;
  missing: string[];
}

/** `GET /organizations-access`: the state of Service Catalog's organization integration and what it lacks. */
export const readOrganizationsAccess = async (clients: AccessClients): Promise<OrganizationsAccessReport> => {
  const described = await describeHub(clients);
  const refusals: string[] = [];
  const organizationMember = described.hub.organizationId !== null;
  const [accessStatus, serviceAccessEnabled] = organizationMember
    ? await Promise.all([
        readOrganizationsAccessStatus(clients.serviceCatalog, noteRefusal(refusals, 'the Organizations access status of Service Catalog')),
        unlessRefused(() => isServiceAccessEnabled(clients.organizations), noteRefusal(refusals, "the organization's trusted services")),
      ])
    : [null, null];
  const missing = missingFor(described, accessStatus, serviceAccessEnabled, refusals);
  return {
    ...described,
    accessStatus,
    serviceAccessEnabled,
    canChangeAccess: described.hub.role === 'MANAGEMENT',
    readyForOrganizationSharing: missing.length === 0 && accessStatus === 'ENABLED' && serviceAccessEnabled === true,
    missing,
  };
};

/** What turning access off means, from the AWS documentation of Disable/EnableAWSOrganizationsAccess. */
const consequencesOfDisabling = (allowEnableOrganizationsAccess: boolean): string[] => [
  "Existing shares are not deleted, but organization shares stop following the organization's structure: accounts that join the organization or move into a shared OU no longer get the portfolio, and accounts that move out of it or leave the organization keep it.",
  'No new share with the organization, an OU or an organization member account can be created until access is enabled again; account shares (EXTERNAL_ACCOUNT) still work.',
  'Accounts removed from the organization while access is off keep access to portfolios shared with the organization or their OU, and enabling access again might not take it away (AWS documentation of DisableAWSOrganizationsAccess and EnableAWSOrganizationsAccess): check GET /portfolios/{portfolioId}/access and unshare what they should not keep.',
  allowEnableOrganizationsAccess
    ? 'The sharing policy allows the share workflow to enable access (settings.allowEnableOrganizationsAccess: true): the next share request or account onboarding for an organization target turns it back on.'
    : 'Share requests and account onboarding for organization targets end in Portfolio Share Failed with OrganizationsAccessDisabled until access is enabled again (settings.allowEnableOrganizationsAccess is false).',
];

const CONSEQUENCES_OF_ENABLING = [
  'Service Catalog keeps organization shares in sync with the organization again: accounts that join or move into a shared OU get the portfolio, accounts that move out or leave lose it.',
  'AWS warns that accounts removed from the organization while access was off might keep access to previously shared portfolios: check GET /portfolios/{portfolioId}/access.',
];

export interface AccessChangeOptions {
  clock: Clock;
  /** How long the change may wait through UNDER_CHANGE, in the clock's milliseconds. */
  waitBudgetMs: number;
  allowEnableOrganizationsAccess: boolean;
  /** First poll delay; it doubles up to maxPollDelayMs. */
  pollDelayMs?: number;
  maxPollDelayMs?: number;
}

export interface AccessChange {
  requested: 'ENABLED' | 'DISABLED';
  previousStatus: AccessStatus;
  accessStatus: AccessStatus;
  /** Whether this request called Enable/DisableAWSOrganizationsAccess. */
  changed: boolean;
  /** Whether the status reached the requested one before the wait budget ran out. */
  settled: boolean;
  waitedMs: number;
  message: string;
  consequences: string[];
}

/**
 * Polls the access status until it is no longer `UNDER_CHANGE` (or, after a change, until it is the
 * requested one), with a doubling delay, never past the budget's deadline.
 */
const waitForStatus = async (
  serviceCatalog: ServiceCatalogClient,
  done: (status: AccessStatus) => boolean,
  first: AccessStatus,
  deadline: number,
  options: AccessChangeOptions,
): Promise<AccessStatus> => {
  let status = first;
  let delay = options.pollDelayMs ?? 1000;
  while (!done(status)) {
    const remaining = deadline - options.clock.now().getTime();
    if (remaining <= 0) break;
    await options.clock.sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, options.maxPollDelayMs ?? 8000);
    status = (await serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus ?? 'UNDER_CHANGE';
  }
  return status;
};

const delegatedAdministratorNames = (administrators: DelegatedAdministrator[]): string =>
  administrators
    .map((administrator) => (administrator.name ? `${administrator.accountId} (${administrator.name})` : administrator.accountId))
    .join(', ');

/**
 * `PUT /organizations-access`: enables or disables Service Catalog's Organizations access from the
 * management account and waits through UNDER_CHANGE within the budget. Idempotent: asking for the
 * current status changes nothing.
 */
export const changeOrganizationsAccess = async (
  enabled: boolean,
  clients: AccessClients,
  options: AccessChangeOptions,
): Promise<AccessChange> => {
  const requested = enabled ? 'ENABLED' : 'DISABLED';
  const started = options.clock.now().getTime();
  const deadline = started + options.waitBudgetMs;
  const { hub, delegatedAdministrators } = await describeHub(clients);
  if (hub.role !== 'MANAGEMENT') {
    const what =
      hub.role === 'DELEGATED_ADMINISTRATOR'
        ? 'a Service Catalog delegated administrator'
        : hub.organizationId
          ? 'a member account that is not the management account'
          : 'not in an AWS Organization';
    throw new NotManagementAccountError(
      hub,
      `Only the organization's management account${hub.managementAccountId ? ` (${hub.managementAccountId})` : ''} may ${enabled ? 'enable' : 'disable'} Organizations access for Service Catalog; the hub runs in ${hub.accountId}, ${what}.`,
    );
  }

  const read = async () =>
    (await clients.serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus ?? 'UNDER_CHANGE';
  const previousStatus = await waitForStatus(
    clients.serviceCatalog,
    (status) => status !== 'UNDER_CHANGE',
    await read(),
    deadline,
    options,
  );
  const consequences = enabled ? CONSEQUENCES_OF_ENABLING : consequencesOfDisabling(options.allowEnableOrganizationsAccess);
  if (previousStatus === 'UNDER_CHANGE') {
    throw new AccessChangeInProgressError(
      'Organizations access for Service Catalog is still UNDER_CHANGE from an earlier change: try again in a moment.',
    );
  }
  if (previousStatus === requested) {
    return {
      requested,
      previousStatus,
      accessStatus: previousStatus,
      changed: false,
      settled: true,
      waitedMs: options.clock.now().getTime() - started,
      message: `Organizations access for Service Catalog is already ${requested}; nothing changed.`,
      consequences,
    };
  }
  if (!enabled && delegatedAdministrators && delegatedAdministrators.length > 0) {
    throw new DelegatedAdministratorsRegisteredError(
      delegatedAdministrators.map((administrator) => administrator.accountId),
      `Organizations access cannot be disabled while Service Catalog delegated administrators are registered: deregister ${delegatedAdministratorNames(delegatedAdministrators)} first (aws organizations deregister-delegated-administrator --service-principal ${SERVICE_CATALOG_PRINCIPAL}).`,
    );
  }

  try {
    await clients.serviceCatalog.send(enabled ? new EnableAWSOrganizationsAccessCommand({}) : new DisableAWSOrganizationsAccessCommand({}));
  } catch (error) {
    if (isErrorNamed(error, 'AccessDenied', 'AccessDeniedException', 'OperationNotSupportedException')) {
      throw new NotManagementAccountError(
        hub,
        `Service Catalog refused to ${enabled ? 'enable' : 'disable'} Organizations access from ${hub.accountId} (${error.name}: ${error.message}); only the management account may, with servicecatalog:${enabled ? 'Enable' : 'Disable'}AWSOrganizationsAccess and organizations:${enabled ? 'Enable' : 'Disable'}AWSServiceAccess allowed.`,
        { cause: error },
      );
    }
    if (isErrorNamed(error, 'InvalidStateException')) {
      throw new AccessChangeInProgressError(`Service Catalog refused the change: ${error.message}`, { cause: error });
    }
    throw error;
  }

  const accessStatus = await waitForStatus(clients.serviceCatalog, (status) => status === requested, await read(), deadline, options);
  const settled = accessStatus === requested;
  const waitedMs = options.clock.now().getTime() - started;
  return {
    requested,
    previousStatus,
    accessStatus,
    changed: true,
    settled,
    waitedMs,
    message: settled
      ? `Organizations access for Service Catalog is now ${requested}.`
      : `Organizations access for Service Catalog is ${accessStatus} after ${Math.round(waitedMs / 1000)} s; GET /organizations-access until it is ${requested}.`,
    consequences,
  };
};
