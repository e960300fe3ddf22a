// IAM enforcement through the wire: fixture users and roles with policies, called with the real SDK
// clients. Each refusal is checked for the error code, status and the message AWS words it with;
// each allowance for the call going through. Role trust, session policies and SourceIdentity on STS
// AssumeRole, an event bus policy on PutEvents, and the enforce / report / off modes.
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateOrganizationalUnitCommand, EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';
import {
  CreatePortfolioCommand,
  CreatePortfolioShareCommand,
  DeletePortfolioShareCommand,
  DescribePortfolioCommand,
  ListOrganizationPortfolioAccessCommand,
  ListPortfolioAccessCommand,
  ListPortfoliosCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, type AssumeRoleCommandInput, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../src/endpoint.js';
import type { Denial } from '../src/iam/evaluator.js';
import {
  expectAwsError,
  MANAGEMENT,
  PARTNER_KEY,
  PROD_A,
  PROD_B,
  ROOT_ID,
  SANDBOX_KEY,
  startTestEndpoint,
  type TestEndpoint,
  testFixture,
  withAccountAdditions,
} from './local-aws-harness.js';

const REGION = 'us-east-1';
const ORGANIZATION_ID = 'o-testorg0001';
const PORTFOLIO_A = 'port-iamportfolio1';
const PORTFOLIO_B = 'port-iamportfolio2';
const BUS = 'portfolio-share-orchestrator';
const REQUESTED = 'Portfolio Share Requested';
const SERVICE_CATALOG = 'servicecatalog.amazonaws.com';
const STACKSETS = 'member.org.stacksets.cloudformation.amazonaws.com';

const portfolioArn = (id: string) => `arn:aws:catalog:${REGION}:${MANAGEMENT}:portfolio/${id}`;
const userArn = (name: string) => `arn:aws:iam::${MANAGEMENT}:user/${name}`;
const roleArn = (accountId: string, name: string) => `arn:aws:iam::${accountId}:role/${name}`;
const INTAKE_SOURCE = 'portfolio-share-orchestrator.intake';
const busArn = `arn:aws:events:${REGION}:${MANAGEMENT}:event-bus/${BUS}`;

type Statement = Record<string, unknown>;
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Statement = {}): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const policy = (...Statement: Statement[]) => ({ Version: '2012-10-17', Statement });

/** IAM users of the management account, each with one inline policy. */
const USERS: Record<string, Statement[]> = {
  reader: [allow(['servicecatalog:List*', 'servicecatalog:Describe*'])],
  'denied-sharer': [allow('servicecatalog:*'), { Effect: 'Deny', Action: 'servicecatalog:CreatePortfolioShare', Resource: '*' }],
  'all-but-sharing': [{ Effect: 'Allow', NotAction: ['servicecatalog:CreatePortfolioShare', 'servicecatalog:Delete*'], Resource: '*' }],
  'all-but-portfolio-a': [{ Effect: 'Allow', Action: 'servicecatalog:CreatePortfolioShare', NotResource: portfolioArn(PORTFOLIO_A) }],
  'portfolio-a-only': [allow('servicecatalog:CreatePortfolioShare', portfolioArn(PORTFOLIO_A))],
  'org-access-on-portfolios': [
    allow('servicecatalog:ListOrganizationPortfolioAccess', `arn:aws:catalog:${REGION}:${MANAGEMENT}:portfolio/*`),
  ],
  'org-access-on-all': [allow('servicecatalog:ListOrganizationPortfolioAccess')],
  'service-access-admin': [
    allow('organizations:EnableAWSServiceAccess', '*', {
      Condition: { StringEquals: { 'organizations:ServicePrincipal': SERVICE_CATALOG } },
    }),
  ],
  publisher: [allow('events:PutEvents')],
  // Single-valued operators on events:source and events:detail-type, a negated one among them.
  'intake-publisher': [
    allow('events:PutEvents', busArn, { Condition: { StringEquals: { 'events:source': INTAKE_SOURCE } } }),
    {
      Effect: 'Deny',
      Action: 'events:PutEvents',
      Resource: '*',
      Condition: { StringNotLike: { 'events:detail-type': 'Portfolio Share *' } },
    },
  ],
};

const keyOf = (name: string): AwsCredentials => ({
  accessKeyId: `AKIAIAM${name.toUpperCase().replaceAll('-', '')}`,
  secretAccessKey: name,
});

const trust = (Principal: unknown, Action: string | string[] = 'sts:AssumeRole', extra: Statement = {}) =>
  policy({ Effect: 'Allow', Principal, Action, ...extra });

/** The test organization, with the users above, the roles the STS tests assume and two portfolios. */
function iamFixture(): Record<string, unknown> {
  return {
    ...withAccountAdditions(testFixture(), {
      [MANAGEMENT]: {
        roles: ['Orchestrator', 'Intake'],
        accessKeys: Object.entries(USERS).map(([name, statements]) => ({
          ...keyOf(name),
          user: name,
          policies: [{ name: `${name}-policy`, document: policy(...statements) }],
        })),
      },
      [PROD_A]: {
        roles: [
          { name: 'Restricted', trustPolicy: trust({ AWS: roleArn(MANAGEMENT, 'Orchestrator') }) },
          {
            name: 'OrgOnly',
            trustPolicy: trust({ AWS: '*' }, 'sts:AssumeRole', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } } }),
          },
          { name: 'Audited', trustPolicy: trust({ AWS: MANAGEMENT }, ['sts:AssumeRole', 'sts:SetSourceIdentity']) },
          { name: 'Unaudited', trustPolicy: trust({ AWS: MANAGEMENT }) },
        ],
      },
      [PROD_B]: {
        roles: [
          { name: 'ChainedAudited', trustPolicy: trust({ AWS: PROD_A }, ['sts:AssumeRole', 'sts:SetSourceIdentity']) },
          { name: 'ChainedUnaudited', trustPolicy: trust({ AWS: PROD_A }) },
        ],
      },
    }),
    serviceCatalog: [
      { id: PORTFOLIO_A, name: 'Networking', providerName: 'Platform' },
      { id: PORTFOLIO_B, name: 'Databases', providerName: 'Platform' },
    ],
  };
}

let endpoint: TestEndpoint;
const clients: ServiceCatalogClient[] = [];

function serviceCatalog(credentials?: AwsCredentials): ServiceCatalogClient {
  const client = new ServiceCatalogClient({ ...endpoint.aws.clientConfig(credentials), maxAttempts: 1 });
  clients.push(client);
  return client;
}

async function start(iam?: 'enforce' | 'report' | 'off'): Promise<void> {
  endpoint = await startTestEndpoint({ fixture: iamFixture(), ...(iam ? { iam } : {}) });
}

async function stop(): Promise<void> {
  for (const client of clients.splice(0)) client.destroy();
  await endpoint?.close();
  expect(endpoint?.aws.internalErrors ?? []).toEqual([]);
}

async function assume(input: AssumeRoleCommandInput, credentials?: AwsCredentials) {
  const output = await endpoint.sts(credentials).send(new AssumeRoleCommand(input));
  const issued = output.Credentials;
  if (!issued?.AccessKeyId || !issued.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  const session: AwsCredentials = { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey };
  if (issued.SessionToken) session.sessionToken = issued.SessionToken;
  return { output, credentials: session };
}

const entry = (DetailType: string) => ({ EventBusName: BUS, Source: INTAKE_SOURCE, DetailType, Detail: '{}' });
/** The accounts a portfolio is shared with, as its owner (the management account's root) lists them. */
async function sharedWith(portfolioId: string): Promise<string[]> {
  const output = await serviceCatalog().send(new ListPortfolioAccessCommand({ PortfolioId: portfolioId }));
  return output.AccountIds ?? [];
}

const share = (portfolioId: string, accountId = PROD_A) =>
  new CreatePortfolioShareCommand({ PortfolioId: portfolioId, AccountId: accountId });

/** "User: … is not authorized to perform: <action> on resource: <resource> <reason>" */
const notAuthorized = (principal: string, action: string, resource: string, reason?: string) =>
  `User: ${principal} is not authorized to perform: ${action} on resource: ${resource}${reason ? ` ${reason}` : ''}`;
const noIdentityPolicy = (action: string) => `because no identity-based policy allows the ${action} action`;

function accessDenied(operation: string, message: string) {
  return { service: 'servicecatalog', operation, name: 'AccessDeniedException', status: 400, message };
}

function assumeDenied(message: string) {
  return { service: 'sts', operation: 'AssumeRole', name: 'AccessDenied', status: 403, message };
}

describe('IAM enforcement', () => {
  beforeAll(() => start());
  afterAll(stop);

  describe('identity-based policies of IAM users', () => {
    it('lets a read-only user list and describe portfolios but not share one, refused as AWS words it', async () => {
      const reader = serviceCatalog(keyOf('reader'));
      const listed = await reader.send(new ListPortfoliosCommand({}));
      expect(listed.PortfolioDetails?.map((portfolio) => portfolio.Id)).toEqual(expect.arrayContaining([PORTFOLIO_A, PORTFOLIO_B]));
      await expect(reader.send(new DescribePortfolioCommand({ Id: PORTFOLIO_A }))).resolves.toMatchObject({
        PortfolioDetail: { Id: PORTFOLIO_A },
      });

      const before = await sharedWith(PORTFOLIO_A);
      await expectAwsError(
        reader.send(share(PORTFOLIO_A)),
        accessDenied(
          'CreatePortfolioShare',
          notAuthorized(
            userArn('reader'),
            'servicecatalog:CreatePortfolioShare',
            portfolioArn(PORTFOLIO_A),
            noIdentityPolicy('servicecatalog:CreatePortfolioShare'),
          ),
        ),
      );
      // Refused before the operation ran: no share was created.
      expect(await sharedWith(PORTFOLIO_A)).toEqual(before);
    });

    it('lets an explicit Deny win over an Allow, and says so', async () => {
      const user = serviceCatalog(keyOf('denied-sharer'));
      await expect(user.send(new DescribePortfolioCommand({ Id: PORTFOLIO_A }))).resolves.toBeDefined();
      await expectAwsError(
        user.send(share(PORTFOLIO_A)),
        accessDenied(
          'CreatePortfolioShare',
          notAuthorized(
            userArn('denied-sharer'),
            'servicecatalog:CreatePortfolioShare',
            portfolioArn(PORTFOLIO_A),
            'with an explicit deny in an identity-based policy',
          ),
        ),
      );
    });

    it('allows everything but the actions a NotAction names', async () => {
      const user = serviceCatalog(keyOf('all-but-sharing'));
      await expect(user.send(new DescribePortfolioCommand({ Id: PORTFOLIO_A }))).resolves.toBeDefined();
      await expect(
        user.send(new CreatePortfolioCommand({ DisplayName: 'Pipelines', ProviderName: 'DevEx', IdempotencyToken: 'not-action' })),
      ).resolves.toMatchObject({ PortfolioDetail: { DisplayName: 'Pipelines' } });
      await expectAwsError(
        user.send(share(PORTFOLIO_A)),
        accessDenied(
          'CreatePortfolioShare',
          notAuthorized(
            userArn('all-but-sharing'),
            'servicecatalog:CreatePortfolioShare',
            portfolioArn(PORTFOLIO_A),
            noIdentityPolicy('servicecatalog:CreatePortfolioShare'),
          ),
        ),
      );
      await expectAwsError(
        user.send(new DeletePortfolioShareCommand({ PortfolioId: PORTFOLIO_A, AccountId: PROD_A })),
        accessDenied(
          'DeletePortfolioShare',
          notAuthorized(
            userArn('all-but-sharing'),
            'servicecatalog:DeletePortfolioShare',
            portfolioArn(PORTFOLIO_A),
            noIdentityPolicy('servicecatalog:DeletePortfolioShare'),
          ),
        ),
      );
    });

    it('allows every resource but the one a NotResource names', async () => {
      const user = serviceCatalog(keyOf('all-but-portfolio-a'));
      await expect(user.send(share(PORTFOLIO_B, PROD_B))).resolves.toBeDefined();
      expect(await sharedWith(PORTFOLIO_B)).toContain(PROD_B);
      await expectAwsError(
        user.send(share(PORTFOLIO_A, PROD_B)),
        accessDenied(
          'CreatePortfolioShare',
          notAuthorized(
            userArn('all-but-portfolio-a'),
            'servicecatalog:CreatePortfolioShare',
            portfolioArn(PORTFOLIO_A),
            noIdentityPolicy('servicecatalog:CreatePortfolioShare'),
          ),
        ),
      );
    });

    it('allows the portfolio a Resource ARN names and refuses another', async () => {
      const user = serviceCatalog(keyOf('portfolio-a-only'));
      await expect(user.send(share(PORTFOLIO_A, PROD_B))).resolves.toBeDefined();
      expect(await sharedWith(PORTFOLIO_A)).toContain(PROD_B);
      await expectAwsError(
        user.send(share(PORTFOLIO_B, PROD_A)),
        accessDenied(
          'CreatePortfolioShare',
          notAuthorized(
            userArn('portfolio-a-only'),
            'servicecatalog:CreatePortfolioShare',
            portfolioArn(PORTFOLIO_B),
            noIdentityPolicy('servicecatalog:CreatePortfolioShare'),
          ),
        ),
      );
    });

    it('authorizes an action without resource types on "*" only: granted on portfolio/* it is refused', async () => {
      const input = { PortfolioId: PORTFOLIO_A, OrganizationNodeType: 'ORGANIZATIONAL_UNIT' as const };
      await expectAwsError(
        serviceCatalog(keyOf('org-access-on-portfolios')).send(new ListOrganizationPortfolioAccessCommand(input)),
        accessDenied(
          'ListOrganizationPortfolioAccess',
          notAuthorized(
            userArn('org-access-on-portfolios'),
            'servicecatalog:ListOrganizationPortfolioAccess',
            '*',
            noIdentityPolicy('servicecatalog:ListOrganizationPortfolioAccess'),
          ),
        ),
      );
      await expect(
        serviceCatalog(keyOf('org-access-on-all')).send(new ListOrganizationPortfolioAccessCommand(input)),
      ).resolves.toMatchObject({ OrganizationNodes: [] });
    });

    it('holds organizations:EnableAWSServiceAccess to the service principal its condition names', async () => {
      const user = endpoint.organizations(keyOf('service-access-admin'));
      await expect(user.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: SERVICE_CATALOG }))).resolves.toBeDefined();
      await expectAwsError(user.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: STACKSETS })), {
        service: 'organizations',
        operation: 'EnableAWSServiceAccess',
        name: 'AccessDeniedException',
        status: 400,
        message: notAuthorized(
          userArn('service-access-admin'),
          'organizations:EnableAWSServiceAccess',
          '*',
          noIdentityPolicy('organizations:EnableAWSServiceAccess'),
        ),
      });
      expect(endpoint.aws.organization.isServiceAccessEnabled(STACKSETS)).toBe(false);
    });
  });

  describe('STS AssumeRole and role trust', () => {
    it('lets only the role its trust policy names assume a role', async () => {
      const restricted = roleArn(PROD_A, 'Restricted');
      await expectAwsError(
        endpoint.sts(keyOf('reader')).send(new AssumeRoleCommand({ RoleArn: restricted, RoleSessionName: 'reader' })),
        assumeDenied(notAuthorized(userArn('reader'), 'sts:AssumeRole', restricted)),
      );
      await expectAwsError(
        endpoint.sts().send(new AssumeRoleCommand({ RoleArn: restricted, RoleSessionName: 'root' })),
        assumeDenied(notAuthorized(`arn:aws:iam::${MANAGEMENT}:root`, 'sts:AssumeRole', restricted)),
      );

      const orchestrator = await assume({ RoleArn: roleArn(MANAGEMENT, 'Orchestrator'), RoleSessionName: 'orchestrator' });
      const { output } = await assume({ RoleArn: restricted, RoleSessionName: 'chained' }, orchestrator.credentials);
      expect(output.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD_A}:assumed-role/Restricted/chained`);
    });

    it('refuses a caller outside the organization when the trust requires aws:PrincipalOrgID', async () => {
      const orgOnly = roleArn(PROD_A, 'OrgOnly');
      await expectAwsError(
        endpoint.sts(PARTNER_KEY).send(new AssumeRoleCommand({ RoleArn: orgOnly, RoleSessionName: 'partner' })),
        assumeDenied(notAuthorized('arn:aws:iam::999988887777:root', 'sts:AssumeRole', orgOnly)),
      );
      const { output } = await assume({ RoleArn: orgOnly, RoleSessionName: 'sandbox' }, SANDBOX_KEY);
      expect(output.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD_A}:assumed-role/OrgOnly/sandbox`);
    });

    it('sets a SourceIdentity only where the trust allows sts:SetSourceIdentity, and keeps it along the chain', async () => {
      const unaudited = roleArn(PROD_A, 'Unaudited');
      await expectAwsError(
        endpoint.sts().send(new AssumeRoleCommand({ RoleArn: unaudited, RoleSessionName: 'alice', SourceIdentity: 'alice' })),
        assumeDenied(notAuthorized(`arn:aws:iam::${MANAGEMENT}:root`, 'sts:SetSourceIdentity', unaudited)),
      );
      // Without a source identity the same role is assumed.
      await assume({ RoleArn: unaudited, RoleSessionName: 'anonymous' });

      const audited = await assume({ RoleArn: roleArn(PROD_A, 'Audited'), RoleSessionName: 'alice', SourceIdentity: 'alice' });
      expect(audited.output.SourceIdentity).toBe('alice');

      const chained = await assume({ RoleArn: roleArn(PROD_B, 'ChainedAudited'), RoleSessionName: 'chained' }, audited.credentials);
      expect(chained.output.SourceIdentity).toBe('alice');
      expect(chained.output.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD_B}:assumed-role/ChainedAudited/chained`);

      // The chained session carries the source identity, so the next role's trust must allow setting it.
      const chainedUnaudited = roleArn(PROD_B, 'ChainedUnaudited');
      const auditedSession = `arn:aws:sts::${PROD_A}:assumed-role/Audited/alice`;
      await expectAwsError(
        endpoint.sts(audited.credentials).send(new AssumeRoleCommand({ RoleArn: chainedUnaudited, RoleSessionName: 'chained' })),
        assumeDenied(notAuthorized(auditedSession, 'sts:SetSourceIdentity', chainedUnaudited)),
      );
      await expectAwsError(
        endpoint
          .sts(audited.credentials)
          .send(new AssumeRoleCommand({ RoleArn: roleArn(PROD_B, 'ChainedAudited'), RoleSessionName: 'bob', SourceIdentity: 'bob' })),
        { service: 'sts', operation: 'AssumeRole', name: 'ValidationError', status: 400 },
      );
    });

    it('narrows a session to what its session Policy allows', async () => {
      const narrowed = await assume({
        RoleArn: roleArn(MANAGEMENT, 'Orchestrator'),
        RoleSessionName: 'narrowed',
        Policy: JSON.stringify(policy(allow(['servicecatalog:List*', 'servicecatalog:Describe*']))),
      });
      const session = serviceCatalog(narrowed.credentials);
      await expect(session.send(new ListPortfoliosCommand({}))).resolves.toBeDefined();
      await expectAwsError(
        session.send(share(PORTFOLIO_A)),
        accessDenied(
          'CreatePortfolioShare',
          notAuthorized(
            `arn:aws:sts::${MANAGEMENT}:assumed-role/Orchestrator/narrowed`,
            'servicecatalog:CreatePortfolioShare',
            portfolioArn(PORTFOLIO_A),
            'because no session policy allows the servicecatalog:CreatePortfolioShare action',
          ),
        ),
      );
      // The role alone (no session policy) may share.
      const unrestricted = await assume({ RoleArn: roleArn(MANAGEMENT, 'Orchestrator'), RoleSessionName: 'unrestricted' });
      await expect(serviceCatalog(unrestricted.credentials).send(share(PORTFOLIO_A, PROD_A))).resolves.toBeDefined();
    });

    it('refuses a session Policy that is not JSON with MalformedPolicyDocument', async () => {
      await expectAwsError(
        endpoint
          .sts()
          .send(
            new AssumeRoleCommand({ RoleArn: roleArn(MANAGEMENT, 'Orchestrator'), RoleSessionName: 'malformed', Policy: '{"Version":' }),
          ),
        { service: 'sts', operation: 'AssumeRole', name: 'MalformedPolicyDocumentException', status: 400 },
      );
    });
  });

  describe('event bus policies', () => {
    beforeAll(() => {
      endpoint.aws.eventBridge.putPolicyStatement(MANAGEMENT, REGION, BUS, {
        Sid: 'OnlyIntakeRequestsShares',
        Effect: 'Deny',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: busArn,
        Condition: {
          StringEquals: { 'events:detail-type': REQUESTED },
          ArnNotLike: { 'aws:PrincipalArn': roleArn(MANAGEMENT, 'Intake') },
        },
      });
    });

    it('refuses PutEvents of the denied detail-type to any principal but the one the policy exempts', async () => {
      const publisher = endpoint.events(keyOf('publisher'));
      await expectAwsError(publisher.send(new PutEventsCommand({ Entries: [entry(REQUESTED)] })), {
        service: 'events',
        operation: 'PutEvents',
        name: 'AccessDeniedException',
        status: 400,
        message: notAuthorized(userArn('publisher'), 'events:PutEvents', busArn, 'with an explicit deny in a resource-based policy'),
      });
      // The root user is no exception to an explicit deny in a resource policy.
      await expectAwsError(endpoint.events().send(new PutEventsCommand({ Entries: [entry(REQUESTED)] })), {
        service: 'events',
        operation: 'PutEvents',
        name: 'AccessDeniedException',
        status: 400,
      });
      await expect(publisher.send(new PutEventsCommand({ Entries: [entry('Portfolio Share Completed')] }))).resolves.toMatchObject({
        FailedEntryCount: 0,
      });

      const intake = await assume({ RoleArn: roleArn(MANAGEMENT, 'Intake'), RoleSessionName: 'intake' });
      await expect(endpoint.events(intake.credentials).send(new PutEventsCommand({ Entries: [entry(REQUESTED)] }))).resolves.toMatchObject({
        FailedEntryCount: 0,
      });
    });

    it('holds identity policies to the source and detail-type of each entry', async () => {
      const publisher = endpoint.events(keyOf('intake-publisher'));
      const completed = entry('Portfolio Share Completed');
      await expect(publisher.send(new PutEventsCommand({ Entries: [completed] }))).resolves.toMatchObject({ FailedEntryCount: 0 });
      await expectAwsError(publisher.send(new PutEventsCommand({ Entries: [completed, { ...completed, Source: 'someone.else' }] })), {
        service: 'events',
        operation: 'PutEvents',
        name: 'AccessDeniedException',
        status: 400,
        message: notAuthorized(userArn('intake-publisher'), 'events:PutEvents', busArn, noIdentityPolicy('events:PutEvents')),
      });
      await expectAwsError(publisher.send(new PutEventsCommand({ Entries: [entry('Something Else Happened')] })), {
        service: 'events',
        operation: 'PutEvents',
        name: 'AccessDeniedException',
        status: 400,
        message: notAuthorized(
          userArn('intake-publisher'),
          'events:PutEvents',
          busArn,
          'with an explicit deny in an identity-based policy',
        ),
      });
    });
  });

  describe('the root user', () => {
    it('may do anything in its own account', async () => {
      const denials: Denial[] = [];
      const unsubscribe = endpoint.aws.iam.onDenial((denial) => denials.push(denial));
      try {
        await expect(endpoint.sts().send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
          Arn: `arn:aws:iam::${MANAGEMENT}:root`,
        });
        await expect(serviceCatalog().send(share(PORTFOLIO_B, PROD_A))).resolves.toBeDefined();
        await expect(
          serviceCatalog().send(new CreatePortfolioCommand({ DisplayName: 'Root', ProviderName: 'Root', IdempotencyToken: 'root' })),
        ).resolves.toBeDefined();
        await expect(
          endpoint.organizations().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: STACKSETS })),
        ).resolves.toBeDefined();
        await expect(
          endpoint.organizations().send(new CreateOrganizationalUnitCommand({ ParentId: ROOT_ID, Name: 'Created by root' })),
        ).resolves.toBeDefined();
        await expect(endpoint.events().send(new PutEventsCommand({ Entries: [entry('Root was here')] }))).resolves.toMatchObject({
          FailedEntryCount: 0,
        });
      } finally {
        unsubscribe();
      }
      expect(denials).toEqual([]);
    });
  });
});

describe('IAM modes', () => {
  const denials: Denial[] = [];
  let unsubscribe: () => void;
  const readerShare = () => serviceCatalog(keyOf('reader')).send(share(PORTFOLIO_A));
  const expected = {
    principal: userArn('reader'),
    action: 'servicecatalog:CreatePortfolioShare',
    resource: portfolioArn(PORTFOLIO_A),
    message: notAuthorized(
      userArn('reader'),
      'servicecatalog:CreatePortfolioShare',
      portfolioArn(PORTFOLIO_A),
      noIdentityPolicy('servicecatalog:CreatePortfolioShare'),
    ),
  };

  afterEach(async () => {
    unsubscribe();
    denials.length = 0;
    await stop();
  });

  const listen = () => {
    unsubscribe = endpoint.aws.iam.onDenial((denial) => denials.push(denial));
  };

  it('report: lets a refused call through and reports one denial', async () => {
    await start('report');
    listen();
    expect(endpoint.aws.iam.mode).toBe('report');
    await expect(readerShare()).resolves.toBeDefined();
    expect(await sharedWith(PORTFOLIO_A)).toEqual([PROD_A]);
    expect(denials).toEqual([
      { ...expected, reason: noIdentityPolicy('servicecatalog:CreatePortfolioShare'), mode: 'report', time: expect.any(String) },
    ]);
  });

  it('off: evaluates nothing', async () => {
    await start('off');
    listen();
    await expect(readerShare()).resolves.toBeDefined();
    const restricted = roleArn(PROD_A, 'Restricted');
    await expect(
      endpoint.sts(keyOf('reader')).send(new AssumeRoleCommand({ RoleArn: restricted, RoleSessionName: 'reader' })),
    ).resolves.toBeDefined();
    expect(denials).toEqual([]);
  });

  it('setMode: switches between enforce, report and off while running', async () => {
    await start();
    listen();
    expect(endpoint.aws.iam.mode).toBe('enforce');
    await expectAwsError(readerShare(), accessDenied('CreatePortfolioShare', expected.message));
    expect(denials).toMatchObject([{ ...expected, mode: 'enforce' }]);

    endpoint.aws.iam.setMode('report');
    await expect(readerShare()).resolves.toBeDefined();
    expect(denials).toMatchObject([{ mode: 'enforce' }, { ...expected, mode: 'report' }]);

    endpoint.aws.iam.setMode('off');
    await expect(
      serviceCatalog(keyOf('reader')).send(new DeletePortfolioShareCommand({ PortfolioId: PORTFOLIO_A, AccountId: PROD_A })),
    ).resolves.toBeDefined();
    expect(denials).toHaveLength(2);

    endpoint.aws.iam.setMode('enforce');
    await expectAwsError(readerShare(), accessDenied('CreatePortfolioShare', expected.message));
    expect(denials).toHaveLength(3);
  });
});
