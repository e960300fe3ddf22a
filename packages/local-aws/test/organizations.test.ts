// Organizations on the local endpoint through the real SDK v3 client: every operation's happy path,
// its errors, pagination, who may call what, and the events AWS publishes for changes.
import {
  type Account,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  DeregisterDelegatedAdministratorCommand,
  DescribeAccountCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  DisableAWSServiceAccessCommand,
  EnableAWSServiceAccessCommand,
  LeaveOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListChildrenCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  MoveAccountCommand,
  paginateListAccounts,
  RegisterDelegatedAdministratorCommand,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import {
  CreatePortfolioCommand,
  CreatePortfolioShareCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conformance, describeWithBotocore } from './botocore-model.js';
import {
  BULK_ACCOUNTS,
  BULK_OU,
  DELEGATED_ADMIN,
  DELEGATED_ADMIN_KEY,
  expectAwsError,
  expectConforms,
  MANAGEMENT,
  PARTNER_KEY,
  PROD_A,
  PROD_B,
  PRODUCTION_OU,
  ROOT_ID,
  SANDBOX,
  SANDBOX_KEY,
  SANDBOX_OU,
  startTestEndpoint,
  type TestEndpoint,
  testFixture,
  WORKLOADS_OU,
} from './local-aws-harness.js';

const TOTAL_ACCOUNTS = 5 + BULK_ACCOUNTS;
const ORGANIZATIONS_OPERATIONS = [
  'CreateAccount',
  'CreateOrganizationalUnit',
  'DeregisterDelegatedAdministrator',
  'DescribeAccount',
  'DescribeCreateAccountStatus',
  'DescribeOrganization',
  'DescribeOrganizationalUnit',
  'DisableAWSServiceAccess',
  'EnableAWSServiceAccess',
  'LeaveOrganization',
  'ListAWSServiceAccessForOrganization',
  'ListAccounts',
  'ListAccountsForParent',
  'ListChildren',
  'ListDelegatedAdministrators',
  'ListOrganizationalUnitsForParent',
  'ListParents',
  'ListRoots',
  'MoveAccount',
  'RegisterDelegatedAdministrator',
  'RemoveAccountFromOrganization',
];
const org = (operation: string) => ({ service: 'organizations', operation });

let endpoint: TestEndpoint;
beforeEach(async () => {
  endpoint = await startTestEndpoint();
});
afterEach(async () => {
  await endpoint.close();
});

describe('Organizations reads', () => {
  it('describes the organization with AWS ids and ARNs', async () => {
    const output = await endpoint.organizations().send(new DescribeOrganizationCommand({}));
    expect(output.Organization).toMatchObject({
      Id: 'o-testorg0001',
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-testorg0001`,
      MasterAccountId: MANAGEMENT,
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/o-testorg0001/${MANAGEMENT}`,
      FeatureSet: 'ALL',
    });
    expectConforms(endpoint, 'organizations', 'DescribeOrganization', output);
  });

  it('lets any member account describe the organization', async () => {
    const output = await endpoint.organizations(SANDBOX_KEY).send(new DescribeOrganizationCommand({}));
    expect(output.Organization?.Id).toBe('o-testorg0001');
  });

  it('lists the root, children, parents and OUs', async () => {
    const client = endpoint.organizations();
    const roots = await client.send(new ListRootsCommand({}));
    expect(roots.Roots).toEqual([
      {
        Id: ROOT_ID,
        Arn: `arn:aws:organizations::${MANAGEMENT}:root/o-testorg0001/${ROOT_ID}`,
        Name: 'Root',
        PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    ]);
    expectConforms(endpoint, 'organizations', 'ListRoots', roots);

    const units = await client.send(new ListChildrenCommand({ ParentId: ROOT_ID, ChildType: 'ORGANIZATIONAL_UNIT' }));
    expect(units.Children).toEqual([WORKLOADS_OU, SANDBOX_OU, BULK_OU].map((Id) => ({ Id, Type: 'ORGANIZATIONAL_UNIT' })));
    expectConforms(endpoint, 'organizations', 'ListChildren', units);
    const accounts = await client.send(new ListChildrenCommand({ ParentId: PRODUCTION_OU, ChildType: 'ACCOUNT' }));
    expect(accounts.Children).toEqual([PROD_A, PROD_B].map((Id) => ({ Id, Type: 'ACCOUNT' })));

    const accountParent = await client.send(new ListParentsCommand({ ChildId: PROD_A }));
    expect(accountParent.Parents).toEqual([{ Id: PRODUCTION_OU, Type: 'ORGANIZATIONAL_UNIT' }]);
    expectConforms(endpoint, 'organizations', 'ListParents', accountParent);
    const unitParent = await client.send(new ListParentsCommand({ ChildId: WORKLOADS_OU }));
    expect(unitParent.Parents).toEqual([{ Id: ROOT_ID, Type: 'ROOT' }]);

    const nested = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: WORKLOADS_OU }));
    expect(nested.OrganizationalUnits).toEqual([
      {
        Id: PRODUCTION_OU,
        Arn: `arn:aws:organizations::${MANAGEMENT}:ou/o-testorg0001/${PRODUCTION_OU}`,
        Name: 'Production',
        Path: `o-testorg0001/${ROOT_ID}/${WORKLOADS_OU}/${PRODUCTION_OU}/`,
      },
    ]);
    expectConforms(endpoint, 'organizations', 'ListOrganizationalUnitsForParent', nested);

    const described = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: PRODUCTION_OU }));
    expect(described.OrganizationalUnit?.Name).toBe('Production');
    expectConforms(endpoint, 'organizations', 'DescribeOrganizationalUnit', described);
  });

  it('describes accounts and lists them by parent', async () => {
    const client = endpoint.organizations();
    const described = await client.send(new DescribeAccountCommand({ AccountId: SANDBOX }));
    expect(described.Account).toMatchObject({
      Id: SANDBOX,
      Name: 'sandbox',
      Email: 'sandbox@example.com',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'INVITED',
    });
    expect(described.Account?.JoinedTimestamp).toBeInstanceOf(Date);
    expectConforms(endpoint, 'organizations', 'DescribeAccount', described);

    const production = await client.send(new ListAccountsForParentCommand({ ParentId: PRODUCTION_OU }));
    expect(production.Accounts?.map((account) => account.Id)).toEqual([PROD_A, PROD_B]);
    expectConforms(endpoint, 'organizations', 'ListAccountsForParent', production);
  });

  it('reports missing and malformed ids with the errors of the model', async () => {
    const client = endpoint.organizations();
    await expectAwsError(client.send(new DescribeAccountCommand({ AccountId: '000000000001' })), {
      ...org('DescribeAccount'),
      name: 'AccountNotFoundException',
      status: 400,
    });
    await expectAwsError(client.send(new DescribeAccountCommand({ AccountId: 'not-an-id' })), {
      ...org('DescribeAccount'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'INVALID_PATTERN' },
    });
    await expectAwsError(client.send(new ListChildrenCommand({ ParentId: 'ou-tst1-missing1', ChildType: 'ACCOUNT' })), {
      ...org('ListChildren'),
      name: 'ParentNotFoundException',
      status: 400,
    });
    await expectAwsError(client.send(new ListChildrenCommand({ ParentId: ROOT_ID, ChildType: 'POLICY' as 'ACCOUNT' })), {
      ...org('ListChildren'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'INVALID_ENUM' },
    });
    await expectAwsError(client.send(new ListParentsCommand({ ChildId: '000000000001' })), {
      ...org('ListParents'),
      name: 'ChildNotFoundException',
      status: 400,
    });
    await expectAwsError(client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-none' })), {
      ...org('ListOrganizationalUnitsForParent'),
      name: 'ParentNotFoundException',
      status: 400,
    });
    await expectAwsError(client.send(new ListAccountsForParentCommand({ ParentId: 'ou-tst1-missing1' })), {
      ...org('ListAccountsForParent'),
      name: 'ParentNotFoundException',
      status: 400,
    });
    await expectAwsError(client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-tst1-missing1' })), {
      ...org('DescribeOrganizationalUnit'),
      name: 'OrganizationalUnitNotFoundException',
      status: 400,
    });
  });
});

describe('Organizations pagination', () => {
  it('pages ListAccounts 20 at a time and the SDK paginator collects every account once', async () => {
    const client = endpoint.organizations();
    const first = await client.send(new ListAccountsCommand({}));
    expect(first.Accounts).toHaveLength(20);
    expect(first.NextToken).toBeTypeOf('string');
    expectConforms(endpoint, 'organizations', 'ListAccounts', first);
    const second = await client.send(new ListAccountsCommand({ NextToken: first.NextToken }));
    expect(second.Accounts).toHaveLength(TOTAL_ACCOUNTS - 20);
    expect(second.NextToken).toBeUndefined();

    const collected: Account[] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 6 }, {})) collected.push(...(page.Accounts ?? []));
    expect(new Set(collected.map((account) => account.Id)).size).toBe(TOTAL_ACCOUNTS);
  });

  it('refuses a bad token, a token of another listing and a page size outside 1..20', async () => {
    const client = endpoint.organizations();
    await expectAwsError(client.send(new ListAccountsCommand({ NextToken: 'garbage' })), {
      ...org('ListAccounts'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'INVALID_NEXT_TOKEN' },
    });
    const page = await client.send(new ListAccountsForParentCommand({ ParentId: BULK_OU, MaxResults: 5 }));
    expect(page.Accounts).toHaveLength(5);
    await expectAwsError(client.send(new ListAccountsCommand({ NextToken: page.NextToken })), {
      ...org('ListAccounts'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'INVALID_NEXT_TOKEN' },
    });
    await expectAwsError(client.send(new ListAccountsCommand({ MaxResults: 21 })), {
      ...org('ListAccounts'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'MAX_VALUE_EXCEEDED' },
    });
    await expectAwsError(client.send(new ListAccountsCommand({ MaxResults: 0 })), {
      ...org('ListAccounts'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'MIN_VALUE_EXCEEDED' },
    });
  });
});

describe('Organizations changes', () => {
  it('creates an OU and refuses duplicates, unknown parents and a sixth level', async () => {
    const client = endpoint.organizations();
    const created = await client.send(new CreateOrganizationalUnitCommand({ ParentId: WORKLOADS_OU, Name: 'Staging' }));
    expect(created.OrganizationalUnit?.Id).toMatch(/^ou-tst1-[a-z0-9]{8}$/);
    expect(created.OrganizationalUnit?.Path).toBe(`o-testorg0001/${ROOT_ID}/${WORKLOADS_OU}/${created.OrganizationalUnit?.Id}/`);
    expectConforms(endpoint, 'organizations', 'CreateOrganizationalUnit', created);
    expect(endpoint.aws.events.list({ eventName: 'CreateOrganizationalUnit' })).toHaveLength(1);

    await expectAwsError(client.send(new CreateOrganizationalUnitCommand({ ParentId: WORKLOADS_OU, Name: 'Staging' })), {
      ...org('CreateOrganizationalUnit'),
      name: 'DuplicateOrganizationalUnitException',
      status: 400,
    });
    await expectAwsError(client.send(new CreateOrganizationalUnitCommand({ ParentId: 'ou-tst1-missing1', Name: 'X' })), {
      ...org('CreateOrganizationalUnit'),
      name: 'ParentNotFoundException',
      status: 400,
    });

    let parent = created.OrganizationalUnit?.Id as string;
    for (const level of [3, 4, 5]) {
      const unit = await client.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: `Level${level}` }));
      parent = unit.OrganizationalUnit?.Id as string;
    }
    await expectAwsError(client.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: 'Level6' })), {
      ...org('CreateOrganizationalUnit'),
      name: 'ConstraintViolationException',
      status: 400,
      members: { Reason: 'OU_DEPTH_LIMIT_EXCEEDED' },
    });
  });

  it('creates an account asynchronously: IN_PROGRESS, then SUCCEEDED under the root with a CreateAccountResult event', async () => {
    const client = endpoint.organizations();
    const created = await client.send(new CreateAccountCommand({ AccountName: 'new-team', Email: 'new-team@example.com' }));
    const status = created.CreateAccountStatus;
    expect(status?.Id).toMatch(/^car-[a-z0-9]{32}$/);
    expect(status?.State).toBe('IN_PROGRESS');
    expect(status?.AccountId).toBeUndefined();
    expectConforms(endpoint, 'organizations', 'CreateAccount', created);

    const pending = await client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: status?.Id }));
    expect(pending.CreateAccountStatus?.State).toBe('IN_PROGRESS');
    expect(endpoint.aws.events.list({ eventName: 'CreateAccountResult' })).toEqual([]);

    endpoint.aws.clock.advance(60_000);
    const done = await client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: status?.Id }));
    const accountId = done.CreateAccountStatus?.AccountId as string;
    expect(done.CreateAccountStatus).toMatchObject({ State: 'SUCCEEDED', AccountName: 'new-team' });
    expect(accountId).toMatch(/^\d{12}$/);
    expect(done.CreateAccountStatus?.CompletedTimestamp).toBeInstanceOf(Date);
    expectConforms(endpoint, 'organizations', 'DescribeCreateAccountStatus', done);
    const parents = await client.send(new ListParentsCommand({ ChildId: accountId }));
    expect(parents.Parents).toEqual([{ Id: ROOT_ID, Type: 'ROOT' }]);

    const [event] = endpoint.aws.events.list({ eventName: 'CreateAccountResult' });
    expect(event).toMatchObject({
      version: '0',
      source: 'aws.organizations',
      'detail-type': 'AWS Service Event via CloudTrail',
      account: MANAGEMENT,
      region: 'us-east-1',
      eventBusName: 'default',
      detail: {
        eventSource: 'organizations.amazonaws.com',
        eventName: 'CreateAccountResult',
        eventType: 'AwsServiceEvent',
        serviceEventDetails: { createAccountStatus: { id: status?.Id, state: 'SUCCEEDED', accountId, accountName: '****' } },
      },
    });
    const details = (event?.detail.serviceEventDetails as { createAccountStatus: Record<string, string> } | undefined)?.createAccountStatus;
    expect(details?.requestedTimestamp).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/);
    expect(details?.completedTimestamp).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/);
    expect(endpoint.aws.identity.role(accountId, 'OrganizationAccountAccessRole')).toBeDefined();
  });

  it('fails an account creation whose email is taken, as AWS does (asynchronously)', async () => {
    const client = endpoint.organizations();
    const created = await client.send(new CreateAccountCommand({ AccountName: 'dup', Email: 'prod-a@example.com' }));
    endpoint.aws.clock.advance(60_000);
    const done = await client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus?.Id }));
    expect(done.CreateAccountStatus).toMatchObject({ State: 'FAILED', FailureReason: 'EMAIL_ALREADY_EXISTS' });
    expectConforms(endpoint, 'organizations', 'DescribeCreateAccountStatus', done);
    await expectAwsError(
      client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: 'car-00000000000000000000000000000000' })),
      {
        ...org('DescribeCreateAccountStatus'),
        name: 'CreateAccountStatusNotFoundException',
        status: 400,
      },
    );
    await expectAwsError(client.send(new CreateAccountCommand({ AccountName: 'x', Email: 'not-an-email' })), {
      ...org('CreateAccount'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'INVALID_PATTERN' },
    });
  });

  it('moves an account, publishes the MoveAccount call and reports each move error', async () => {
    const client = endpoint.organizations();
    const output = await client.send(
      new MoveAccountCommand({ AccountId: PROD_A, SourceParentId: PRODUCTION_OU, DestinationParentId: SANDBOX_OU }),
    );
    expectConforms(endpoint, 'organizations', 'MoveAccount', output);
    expect(endpoint.aws.organization.pathOf(PROD_A)).toEqual([ROOT_ID, SANDBOX_OU]);
    const [event] = endpoint.aws.events.list({ eventName: 'MoveAccount' });
    expect(event).toMatchObject({
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      account: MANAGEMENT,
      detail: {
        eventSource: 'organizations.amazonaws.com',
        eventName: 'MoveAccount',
        eventType: 'AwsApiCall',
        requestParameters: { accountId: PROD_A, sourceParentId: PRODUCTION_OU, destinationParentId: SANDBOX_OU },
        responseElements: null,
        userIdentity: { type: 'Root', accountId: MANAGEMENT },
      },
    });

    const move = (AccountId: string, SourceParentId: string, DestinationParentId: string) =>
      client.send(new MoveAccountCommand({ AccountId, SourceParentId, DestinationParentId }));
    await expectAwsError(move(PROD_A, SANDBOX_OU, SANDBOX_OU), { ...org('MoveAccount'), name: 'DuplicateAccountException', status: 400 });
    await expectAwsError(move(PROD_A, 'ou-tst1-missing1', ROOT_ID), {
      ...org('MoveAccount'),
      name: 'SourceParentNotFoundException',
      status: 400,
    });
    await expectAwsError(move(PROD_A, SANDBOX_OU, 'ou-tst1-missing1'), {
      ...org('MoveAccount'),
      name: 'DestinationParentNotFoundException',
      status: 400,
    });
    await expectAwsError(move('000000000001', ROOT_ID, SANDBOX_OU), {
      ...org('MoveAccount'),
      name: 'AccountNotFoundException',
      status: 400,
    });
  });

  it('removes an account, which then is outside the organization', async () => {
    const client = endpoint.organizations();
    const output = await client.send(new RemoveAccountFromOrganizationCommand({ AccountId: SANDBOX }));
    expectConforms(endpoint, 'organizations', 'RemoveAccountFromOrganization', output);
    expect(endpoint.aws.organization.hasAccount(SANDBOX)).toBe(false);
    expect(endpoint.aws.events.list({ eventName: 'RemoveAccountFromOrganization' })).toHaveLength(1);
    await expectAwsError(endpoint.organizations(SANDBOX_KEY).send(new DescribeOrganizationCommand({})), {
      ...org('DescribeOrganization'),
      name: 'AWSOrganizationsNotInUseException',
      status: 400,
    });
    await expectAwsError(client.send(new RemoveAccountFromOrganizationCommand({ AccountId: MANAGEMENT })), {
      ...org('RemoveAccountFromOrganization'),
      name: 'MasterCannotLeaveOrganizationException',
      status: 400,
    });
    await expectAwsError(client.send(new RemoveAccountFromOrganizationCommand({ AccountId: DELEGATED_ADMIN })), {
      ...org('RemoveAccountFromOrganization'),
      name: 'ConstraintViolationException',
      status: 400,
      members: { Reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG' },
    });
    await expectAwsError(client.send(new RemoveAccountFromOrganizationCommand({ AccountId: SANDBOX })), {
      ...org('RemoveAccountFromOrganization'),
      name: 'AccountNotFoundException',
      status: 400,
    });
    // The management account made the call: the event is its own.
    expect(endpoint.aws.events.list({ eventName: 'RemoveAccountFromOrganization' })[0]).toMatchObject({
      account: MANAGEMENT,
      detail: { requestParameters: { accountId: SANDBOX }, recipientAccountId: MANAGEMENT },
    });
  });

  it('lets a member leave on its own, recording the call in its own account as CloudTrail does', async () => {
    const output = await endpoint.organizations(SANDBOX_KEY).send(new LeaveOrganizationCommand({}));
    expectConforms(endpoint, 'organizations', 'LeaveOrganization', output);
    expect(endpoint.aws.organization.hasAccount(SANDBOX)).toBe(false);
    const [event] = endpoint.aws.events.list({ eventName: 'LeaveOrganization' });
    // The member's own default bus: the management account sees it only if the member forwards it.
    expect(event).toMatchObject({
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      account: SANDBOX,
      eventBusName: 'default',
      detail: {
        eventSource: 'organizations.amazonaws.com',
        eventName: 'LeaveOrganization',
        requestParameters: null,
        userIdentity: { accountId: SANDBOX },
        recipientAccountId: SANDBOX,
      },
    });
    await expectAwsError(endpoint.organizations(SANDBOX_KEY).send(new LeaveOrganizationCommand({})), {
      ...org('LeaveOrganization'),
      name: 'AWSOrganizationsNotInUseException',
      status: 400,
    });
    await expectAwsError(endpoint.organizations().send(new LeaveOrganizationCommand({})), {
      ...org('LeaveOrganization'),
      name: 'MasterCannotLeaveOrganizationException',
      status: 400,
    });
    await expectAwsError(endpoint.organizations(DELEGATED_ADMIN_KEY).send(new LeaveOrganizationCommand({})), {
      ...org('LeaveOrganization'),
      name: 'ConstraintViolationException',
      status: 400,
      members: { Reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG' },
    });
  });

  it('keeps an account made by CreateAccount until it has standalone information and four days have passed', async () => {
    const client = endpoint.organizations();
    const created = await client.send(new CreateAccountCommand({ AccountName: 'short-lived', Email: 'short-lived@example.com' }));
    endpoint.aws.clock.advance(60_000);
    const done = await client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus?.Id }));
    const accountId = done.CreateAccountStatus?.AccountId as string;
    const remove = () => client.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }));
    const assumed = await endpoint
      .sts()
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'leave' }));
    const member = endpoint.organizations({
      accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
      sessionToken: assumed.Credentials?.SessionToken ?? '',
    });

    const withoutStandaloneInformation = {
      name: 'ConstraintViolationException',
      status: 400,
      message:
        "You attempted to remove an account from the organization that doesn't yet have enough information to exist as a standalone account. This account requires you to first complete phone verification.",
      members: { Reason: 'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION' },
    };
    await expectAwsError(remove(), { ...org('RemoveAccountFromOrganization'), ...withoutStandaloneInformation });
    await expectAwsError(member.send(new LeaveOrganizationCommand({})), { ...org('LeaveOrganization'), ...withoutStandaloneInformation });

    endpoint.aws.organization.provideStandaloneInformation(accountId);
    await expectAwsError(remove(), {
      ...org('RemoveAccountFromOrganization'),
      name: 'ConstraintViolationException',
      status: 400,
      members: { Reason: 'WAIT_PERIOD_ACTIVE' },
    });
    expect(endpoint.aws.organization.hasAccount(accountId)).toBe(true);

    endpoint.aws.clock.advance(4 * 24 * 60 * 60 * 1000);
    await remove();
    expect(endpoint.aws.organization.hasAccount(accountId)).toBe(false);
    expect(endpoint.aws.events.list({ eventName: 'RemoveAccountFromOrganization' })).toHaveLength(1);
  });

  it('refuses a fixture account without standalone information, and an invited one that claims to lack it', async () => {
    const fixture = testFixture();
    const organization = fixture.organization as { accounts: Array<Record<string, unknown>> };
    organization.accounts.push({ id: '666655554444', name: 'no-phone', email: 'no-phone@example.com', standaloneInformation: false });
    const seeded = await startTestEndpoint({ fixture });
    try {
      await expectAwsError(seeded.organizations().send(new RemoveAccountFromOrganizationCommand({ AccountId: '666655554444' })), {
        ...org('RemoveAccountFromOrganization'),
        name: 'ConstraintViolationException',
        status: 400,
        members: { Reason: 'ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION' },
      });
    } finally {
      await seeded.close();
    }
    organization.accounts.push({
      id: '666655553333',
      name: 'invited',
      email: 'invited@example.com',
      joinedMethod: 'INVITED',
      standaloneInformation: false,
    });
    await expect(startTestEndpoint({ fixture })).rejects.toThrow(/666655553333 joined by invitation/);
  });

  it('enables, lists and disables trusted service access', async () => {
    const client = endpoint.organizations();
    await client.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com' }));
    expectConforms(endpoint, 'organizations', 'EnableAWSServiceAccess', {});
    const listed = await client.send(new ListAWSServiceAccessForOrganizationCommand({}));
    expect(listed.EnabledServicePrincipals?.map((entry) => entry.ServicePrincipal)).toEqual([
      'servicecatalog.amazonaws.com',
      'member.org.stacksets.cloudformation.amazonaws.com',
    ]);
    expect(listed.EnabledServicePrincipals?.[0]?.DateEnabled).toBeInstanceOf(Date);
    expectConforms(endpoint, 'organizations', 'ListAWSServiceAccessForOrganization', listed);
    await client.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com' }));
    expectConforms(endpoint, 'organizations', 'DisableAWSServiceAccess', {});
    expect(endpoint.aws.organization.isServiceAccessEnabled('member.org.stacksets.cloudformation.amazonaws.com')).toBe(false);
    await expectAwsError(client.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'not-a-service' })), {
      ...org('EnableAWSServiceAccess'),
      name: 'InvalidInputException',
      status: 400,
      members: { Reason: 'UNRECOGNIZED_SERVICE_PRINCIPAL' },
    });
  });

  it('registers, lists and deregisters delegated administrators', async () => {
    const client = endpoint.organizations();
    const principal = 'servicecatalog.amazonaws.com';
    await client.send(new RegisterDelegatedAdministratorCommand({ AccountId: PROD_B, ServicePrincipal: principal }));
    expectConforms(endpoint, 'organizations', 'RegisterDelegatedAdministrator', {});
    const listed = await client.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: principal }));
    expect(listed.DelegatedAdministrators?.map((admin) => admin.Id)).toEqual([DELEGATED_ADMIN, PROD_B]);
    expect(listed.DelegatedAdministrators?.[0]?.DelegationEnabledDate).toBeInstanceOf(Date);
    expectConforms(endpoint, 'organizations', 'ListDelegatedAdministrators', listed);
    expect(endpoint.aws.organization.isDelegatedAdministrator(PROD_B, principal)).toBe(true);

    const register = (AccountId: string, ServicePrincipal = principal) =>
      client.send(new RegisterDelegatedAdministratorCommand({ AccountId, ServicePrincipal }));
    await expectAwsError(register(PROD_B), {
      ...org('RegisterDelegatedAdministrator'),
      name: 'AccountAlreadyRegisteredException',
      status: 400,
    });
    await expectAwsError(register(MANAGEMENT), {
      ...org('RegisterDelegatedAdministrator'),
      name: 'ConstraintViolationException',
      status: 400,
      members: { Reason: 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR' },
    });
    await expectAwsError(register(PROD_A, 'config.amazonaws.com'), {
      ...org('RegisterDelegatedAdministrator'),
      name: 'ConstraintViolationException',
      status: 400,
      members: { Reason: 'SERVICE_ACCESS_NOT_ENABLED' },
    });
    await expectAwsError(register('000000000001'), {
      ...org('RegisterDelegatedAdministrator'),
      name: 'AccountNotFoundException',
      status: 400,
    });

    await client.send(new DeregisterDelegatedAdministratorCommand({ AccountId: PROD_B, ServicePrincipal: principal }));
    expectConforms(endpoint, 'organizations', 'DeregisterDelegatedAdministrator', {});
    await expectAwsError(client.send(new DeregisterDelegatedAdministratorCommand({ AccountId: PROD_B, ServicePrincipal: principal })), {
      ...org('DeregisterDelegatedAdministrator'),
      name: 'AccountNotRegisteredException',
      status: 400,
    });
    expect(endpoint.aws.events.list({ source: 'aws.organizations' }).map((event) => event.detail.eventName)).toEqual([
      'RegisterDelegatedAdministrator',
      'DeregisterDelegatedAdministrator',
    ]);
  });
});

describe('Organizations access', () => {
  it("removes the organization shares Service Catalog's delegated administrator created when it is deregistered", async () => {
    const serviceCatalog = new ServiceCatalogClient({ ...endpoint.aws.clientConfig(DELEGATED_ADMIN_KEY), maxAttempts: 1 });
    try {
      const created = await serviceCatalog.send(
        new CreatePortfolioCommand({ DisplayName: 'Admin portfolio', ProviderName: 'Platform', IdempotencyToken: 'admin-portfolio' }),
      );
      const PortfolioId = created.PortfolioDetail?.Id as string;
      await serviceCatalog.send(
        new CreatePortfolioShareCommand({ PortfolioId, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: PRODUCTION_OU } }),
      );
      endpoint.aws.clock.advance(10_000);
      expect(endpoint.aws.serviceCatalog.accountsWithAccess(PortfolioId)).toEqual([PROD_A, PROD_B]);

      await endpoint
        .organizations()
        .send(
          new DeregisterDelegatedAdministratorCommand({ AccountId: DELEGATED_ADMIN, ServicePrincipal: 'servicecatalog.amazonaws.com' }),
        );
      expect(endpoint.aws.serviceCatalog.accountsWithAccess(PortfolioId)).toEqual([]);
      const shares = await serviceCatalog.send(new DescribePortfolioSharesCommand({ PortfolioId, Type: 'ORGANIZATIONAL_UNIT' }));
      expect(shares.PortfolioShareDetails).toEqual([]);
    } finally {
      serviceCatalog.destroy();
    }
  });

  it('lets a delegated administrator read but not change the organization', async () => {
    const client = endpoint.organizations(DELEGATED_ADMIN_KEY);
    const accounts = await client.send(new ListAccountsCommand({}));
    expect(accounts.Accounts).toHaveLength(20);
    await client.send(new DescribeAccountCommand({ AccountId: PROD_A }));
    await expectAwsError(
      client.send(new MoveAccountCommand({ AccountId: PROD_A, SourceParentId: PRODUCTION_OU, DestinationParentId: ROOT_ID })),
      {
        ...org('MoveAccount'),
        name: 'AccessDeniedException',
        status: 400,
      },
    );
    await expectAwsError(client.send(new CreateAccountCommand({ AccountName: 'x', Email: 'x@example.com' })), {
      ...org('CreateAccount'),
      name: 'AccessDeniedException',
      status: 400,
    });
  });

  it('refuses reads to a plain member account and everything to an account outside the organization', async () => {
    await expectAwsError(endpoint.organizations(SANDBOX_KEY).send(new ListAccountsCommand({})), {
      ...org('ListAccounts'),
      name: 'AccessDeniedException',
      status: 400,
      message: "You don't have permissions to access this resource.",
    });
    await expectAwsError(endpoint.organizations(PARTNER_KEY).send(new ListRootsCommand({})), {
      ...org('ListRoots'),
      name: 'AWSOrganizationsNotInUseException',
      status: 400,
      message: 'Your account is not a member of an organization.',
    });
  });
});

describe('Organizations simulation helpers', () => {
  it('joins an invited account under the root and publishes AcceptHandshake', async () => {
    endpoint.aws.organization.joinByInvitation('888877776666', 'acquired-co', 'acquired@example.com');
    const described = await endpoint.organizations().send(new DescribeAccountCommand({ AccountId: '888877776666' }));
    expect(described.Account).toMatchObject({ JoinedMethod: 'INVITED', Name: 'acquired-co' });
    expect(endpoint.aws.organization.pathOf('888877776666')).toEqual([ROOT_ID]);
    const [event] = endpoint.aws.events.list({ eventName: 'AcceptHandshake' });
    expect(event).toMatchObject({
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      account: MANAGEMENT,
      detail: {
        eventSource: 'organizations.amazonaws.com',
        userIdentity: { type: 'Root', accountId: '888877776666' },
        responseElements: {
          handshake: {
            state: 'ACCEPTED',
            action: 'INVITE',
            parties: expect.arrayContaining([{ id: '888877776666', type: 'ACCOUNT' }]),
            resources: expect.arrayContaining([{ type: 'ACCOUNT', value: '888877776666' }]),
          },
        },
      },
    });
  });

  it('creates a Control Tower managed account: CreateAccountResult, MoveAccount, then CreateManagedAccount', async () => {
    endpoint.aws.knobs.setTimeScale(100_000);
    const managed = await endpoint.aws.controlTower.createManagedAccount({
      accountName: 'ct-team',
      email: 'ct-team@example.com',
      organizationalUnitId: PRODUCTION_OU,
    });
    expect(endpoint.aws.organization.pathOf(managed.accountId)).toEqual([ROOT_ID, WORKLOADS_OU, PRODUCTION_OU]);
    const names = endpoint.aws.events.list().map((event) => `${event.source}:${String(event.detail.eventName)}`);
    expect(names).toEqual([
      'aws.organizations:CreateAccount',
      'aws.organizations:CreateAccountResult',
      'aws.organizations:MoveAccount',
      'aws.controltower:CreateManagedAccount',
    ]);
    const created = endpoint.aws.events.list({ source: 'aws.controltower' })[0];
    expect(created).toMatchObject({
      'detail-type': 'AWS Service Event via CloudTrail',
      account: MANAGEMENT,
      region: 'us-east-1',
      detail: {
        eventSource: 'controltower.amazonaws.com',
        eventName: 'CreateManagedAccount',
        serviceEventDetails: {
          createManagedAccountStatus: {
            organizationalUnit: { organizationalUnitName: 'Production', organizationalUnitId: PRODUCTION_OU },
            account: { accountName: 'ct-team', accountId: managed.accountId },
            state: 'SUCCEEDED',
          },
        },
      },
    });

    endpoint.aws.controlTower.updateManagedAccount({ accountId: managed.accountId, organizationalUnitId: SANDBOX_OU });
    const updated = endpoint.aws.events.list({ eventName: 'UpdateManagedAccount' })[0];
    expect(updated?.detail.serviceEventDetails).toMatchObject({
      updateManagedAccountStatus: {
        organizationalUnit: { organizationalUnitId: SANDBOX_OU },
        account: { accountId: managed.accountId },
        state: 'SUCCEEDED',
      },
    });
    expect(endpoint.aws.organization.pathOf(managed.accountId)).toEqual([ROOT_ID, SANDBOX_OU]);
  });

  it('serves the OrganizationView as the organization is at the time of the call', async () => {
    const view = endpoint.aws.organization;
    expect(view.accountsUnder(WORKLOADS_OU)).toEqual([PROD_A, PROD_B]);
    expect(view.accountsUnder('o-testorg0001')).toHaveLength(TOTAL_ACCOUNTS);
    expect(view.nodeExists('ORGANIZATIONAL_UNIT', PRODUCTION_OU)).toBe(true);
    expect(view.nodeExists('ORGANIZATION', 'o-testorg0001')).toBe(true);
    expect(view.nodeExists('ACCOUNT', SANDBOX)).toBe(true);
    await endpoint
      .organizations()
      .send(new MoveAccountCommand({ AccountId: PROD_B, SourceParentId: PRODUCTION_OU, DestinationParentId: SANDBOX_OU }));
    expect(view.accountsUnder(WORKLOADS_OU)).toEqual([PROD_A]);
    expect(view.accountsUnder(SANDBOX_OU)).toEqual([PROD_B, SANDBOX]);
    expect(view.isDelegatedAdministrator(DELEGATED_ADMIN, 'servicecatalog.amazonaws.com')).toBe(true);
  });
});

describeWithBotocore('Organizations conformance', () => {
  it('has checked every emulated Organizations operation against the model', ({ annotate }) => {
    const checked = conformance.operations
      .filter((name) => name.startsWith('organizations:'))
      .map((name) => name.slice('organizations:'.length));
    expect(checked).toEqual([...ORGANIZATIONS_OPERATIONS].sort());
    return annotate(conformance.report());
  });
});
