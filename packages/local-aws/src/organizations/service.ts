// The Organizations API (awsJson 1.1, `AWSOrganizationsV20161128.*`) over the Organization state:
// who may call what (management account, delegated administrators, members), input checks as
// InvalidInputException with its Reason, pagination (at most 20 items a page), output shapes.
import { AwsServiceError, type RequestContext, type ServiceModule } from '../contract.js';
import { AwsServiceErrorWithMembers, unknownOperationError } from '../errors.js';
import { organizationsAuthorizations } from '../iam/arns.js';
import { type PaginationProblem, paginate } from '../pagination.js';
import type { ServiceRegistration } from '../server.js';
import { epochSeconds } from '../time-format.js';
import type { AccountRecord, CreateAccountRequestRecord, Organization, OrganizationalUnitRecord } from './organization.js';

export const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128';

/** Who may call an operation, as each operation's documentation states it. */
type Access = 'any-member' | 'management-or-delegated-administrator' | 'management';

type Handler = (input: Record<string, unknown>, context: RequestContext) => unknown;

const ACCOUNT_ID = /^\d{12}$/;
const PARENT_ID = /^(r-[0-9a-z]{4,32})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const CHILD_ID = /^(\d{12})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const CREATE_ACCOUNT_REQUEST_ID = /^car-[a-z0-9]{8,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ACCOUNT_NAME = /^[\u0020-\u007E]{1,50}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const SERVICE_PRINCIPAL = /^[\w+=,.@-]{1,128}$/;
const PAGE_LIMITS = { defaultPageSize: 20, maxPageSize: 20 };
// An organization with all features has service control policies enabled on its root.
const ENABLED_POLICY_TYPES = [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }];

export function organizationsRegistration(organization: Organization): ServiceRegistration {
  return {
    module: createOrganizationsModule(organization),
    name: 'organizations',
    protocol: 'awsJson1_1',
    throttlingError: {
      code: 'TooManyRequestsException',
      message:
        'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
      statusCode: 400,
    },
    internalError: {
      code: 'ServiceException',
      message: "AWS Organizations can't complete your request because of an internal service error. Try again later.",
      statusCode: 500,
    },
    // Organizations' error shapes name the message `Message`.
    errorMessageMember: 'Message',
    authorizations: (operation, input) => organizationsAuthorizations(organization, operation, input),
  };
}

export function createOrganizationsModule(organization: Organization): ServiceModule {
  const org = organization;
  const operations: Record<string, { access: Access; run: Handler }> = {
    DescribeOrganization: {
      access: 'any-member',
      run: () => ({
        Organization: {
          Id: org.organizationId,
          Arn: org.arn,
          FeatureSet: org.featureSet,
          MasterAccountArn: org.accountArn(org.managementAccountId),
          MasterAccountId: org.managementAccountId,
          MasterAccountEmail: org.managementAccount.email,
          AvailablePolicyTypes: ENABLED_POLICY_TYPES,
        },
      }),
    },
    ListRoots: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const page = pageOf([{ Id: org.rootId, Arn: org.rootArn, Name: 'Root', PolicyTypes: ENABLED_POLICY_TYPES }], input, 'ListRoots');
        return withToken({ Roots: page.items }, page.nextToken);
      },
    },
    ListChildren: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const parentId = required(input, 'ParentId', PARENT_ID);
        const childType = enumMember(input, 'ChildType', ['ACCOUNT', 'ORGANIZATIONAL_UNIT']);
        requireParent(org, parentId);
        const ids =
          childType === 'ACCOUNT'
            ? org.childAccounts(parentId).map((account) => account.id)
            : org.childUnits(parentId).map((unit) => unit.id);
        const page = pageOf(ids, input, `ListChildren:${parentId}:${childType}`);
        return withToken({ Children: page.items.map((id) => ({ Id: id, Type: childType })) }, page.nextToken);
      },
    },
    ListParents: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const childId = required(input, 'ChildId', CHILD_ID);
        const parent = org.parentOf(childId);
        if (!parent)
          throw new AwsServiceError(
            'ChildNotFoundException',
            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
          );
        const page = pageOf([{ Id: parent.id, Type: parent.type }], input, `ListParents:${childId}`);
        return withToken({ Parents: page.items }, page.nextToken);
      },
    },
    ListOrganizationalUnitsForParent: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const parentId = required(input, 'ParentId', PARENT_ID);
        requireParent(org, parentId);
        const page = pageOf(org.childUnits(parentId), input, `ListOrganizationalUnitsForParent:${parentId}`);
        return withToken({ OrganizationalUnits: page.items.map((unit) => unitShape(org, unit)) }, page.nextToken);
      },
    },
    DescribeOrganizationalUnit: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const unitId = required(input, 'OrganizationalUnitId', OU_ID);
        const unit = org.unit(unitId);
        if (!unit)
          throw new AwsServiceError(
            'OrganizationalUnitNotFoundException',
            "We can't find an OU with the OrganizationalUnitId that you specified.",
          );
        return { OrganizationalUnit: unitShape(org, unit) };
      },
    },
    CreateOrganizationalUnit: {
      access: 'management',
      run: (input, context) => {
        const parentId = required(input, 'ParentId', PARENT_ID);
        const name = required(input, 'Name', /^[\s\S]{1,128}$/);
        return { OrganizationalUnit: unitShape(org, org.createOrganizationalUnit(parentId, name, actorOf(context))) };
      },
    },
    ListAccounts: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const page = pageOf(org.accounts(), input, 'ListAccounts');
        return withToken({ Accounts: page.items.map((account) => accountShape(org, account)) }, page.nextToken);
      },
    },
    ListAccountsForParent: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const parentId = required(input, 'ParentId', PARENT_ID);
        requireParent(org, parentId);
        const page = pageOf(org.childAccounts(parentId), input, `ListAccountsForParent:${parentId}`);
        return withToken({ Accounts: page.items.map((account) => accountShape(org, account)) }, page.nextToken);
      },
    },
    DescribeAccount: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const account = org.account(required(input, 'AccountId', ACCOUNT_ID));
        if (!account) throw accountNotFound();
        return { Account: accountShape(org, account) };
      },
    },
    CreateAccount: {
      access: 'management',
      run: (input, context) => {
        const email = required(input, 'Email', EMAIL, { min: 6, max: 64 });
        const accountName = required(input, 'AccountName', ACCOUNT_NAME, { min: 1, max: 50 });
        const roleName = optional(input, 'RoleName', ROLE_NAME);
        if (input.IamUserAccessToBilling !== undefined) enumMember(input, 'IamUserAccessToBilling', ['ALLOW', 'DENY']);
        return { CreateAccountStatus: createStatusShape(org.createAccount({ accountName, email, roleName }, actorOf(context))) };
      },
    },
    DescribeCreateAccountStatus: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const request = org.createAccountRequest(required(input, 'CreateAccountRequestId', CREATE_ACCOUNT_REQUEST_ID));
        if (!request)
          throw new AwsServiceError(
            'CreateAccountStatusNotFoundException',
            "We can't find a create account request with the CreateAccountRequestId that you specified.",
          );
        return { CreateAccountStatus: createStatusShape(request) };
      },
    },
    MoveAccount: {
      access: 'management',
      run: (input, context) => {
        const accountId = required(input, 'AccountId', ACCOUNT_ID);
        const source = required(input, 'SourceParentId', PARENT_ID);
        const destination = required(input, 'DestinationParentId', PARENT_ID);
        org.moveAccount(accountId, source, destination, actorOf(context));
        return {};
      },
    },
    RemoveAccountFromOrganization: {
      access: 'management',
      run: (input, context) => {
        org.removeAccount(required(input, 'AccountId', ACCOUNT_ID), actorOf(context));
        return {};
      },
    },
    LeaveOrganization: {
      access: 'any-member',
      run: (_input, context) => {
        org.leave(actorOf(context));
        return {};
      },
    },
    ListAWSServiceAccessForOrganization: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const page = pageOf(org.enabledServices(), input, 'ListAWSServiceAccessForOrganization');
        return withToken(
          {
            EnabledServicePrincipals: page.items.map((service) => ({
              ServicePrincipal: service.servicePrincipal,
              DateEnabled: epochSeconds(service.dateEnabled),
            })),
          },
          page.nextToken,
        );
      },
    },
    EnableAWSServiceAccess: {
      access: 'management',
      run: (input, context) => {
        org.enableServiceAccess(servicePrincipal(input), actorOf(context));
        return {};
      },
    },
    DisableAWSServiceAccess: {
      access: 'management',
      run: (input, context) => {
        org.disableServiceAccess(servicePrincipal(input), actorOf(context));
        return {};
      },
    },
    RegisterDelegatedAdministrator: {
      access: 'management',
      run: (input, context) => {
        const accountId = required(input, 'AccountId', ACCOUNT_ID);
        org.registerDelegatedAdministrator(accountId, servicePrincipal(input), actorOf(context));
        return {};
      },
    },
    DeregisterDelegatedAdministrator: {
      access: 'management',
      run: (input, context) => {
        const accountId = required(input, 'AccountId', ACCOUNT_ID);
        org.deregisterDelegatedAdministrator(accountId, servicePrincipal(input), actorOf(context));
        return {};
      },
    },
    ListDelegatedAdministrators: {
      access: 'management-or-delegated-administrator',
      run: (input) => {
        const principal = optional(input, 'ServicePrincipal', SERVICE_PRINCIPAL);
        // One entry per account, as AWS lists them, with the earliest delegation date.
        const byAccount = new Map<string, { account: AccountRecord; date: number }>();
        for (const record of org.delegatedAdministrators(principal)) {
          const existing = byAccount.get(record.account.id);
          if (!existing || record.delegationEnabledDate < existing.date)
            byAccount.set(record.account.id, { account: record.account, date: record.delegationEnabledDate });
        }
        const page = pageOf([...byAccount.values()], input, `ListDelegatedAdministrators:${principal ?? '*'}`);
        return withToken(
          {
            DelegatedAdministrators: page.items.map(({ account, date }) => ({
              ...accountShape(org, account),
              DelegationEnabledDate: epochSeconds(date),
            })),
          },
          page.nextToken,
        );
      },
    },
  };

  return {
    target: ORGANIZATIONS_TARGET,
    async handle(operation, input, context) {
      const entry = operations[operation];
      if (!entry) throw unknownOperationError(operation);
      authorize(org, entry.access, context);
      return entry.run(input, context);
    },
  };
}

function authorize(org: Organization, access: Access, context: RequestContext): void {
  const accountId = context.caller.accountId;
  if (!org.hasAccount(accountId))
    throw new AwsServiceError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  if (accountId === org.managementAccountId || access === 'any-member') return;
  if (access === 'management-or-delegated-administrator' && org.isDelegatedAdministratorForAnyService(accountId)) return;
  throw new AwsServiceError('AccessDeniedException', "You don't have permissions to access this resource.");
}

function actorOf(context: RequestContext) {
  return { caller: context.caller, requestId: context.requestId };
}

function accountShape(org: Organization, account: AccountRecord): Record<string, unknown> {
  return {
    Id: account.id,
    Arn: org.accountArn(account.id),
    Email: account.email,
    Name: account.name,
    Status: 'ACTIVE',
    State: 'ACTIVE',
    JoinedMethod: account.joinedMethod,
    JoinedTimestamp: epochSeconds(account.joinedTimestamp),
  };
}

function unitShape(org: Organization, unit: OrganizationalUnitRecord): Record<string, unknown> {
  return { Id: unit.id, Arn: org.unitArn(unit.id), Name: unit.name, Path: org.unitPath(unit.id) };
}

function createStatusShape(request: CreateAccountRequestRecord): Record<string, unknown> {
  return {
    Id: request.id,
    AccountName: request.accountName,
    State: request.state,
    RequestedTimestamp: epochSeconds(request.requestedTimestamp),
    ...(request.completedTimestamp !== undefined ? { CompletedTimestamp: epochSeconds(request.completedTimestamp) } : {}),
    ...(request.accountId ? { AccountId: request.accountId } : {}),
    ...(request.failureReason ? { FailureReason: request.failureReason } : {}),
  };
}

function requireParent(org: Organization, parentId: string): void {
  if (!org.isParent(parentId))
    throw new AwsServiceError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
}

function accountNotFound(): AwsServiceError {
  return new AwsServiceError('AccountNotFoundException', "We can't find an AWS account with the AccountId that you specified.");
}

function servicePrincipal(input: Record<string, unknown>): string {
  const principal = required(input, 'ServicePrincipal', SERVICE_PRINCIPAL);
  if (!principal.endsWith('.amazonaws.com'))
    throw invalidInput('UNRECOGNIZED_SERVICE_PRINCIPAL', "You specified a service principal that isn't recognized.");
  return principal;
}

function invalidInput(reason: string, message: string): AwsServiceError {
  return new AwsServiceErrorWithMembers('InvalidInputException', message, 400, { Reason: reason });
}

function required(input: Record<string, unknown>, member: string, pattern: RegExp, length?: { min: number; max: number }): string {
  const value = input[member];
  if (value === undefined || value === null || value === '')
    throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${member}.`);
  if (typeof value !== 'string') throw invalidInput('INVALID_PATTERN', `You specified an invalid value for ${member}.`);
  if (length && value.length > length.max)
    throw invalidInput('MAX_LENGTH_EXCEEDED', `${member} must be at most ${length.max} characters long.`);
  if (length && value.length < length.min)
    throw invalidInput('MIN_LENGTH_EXCEEDED', `${member} must be at least ${length.min} characters long.`);
  if (!pattern.test(value)) throw invalidInput('INVALID_PATTERN', `You specified an invalid value for ${member}.`);
  return value;
}

function optional(input: Record<string, unknown>, member: string, pattern: RegExp): string | undefined {
  return input[member] === undefined || input[member] === null ? undefined : required(input, member, pattern);
}

function enumMember<T extends string>(input: Record<string, unknown>, member: string, values: readonly T[]): T {
  const value = input[member];
  if (value === undefined || value === null) throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${member}.`);
  if (!values.includes(value as T))
    throw invalidInput('INVALID_ENUM', `You specified an invalid value for ${member}. Valid values: ${values.join(', ')}.`);
  return value as T;
}

const PAGE_PROBLEM_REASONS: Record<PaginationProblem, string> = {
  INVALID_NEXT_TOKEN: 'INVALID_NEXT_TOKEN',
  PAGE_SIZE_TOO_SMALL: 'MIN_VALUE_EXCEEDED',
  PAGE_SIZE_TOO_LARGE: 'MAX_VALUE_EXCEEDED',
  PAGE_SIZE_NOT_INTEGER: 'INVALID_PATTERN',
};

function pageOf<T>(items: readonly T[], input: Record<string, unknown>, scope: string) {
  return paginate(
    items,
    { nextToken: input.NextToken, pageSize: input.MaxResults },
    {
      scope: `organizations:${scope}`,
      limits: PAGE_LIMITS,
      invalid: (problem, message) => invalidInput(PAGE_PROBLEM_REASONS[problem], message),
    },
  );
}

function withToken<T extends Record<string, unknown>>(output: T, nextToken: string | undefined): T & { NextToken?: string } {
  return nextToken ? { ...output, NextToken: nextToken } : output;
}
