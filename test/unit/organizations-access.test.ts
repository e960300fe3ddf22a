import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DisableAWSOrganizationsAccessCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { changeOrganizationsAccess, describeHub, readOrganizationsAccess } from '../../src/access/organizations-access.js';
import { AccessChangeInProgressError, DelegatedAdministratorsRegisteredError, NotManagementAccountError } from '../../src/errors.js';

const MANAGEMENT = '123456789012';
const DELEGATED = '210987654321';
const MEMBER = '333333333333';

const organizations = mockClient(OrganizationsClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const sts = mockClient(STSClient);
const clients = () => ({
  organizations: new OrganizationsClient({}),
  serviceCatalog: new ServiceCatalogClient({}),
  sts: new STSClient({}),
});
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

/** A clock that only moves when slept on, recording each sleep. */
const fakeClock = () => {
  let time = Date.parse('2026-11-21T10:00:00Z');
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => new Date(time),
      sleep: async (ms: number) => {
        sleeps.push(ms);
        time += ms;
      },
    },
  };
};

const callerIs = (accountId: string) => sts.on(GetCallerIdentityCommand).resolves({ Account: accountId });
const statuses = (...values: ('ENABLED' | 'DISABLED' | 'UNDER_CHANGE')[]) => {
  let stub = serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand);
  for (const value of values.slice(0, -1)) stub = stub.resolvesOnce({ AccessStatus: value });
  stub.resolves({ AccessStatus: values.at(-1) });
};

beforeEach(() => {
  organizations.reset();
  serviceCatalog.reset();
  sts.reset();
  callerIs(MANAGEMENT);
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-exampleorg1', MasterAccountId: MANAGEMENT } });
  // Organizations answers at most 20 a page: the delegated administrators come in two.
  organizations
    .on(ListDelegatedAdministratorsCommand, { ServicePrincipal: 'servicecatalog.amazonaws.com', NextToken: undefined })
    .resolves({ DelegatedAdministrators: [{ Id: '100000000001', Name: 'tools' }], NextToken: 'page-2' })
    .on(ListDelegatedAdministratorsCommand, { ServicePrincipal: 'servicecatalog.amazonaws.com', NextToken: 'page-2' })
    .resolves({
      DelegatedAdministrators: [
        { Id: DELEGATED, Name: 'shared-services', Status: 'ACTIVE', DelegationEnabledDate: new Date('2026-01-01T00:00:00Z') },
      ],
    });
  organizations
    .on(ListAWSServiceAccessForOrganizationCommand, { NextToken: undefined })
    .resolves({
      EnabledServicePrincipals: [{ ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com' }],
      NextToken: 'page-2',
    })
    .on(ListAWSServiceAccessForOrganizationCommand, { NextToken: 'page-2' })
    .resolves({ EnabledServicePrincipals: [{ ServicePrincipal: 'servicecatalog.amazonaws.com' }] });
  statuses('ENABLED');
});

describe('the hub', () => {
  it('is the management account when it is the organization master, with every delegated administrator over all pages', async () => {
    const { hub, delegatedAdministrators } = await describeHub(clients());

    expect(hub).toEqual({ accountId: MANAGEMENT, role: 'MANAGEMENT', organizationId: 'o-exampleorg1', managementAccountId: MANAGEMENT });
    expect(delegatedAdministrators).toEqual([
      { accountId: '100000000001', name: 'tools', status: null, delegationEnabledDate: null },
      { accountId: DELEGATED, name: 'shared-services', status: 'ACTIVE', delegationEnabledDate: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(organizations).toHaveReceivedCommandTimes(ListDelegatedAdministratorsCommand, 2);
  });

  it('is a delegated administrator when listed as one for Service Catalog, and OTHER when it may not list them', async () => {
    callerIs(DELEGATED);
    expect((await describeHub(clients())).hub.role).toBe('DELEGATED_ADMINISTRATOR');

    callerIs(MEMBER);
    organizations.on(ListDelegatedAdministratorsCommand).rejects(awsError('AccessDeniedException'));
    expect(await describeHub(clients())).toMatchObject({
      hub: { role: 'OTHER', managementAccountId: MANAGEMENT },
      delegatedAdministrators: null,
    });
  });

  it('is OTHER outside an organization', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(awsError('AWSOrganizationsNotInUseException'));

    expect(await describeHub(clients())).toEqual({
      hub: { accountId: MANAGEMENT, role: 'OTHER', organizationId: null, managementAccountId: null },
      delegatedAdministrators: null,
    });
  });

  it('pages through Organizations while it throttles: the SDK standard retry mode retries TooManyRequestsException', async () => {
    organizations.restore();
    const answers = [
      {
        statusCode: 400,
        body: {
          __type: 'TooManyRequestsException',
          Message: 'AWS Organizations cannot complete your request because another request is already in progress.',
        },
      },
      { statusCode: 200, body: { DelegatedAdministrators: [{ Id: '100000000001' }], NextToken: 'page-2' } },
      { statusCode: 400, body: { __type: 'TooManyRequestsException', Message: 'Rate exceeded' } },
      { statusCode: 200, body: { DelegatedAdministrators: [{ Id: DELEGATED }] } },
    ];
    let calls = 0;
    const organization = { statusCode: 200, body: { Organization: { Id: 'o-exampleorg1', MasterAccountId: MANAGEMENT } } };
    const throttling = new OrganizationsClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          const answer = request.headers['x-amz-target']?.endsWith('.DescribeOrganization') ? organization : answers[calls++];
          return {
            response: {
              statusCode: answer?.statusCode ?? 500,
              headers: { 'content-type': 'application/x-amz-json-1.1' },
              body: Readable.from([Buffer.from(JSON.stringify(answer?.body ?? {}))]),
            },
          };
        },
      } as never,
    });

    try {
      const { delegatedAdministrators } = await describeHub({ organizations: throttling, sts: new STSClient({}) });
      expect(delegatedAdministrators?.map((administrator) => administrator.accountId)).toEqual(['100000000001', DELEGATED]);
      expect(calls).toBe(4);
    } finally {
      throttling.destroy();
    }
  }, 10_000);
});

describe('GET /organizations-access', () => {
  it('is ready on the management account with access ENABLED and Service Catalog trusted (found on the second page)', async () => {
    const report = await readOrganizationsAccess(clients());

    expect(report).toMatchObject({
      accessStatus: 'ENABLED',
      serviceAccessEnabled: true,
      hub: { role: 'MANAGEMENT' },
      canChangeAccess: true,
      readyForOrganizationSharing: true,
      missing: [],
    });
    expect(report.delegatedAdministrators).toHaveLength(2);
  });

  it('says plainly what is missing when access is DISABLED and Service Catalog is not a trusted service', async () => {
    statuses('DISABLED');
    organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });

    const report = await readOrganizationsAccess(clients());

    expect(report.readyForOrganizationSharing).toBe(false);
    expect(report.missing).toEqual([
      expect.stringMatching(
        /^Organizations access for Service Catalog is DISABLED: enable it from the management account \(PUT \/organizations-access/,
      ),
      expect.stringMatching(/^servicecatalog\.amazonaws\.com is not among the organization's trusted services/),
    ]);
  });

  it('names UNDER_CHANGE as not ready yet', async () => {
    statuses('UNDER_CHANGE');
    const report = await readOrganizationsAccess(clients());
    expect(report.readyForOrganizationSharing).toBe(false);
    expect(report.missing).toEqual([expect.stringContaining('UNDER_CHANGE')]);
  });

  it('is ready from a delegated administrator, which cannot change access', async () => {
    callerIs(DELEGATED);
    expect(await readOrganizationsAccess(clients())).toMatchObject({
      hub: { role: 'DELEGATED_ADMINISTRATOR' },
      canChangeAccess: false,
      readyForOrganizationSharing: true,
    });
  });

  it('tells an account that is neither management nor delegated administrator how to become one', async () => {
    callerIs(MEMBER);
    organizations.on(ListDelegatedAdministratorsCommand).rejects(awsError('AccessDeniedException'));
    organizations.on(ListAWSServiceAccessForOrganizationCommand).rejects(awsError('AccessDeniedException'));
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).rejects(awsError('AccessDeniedException'));

    const report = await readOrganizationsAccess(clients());

    expect(report).toMatchObject({
      accessStatus: null,
      serviceAccessEnabled: null,
      delegatedAdministrators: null,
      readyForOrganizationSharing: false,
    });
    expect(report.missing).toEqual([
      `The hub account ${MEMBER} is neither the management account (${MANAGEMENT}) nor a Service Catalog delegated administrator: register it from the management account (aws organizations register-delegated-administrator --account-id ${MEMBER} --service-principal servicecatalog.amazonaws.com) or run the hub in the management account.`,
    ]);
  });

  it('says when the hub is outside any organization, without asking Service Catalog', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(awsError('AWSOrganizationsNotInUseException'));

    const report = await readOrganizationsAccess(clients());

    expect(report.missing).toEqual([`The hub account ${MANAGEMENT} is not in an AWS Organization: organization shares need one.`]);
    expect(serviceCatalog).not.toHaveReceivedCommand(GetAWSOrganizationsAccessStatusCommand);
  });
});

describe('PUT /organizations-access', () => {
  const options = (clock: ReturnType<typeof fakeClock>['clock'], waitBudgetMs = 26_000) => ({
    clock,
    waitBudgetMs,
    allowEnableOrganizationsAccess: false,
  });

  it('refuses a delegated administrator up front, naming why, and calls nothing that changes access', async () => {
    callerIs(DELEGATED);
    const { clock } = fakeClock();

    const refused = changeOrganizationsAccess(true, clients(), options(clock));

    await expect(refused).rejects.toBeInstanceOf(NotManagementAccountError);
    await expect(refused).rejects.toThrow(
      `Only the organization's management account (${MANAGEMENT}) may enable Organizations access for Service Catalog; the hub runs in ${DELEGATED}, a Service Catalog delegated administrator.`,
    );
    expect(serviceCatalog).not.toHaveReceivedCommand(EnableAWSOrganizationsAccessCommand);
    expect(serviceCatalog).not.toHaveReceivedCommand(GetAWSOrganizationsAccessStatusCommand);
  });

  it('turns Service Catalog refusing the change (AccessDenied / OperationNotSupported) into the same refusal', async () => {
    statuses('DISABLED');
    serviceCatalog
      .on(EnableAWSOrganizationsAccessCommand)
      .rejects(awsError('OperationNotSupportedException', 'Not the management account'));
    const { clock } = fakeClock();

    await expect(changeOrganizationsAccess(true, clients(), options(clock))).rejects.toThrow(
      /refused to enable Organizations access from 123456789012 \(OperationNotSupportedException: Not the management account\)/,
    );
  });

  it('changes nothing when access already has the requested status, and says so', async () => {
    const { clock, sleeps } = fakeClock();

    const change = await changeOrganizationsAccess(true, clients(), options(clock));

    expect(change).toMatchObject({
      requested: 'ENABLED',
      previousStatus: 'ENABLED',
      accessStatus: 'ENABLED',
      changed: false,
      settled: true,
    });
    expect(change.message).toBe('Organizations access for Service Catalog is already ENABLED; nothing changed.');
    expect(serviceCatalog).not.toHaveReceivedCommand(EnableAWSOrganizationsAccessCommand);
    expect(sleeps).toEqual([]);
  });

  it('disables, waits through UNDER_CHANGE with a doubling delay, and spells out the consequences', async () => {
    organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] });
    statuses('ENABLED', 'UNDER_CHANGE', 'UNDER_CHANGE', 'UNDER_CHANGE', 'DISABLED');
    serviceCatalog.on(DisableAWSOrganizationsAccessCommand).resolves({});
    const { clock, sleeps } = fakeClock();

    const change = await changeOrganizationsAccess(false, clients(), options(clock));

    expect(change).toMatchObject({
      requested: 'DISABLED',
      previousStatus: 'ENABLED',
      accessStatus: 'DISABLED',
      changed: true,
      settled: true,
      waitedMs: 7000,
    });
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(serviceCatalog).toHaveReceivedCommandTimes(DisableAWSOrganizationsAccessCommand, 1);
    expect(change.consequences).toEqual([
      expect.stringContaining(
        "organization shares stop following the organization's structure: accounts that join the organization or move into a shared OU no longer get the portfolio",
      ),
      expect.stringContaining('No new share with the organization, an OU or an organization member account can be created'),
      expect.stringContaining('Accounts removed from the organization while access is off keep access'),
      expect.stringContaining('end in Portfolio Share Failed with OrganizationsAccessDisabled'),
    ]);
  });

  it('says the share workflow will turn access back on when the policy allows it', async () => {
    organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] });
    statuses('ENABLED', 'DISABLED');
    const { clock } = fakeClock();

    const change = await changeOrganizationsAccess(false, clients(), { ...options(clock), allowEnableOrganizationsAccess: true });

    expect(change.consequences.at(-1)).toContain('turns it back on');
  });

  it('answers unsettled, without passing the deadline, when UNDER_CHANGE outlasts the budget', async () => {
    statuses('DISABLED', 'UNDER_CHANGE');
    serviceCatalog.on(EnableAWSOrganizationsAccessCommand).resolves({});
    const { clock, sleeps } = fakeClock();

    const change = await changeOrganizationsAccess(true, clients(), options(clock, 20_000));

    expect(change).toMatchObject({ accessStatus: 'UNDER_CHANGE', changed: true, settled: false, waitedMs: 20_000 });
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 5000]);
    expect(change.message).toBe(
      'Organizations access for Service Catalog is UNDER_CHANGE after 20 s; GET /organizations-access until it is ENABLED.',
    );
  });

  it('first waits for an earlier change to settle, and refuses when it does not', async () => {
    statuses('UNDER_CHANGE', 'ENABLED');
    const { clock } = fakeClock();
    expect(await changeOrganizationsAccess(true, clients(), options(clock))).toMatchObject({ previousStatus: 'ENABLED', changed: false });

    statuses('UNDER_CHANGE');
    await expect(changeOrganizationsAccess(false, clients(), options(fakeClock().clock, 3000))).rejects.toBeInstanceOf(
      AccessChangeInProgressError,
    );
    expect(serviceCatalog).not.toHaveReceivedCommand(DisableAWSOrganizationsAccessCommand);
  });

  it('refuses to disable while delegated administrators are registered, naming them', async () => {
    const { clock } = fakeClock();

    const refused = changeOrganizationsAccess(false, clients(), options(clock));

    await expect(refused).rejects.toBeInstanceOf(DelegatedAdministratorsRegisteredError);
    await expect(refused).rejects.toThrow(/deregister 100000000001 \(tools\), 210987654321 \(shared-services\) first/);
    expect(serviceCatalog).not.toHaveReceivedCommand(DisableAWSOrganizationsAccessCommand);
  });

  it("reports Service Catalog's InvalidStateException as a change it will not make now", async () => {
    statuses('DISABLED');
    serviceCatalog.on(EnableAWSOrganizationsAccessCommand).rejects(awsError('InvalidStateException', 'Access is changing'));

    await expect(changeOrganizationsAccess(true, clients(), options(fakeClock().clock))).rejects.toThrow(
      'Service Catalog refused the change: Access is changing',
    );
  });
});
