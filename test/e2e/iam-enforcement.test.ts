// IAM enforced on the local stack as AWS enforces it (issue 12): a copy of the configuration with one
// permission taken away and one old, wrong grant put back, and principals the trust and bus policies
// do not name. Each of these passes only while the endpoint evaluates IAM (`--iam enforce`).
import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreatePortfolioShareCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerlessConfig } from '../../local/runtime/serverless-config.js';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

let e2e: E2eStack;
let stack: E2eStack['stack'];

const PIPELINES = 'port-cicdpipeline1';
const WORKLOAD_OU = 'ou-ex12-workload';
const DEV_WEB = '666666666666';
const stackAccount = '123456789012';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Role = { Type: string; Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] } };

const statementsOf = (config: ServerlessConfig, logicalId: string): Statement[][] => {
  const resources = Object.assign({}, ...[config.resources].flat().map((part) => part.Resources)) as Record<string, Role>;
  const role = resources[logicalId];
  if (!role) throw new Error(`No role ${logicalId}`);
  return role.Properties.Policies.map((policy) => policy.PolicyDocument.Statement);
};

const actions = (statement: Statement) => [statement.Action].flat();

/**
 * The share workflow's role without CreatePortfolioShare, the unshare workflow's without starting its
 * await-share-action child, and GET /plan's role with the grant issue 11 fixed put back.
 */
const withBrokenGrants = (config: ServerlessConfig): ServerlessConfig => {
  for (const statements of statementsOf(config, 'UnsharePortfolioRole')) {
    const kept = statements.filter((statement) => !actions(statement).includes('states:StartExecution'));
    statements.splice(0, statements.length, ...kept);
  }
  for (const statements of statementsOf(config, 'SharePortfolioRole')) {
    const kept = statements.filter((statement) => !actions(statement).includes('servicecatalog:CreatePortfolioShare'));
    statements.splice(0, statements.length, ...kept);
  }
  for (const statements of statementsOf(config, 'GetPlanRole')) {
    for (const statement of statements) {
      if (actions(statement).includes('servicecatalog:ListOrganizationPortfolioAccess')) {
        // The statement as it was: an action without resource types, granted on portfolio ARNs.
        statement.Action = actions(statement).filter((action) => action !== 'servicecatalog:ListOrganizationPortfolioAccess');
        statements.push({
          Effect: 'Allow',
          Action: 'servicecatalog:ListOrganizationPortfolioAccess',
          Resource: `arn:aws:catalog:us-east-1:${stackAccount}:portfolio/*`,
        });
        break;
      }
    }
  }
  return config;
};

beforeAll(async () => {
  e2e = await startE2eStack({ configure: withBrokenGrants });
  ({ stack } = e2e);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const roleName = (logicalId: string): string => {
  const role = stack.definitions.roles.find((candidate) => candidate.logicalId === logicalId);
  if (!role) throw new Error(`No hub role ${logicalId}`);
  return role.name;
};

/** Credentials of a session on one of the hub stack's roles, as the service that runs it holds them. */
const sessionOf = (logicalId: string) => {
  const role = stack.definitions.roles.find((candidate) => candidate.logicalId === logicalId);
  const record = role && stack.aws.identity.role(stack.definitions.accountId, role.name);
  if (!record) throw new Error(`No hub role ${logicalId}`);
  const { credentials } = stack.aws.identity.issueSession(record, 'e2e', 900);
  return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken };
};

describe('IAM enforced on the local stack', () => {
  it('ends a share in one Failed result naming the action its role lacks', async () => {
    const requested = await e2e.http('POST', '/shares', {
      portfolioId: PIPELINES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOAD_OU },
      requestId: 'iam-missing-permission',
    });
    expect(requested.status).toBe(202);

    const result = await e2e.resultOf('iam-missing-permission');
    expect(result['detail-type']).toBe('Portfolio Share Failed');
    expect(e2e.results('Portfolio Share Failed', 'iam-missing-permission')).toHaveLength(1);
    // Service Catalog's model defines no AccessDeniedException: Step Functions names the refusal after the service.
    expect(result.detail.failure).toMatchObject({
      error: 'ServiceCatalog.ServiceCatalogException',
      message: expect.stringContaining('is not authorized to perform: servicecatalog:CreatePortfolioShare'),
    });
    expect(stack.aws.serviceCatalog.accountsWithAccess(PIPELINES)).not.toContain(DEV_WEB);
  }, 60_000);

  it('fails the unshare workflow at its await-share-action child when its role may not start it (states:startExecution.sync:2)', async () => {
    const catalog = new ServiceCatalogClient(e2e.config);
    await catalog.send(
      new CreatePortfolioShareCommand({ PortfolioId: PIPELINES, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: WORKLOAD_OU } }),
    );
    const requested = await e2e.http('DELETE', '/shares', {
      portfolioId: PIPELINES,
      target: { type: 'ORGANIZATIONAL_UNIT', id: WORKLOAD_OU },
      requestId: 'iam-child-refused',
    });
    expect(requested.status).toBe(202);

    const result = await e2e.resultOf('iam-child-refused');
    expect(result['detail-type']).toBe('Portfolio Unshare Failed');
    expect(JSON.stringify(result.detail)).toContain('is not authorized to perform: states:StartExecution on resource: arn:aws:states:');
  }, 60_000);

  it('refuses GET /plan when ListOrganizationPortfolioAccess is granted only on portfolio ARNs (it has no resource types)', async () => {
    const response = await e2e.http('GET', '/plan');
    expect(response).toMatchObject({ status: 500, body: { message: 'Internal server error' } });
    const denials = readFileSync(stack.denialsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { principal: string; action: string; resource: string; message: string });
    expect(denials).toContainEqual(
      expect.objectContaining({
        principal: `arn:aws:sts::${stackAccount}:assumed-role/${roleName('GetPlanRole')}/portfolio-share-orchestrator-e2e-getPlan`,
        action: 'servicecatalog:ListOrganizationPortfolioAccess',
        resource: '*',
        message: expect.stringContaining(
          'because no identity-based policy allows the servicecatalog:ListOrganizationPortfolioAccess action',
        ),
      }),
    );
  });

  it('refuses the member share-acceptance role to a hub role its trust policy does not name, and gives it to the one it names', async () => {
    const roleArn = `arn:aws:iam::${DEV_WEB}:role/PortfolioShareMemberRole-ShareAcceptance`;
    const assume = (logicalId: string) =>
      new STSClient({ ...e2e.config, credentials: sessionOf(logicalId) }).send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'e2e', SourceIdentity: 'alex' }),
      );

    await expect(assume('GetPlanRole')).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: `User: arn:aws:sts::${stackAccount}:assumed-role/${roleName('GetPlanRole')}/e2e is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    });
    const granted = await assume('MemberActionsRole');
    expect(granted.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${DEV_WEB}:assumed-role/PortfolioShareMemberRole-ShareAcceptance/e2e`);
    expect(granted.SourceIdentity).toBe('alex');
  });

  it('refuses a result detail-type on the bus from a principal the bus policy does not allow', async () => {
    const put = new EventBridgeClient(e2e.config).send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'portfolio-share-orchestrator',
            DetailType: 'Portfolio Share Succeeded',
            EventBusName: stack.definitions.eventBusName,
            Detail: JSON.stringify({ requestId: 'forged' }),
          },
        ],
      }),
    );
    await expect(put).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'events:PutEvents on resource: arn:aws:events:us-east-1:123456789012:event-bus/portfolio-share-orchestrator-e2e with an explicit deny in a resource-based policy',
      ),
    });
    expect(e2e.results('Portfolio Share Succeeded', 'forged')).toEqual([]);
  });
});
