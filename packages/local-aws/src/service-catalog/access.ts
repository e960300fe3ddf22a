// Service Catalog's AWS Organizations access: DISABLED → UNDER_CHANGE → ENABLED (and back) over
// simulated time, backed by the organization's trusted access for servicecatalog.amazonaws.com.
import { accessDenied, invalidState } from './errors.js';
import { type OperationTable, operation, type Scope, SERVICE_PRINCIPAL } from './state.js';
import { isOrganizationAdmin, shareMembers } from './visibility.js';

export type AccessStatus = 'ENABLED' | 'UNDER_CHANGE' | 'DISABLED';

export function accessStatus(scope: Scope): AccessStatus {
  if (scope.now < scope.state.accessChangeUntil) return 'UNDER_CHANGE';
  return scope.org.isServiceAccessEnabled(SERVICE_PRINCIPAL) ? 'ENABLED' : 'DISABLED';
}

/**
 * While access is off AWS stops syncing organization shares with the organization: recipients are
 * those of the moment access went off (accounts removed afterwards keep the portfolio).
 */
export function syncShareMembership(scope: Scope): void {
  const enabled = scope.org.isServiceAccessEnabled(SERVICE_PRINCIPAL);
  for (const portfolio of scope.state.portfolios.values()) {
    for (const share of portfolio.orgShares.values()) {
      if (enabled && share.frozenMembers) {
        delete share.frozenMembers;
      } else if (!enabled && !share.frozenMembers) {
        share.frozenMembers = new Set(shareMembers(scope, portfolio, share));
      }
    }
  }
}

function requireManagementAccount(scope: Scope): void {
  if (scope.caller.accountId !== scope.org.managementAccountId) throw accessDenied();
}

function requireSettled(scope: Scope): AccessStatus {
  const status = accessStatus(scope);
  if (status === 'UNDER_CHANGE') {
    throw invalidState('AWS Organizations access for Service Catalog is UNDER_CHANGE. Try again later.');
  }
  return status;
}

function hasDelegatedAdministrators(scope: Scope): boolean {
  return scope.org
    .accountsUnder(scope.org.organizationId)
    .some((accountId) => scope.org.isDelegatedAdministrator(accountId, SERVICE_PRINCIPAL));
}

// "This API can only be called by the management account in the organization or by a delegated
// admin" (GetAWSOrganizationsAccessStatus); changing the access is for the management account only.
const getAccessStatus = operation<Record<string, never>>((_input, scope) => {
  if (!isOrganizationAdmin(scope.org, scope.caller.accountId)) throw accessDenied();
  return { AccessStatus: accessStatus(scope) };
});

const enableAccess = operation<Record<string, never>>((_input, scope) => {
  requireManagementAccount(scope);
  if (requireSettled(scope) === 'ENABLED') return {};
  scope.org.setServiceAccess(SERVICE_PRINCIPAL, true);
  scope.state.accessChangeUntil = scope.now + scope.knobs.accessChangeMs;
  syncShareMembership(scope);
  return {};
});

const disableAccess = operation<Record<string, never>>((_input, scope) => {
  requireManagementAccount(scope);
  if (requireSettled(scope) === 'DISABLED') return {};
  if (hasDelegatedAdministrators(scope)) {
    throw invalidState('Deregister the delegated administrators for Service Catalog before disabling AWS Organizations access.');
  }
  scope.org.setServiceAccess(SERVICE_PRINCIPAL, false);
  syncShareMembership(scope);
  scope.state.accessChangeUntil = scope.now + scope.knobs.accessChangeMs;
  return {};
});

export const accessOperations: OperationTable = {
  GetAWSOrganizationsAccessStatus: getAccessStatus,
  EnableAWSOrganizationsAccess: enableAccess,
  DisableAWSOrganizationsAccess: disableAccess,
};
