// The endpoint with a state directory: what each service was answered for is there after a restart.
// A crash is taken as the files are the moment the last answer went out (copied then, before any
// close), which is all a SIGKILL leaves behind.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, DescribeEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  DescribeCreateAccountStatusCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  AssociatePrincipalWithPortfolioCommand,
  CreatePortfolioCommand,
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  ListPrincipalsForPortfolioCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../src/endpoint.js';
import { IDEMPOTENCY_KEY_HEADER } from '../src/server.js';
import { MANAGEMENT, MEMBER_ROLE, PROD_A, PRODUCTION_OU, ROOT_ID, testFixture } from './local-aws-harness.js';

const started: LocalAws[] = [];
const start = async (stateDir: string) => {
  const aws = await startLocalAws({ port: 0, fixture: testFixture(), stateDir, timeScale: 1, knobs: {} });
  started.push(aws);
  return aws;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((aws) => aws.close()));
});

/** The state directory as a kill would leave it now. */
const killed = (stateDir: string): string => {
  const copy = mkdtempSync(join(tmpdir(), 'pso-killed-'));
  cpSync(stateDir, copy, { recursive: true });
  return copy;
};

const clients = (aws: LocalAws) => ({
  organizations: new OrganizationsClient(aws.clientConfig()),
  serviceCatalog: new ServiceCatalogClient(aws.clientConfig()),
  events: new EventBridgeClient(aws.clientConfig()),
  sts: new STSClient(aws.clientConfig()),
});

const entry = (n: number) => ({
  Source: 'test.persistence',
  DetailType: 'Thing Happened',
  Detail: JSON.stringify({ n }),
  EventBusName: 'portfolio-share-orchestrator',
});

describe('a persisted endpoint after a kill', () => {
  it('has the organization as it was answered: an OU created, an account moved, a pending CreateAccount that completes after the restart', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const first = clients(await start(dir));
    const { OrganizationalUnit } = await first.organizations.send(
      new CreateOrganizationalUnitCommand({ ParentId: ROOT_ID, Name: 'Persisted' }),
    );
    await first.organizations.send(
      new MoveAccountCommand({ AccountId: PROD_A, SourceParentId: PRODUCTION_OU, DestinationParentId: OrganizationalUnit?.Id ?? '' }),
    );
    const { CreateAccountStatus } = await first.organizations.send(
      new CreateAccountCommand({ AccountName: 'after-restart', Email: 'after-restart@example.com' }),
    );

    // Act
    const aws = await start(killed(dir));
    const second = clients(aws);
    aws.clock.advance(60_000);

    // Assess
    const units = await second.organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT_ID }));
    expect(units.OrganizationalUnits?.map((unit) => unit.Name)).toContain('Persisted');
    const moved = await second.organizations.send(new ListAccountsForParentCommand({ ParentId: OrganizationalUnit?.Id ?? '' }));
    expect(moved.Accounts?.map((account) => account.Id)).toEqual([PROD_A]);
    const status = await second.organizations.send(
      new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus?.Id ?? '' }),
    );
    expect(status.CreateAccountStatus?.State).toBe('SUCCEEDED');
    expect(aws.events.list({ eventName: 'CreateAccountResult' })).toHaveLength(1);
  });

  it('has Service Catalog as it was answered: a portfolio with its principals, an organization share whose token still reports, listed by DescribePortfolioShares', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const first = clients(await start(dir));
    const { PortfolioDetail } = await first.serviceCatalog.send(
      new CreatePortfolioCommand({ DisplayName: 'Persisted', ProviderName: 'Platform team', IdempotencyToken: 'persisted-1' }),
    );
    const portfolioId = PortfolioDetail?.Id ?? '';
    const principal = `arn:aws:iam::${MANAGEMENT}:role/Developer`;
    await first.serviceCatalog.send(
      new AssociatePrincipalWithPortfolioCommand({ PortfolioId: portfolioId, PrincipalARN: principal, PrincipalType: 'IAM' }),
    );
    const { PortfolioShareToken } = await first.serviceCatalog.send(
      new CreatePortfolioShareCommand({
        PortfolioId: portfolioId,
        OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: PRODUCTION_OU },
      }),
    );

    // Act
    const aws = await start(killed(dir));
    const second = clients(aws);
    aws.clock.advance(10 * 60_000);

    // Assess
    const status = await second.serviceCatalog.send(new DescribePortfolioShareStatusCommand({ PortfolioShareToken }));
    expect(status.Status).toBe('COMPLETED');
    expect(status.ShareDetails?.SuccessfulShares?.sort()).toEqual([PROD_A, '444444444444']);
    const shares = await second.serviceCatalog.send(
      new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: 'ORGANIZATIONAL_UNIT' }),
    );
    expect(shares.PortfolioShareDetails?.map((share) => share.PrincipalId)).toEqual([PRODUCTION_OU]);
    expect(aws.serviceCatalog.accountsWithAccess(portfolioId).sort()).toEqual([PROD_A, '444444444444']);
    const principals = await second.serviceCatalog.send(new ListPrincipalsForPortfolioCommand({ PortfolioId: portfolioId }));
    expect(principals.Principals).toEqual([{ PrincipalARN: principal, PrincipalType: 'IAM' }]);
  });

  it('knows the sessions it issued and the buses it made, and its clock does not go back', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const firstAws = await start(dir);
    const first = clients(firstAws);
    const { Credentials } = await first.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD_A}:role/${MEMBER_ROLE}`, RoleSessionName: 'persisted' }),
    );
    await first.events.send(new CreateEventBusCommand({ Name: 'made-before-the-kill' }));
    const before = firstAws.clock.now();

    // Act
    const aws = await start(killed(dir));

    // Assess
    expect(aws.clock.now()).toBeGreaterThan(before);
    const session = new STSClient(
      aws.clientConfig({
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      }),
    );
    const identity = await session.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${PROD_A}:assumed-role/${MEMBER_ROLE}/persisted`);
    const bus = await clients(aws).events.send(new DescribeEventBusCommand({ Name: 'made-before-the-kill' }));
    expect(bus.Arn).toBe(`arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/made-before-the-kill`);
  });

  it('issues no event id of the run before it, though its seed is the same', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const first = clients(await start(dir));
    const before = await first.events.send(new PutEventsCommand({ Entries: [1, 2, 3].map(entry) }));

    // Act
    const second = clients(await start(killed(dir)));
    const after = await second.events.send(new PutEventsCommand({ Entries: [1, 2, 3].map(entry) }));

    // Assess
    const earlier = new Set(before.Entries?.map((result) => result.EventId));
    expect(after.Entries?.filter((result) => earlier.has(result.EventId))).toEqual([]);
  });

  it('carries out a call sent with an idempotency key once, before and after a restart, answering it the same each time', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pso-state-'));
    const withKey = (events: EventBridgeClient) => {
      const command = new PutEventsCommand({ Entries: [entry(1)] });
      command.middlewareStack.add(
        (next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers[IDEMPOTENCY_KEY_HEADER] = 'execution-arn|call-1';
          return next(args);
        },
        { step: 'build' },
      );
      return events.send(command);
    };
    const firstAws = await start(dir);
    const once = await withKey(clients(firstAws).events);
    const twice = await withKey(clients(firstAws).events);

    // Act
    const aws = await start(killed(dir));
    const again = await withKey(clients(aws).events);

    // Assess
    expect(twice.Entries?.[0]?.EventId).toBe(once.Entries?.[0]?.EventId);
    expect(again.Entries?.[0]?.EventId).toBe(once.Entries?.[0]?.EventId);
    expect(firstAws.events.list({ source: 'test.persistence' })).toHaveLength(1);
    expect(aws.events.list({ source: 'test.persistence' })).toHaveLength(0);
  });
});
