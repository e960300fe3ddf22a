import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DescribePortfolioSharesCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ListAcceptedPortfolioSharesCommand,
  ListOrganizationPortfolioAccessCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useClock } from '../../src/clock.js';
import { lambdaContext } from '../support/lambda-context.js';
import { iamRequestContext } from '../support/policy.js';

const organizations = mockClient(OrganizationsClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const sts = mockClient(STSClient);
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

type Handler = (event: APIGatewayProxyEventV2, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  handlers['get-organizations-access'] = (await import('../../functions/api/get-organizations-access.js')).handler as never;
  handlers['put-organizations-access'] = (await import('../../functions/api/put-organizations-access.js')).handler as never;
  handlers['get-portfolio-access'] = (await import('../../functions/api/get-portfolio-access.js')).handler as never;
  handlers['get-portfolio-shares'] = (await import('../../functions/api/get-portfolio-shares.js')).handler as never;
  handlers['get-account-portfolios'] = (await import('../../functions/api/get-account-portfolios.js')).handler as never;
});

beforeEach(() => {
  organizations.reset();
  serviceCatalog.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-exampleorg1', MasterAccountId: '123456789012' } });
  organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] });
  organizations
    .on(ListAWSServiceAccessForOrganizationCommand)
    .resolves({ EnabledServicePrincipals: [{ ServicePrincipal: 'servicecatalog.amazonaws.com' }] });
  serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
});

afterEach(() => useClock(undefined));

const call = async (
  name: string,
  request: { body?: string; pathParameters?: Record<string, string>; queryStringParameters?: Record<string, string> } = {},
  timeoutSeconds = 29,
) => {
  const response = await handlers[name]?.(
    { isBase64Encoded: false, ...iamRequestContext(), headers: {}, ...request } as unknown as APIGatewayProxyEventV2,
    lambdaContext(name, 'us-east-1', '123456789012', timeoutSeconds),
  );
  return { status: response?.statusCode, body: JSON.parse(response?.body ?? '{}') as Record<string, any> };
};

describe('GET and PUT /organizations-access', () => {
  it('answers 200 with the report', async () => {
    const { status, body } = await call('get-organizations-access');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      accessStatus: 'ENABLED',
      readyForOrganizationSharing: true,
      hub: { accountId: '123456789012', role: 'MANAGEMENT' },
    });
  });

  it.each([
    [undefined, 'body: is required'],
    ['{"enabled": "yes"}', 'enabled'],
    ['{}', 'enabled'],
    ['{"enabled": true, "force": true}', 'force'],
  ])('answers 400 naming the field for %s', async (body, field) => {
    const { status, body: answer } = await call('put-organizations-access', { ...(body === undefined ? {} : { body }) });
    expect(status).toBe(400);
    expect(answer.message).toContain(field);
  });

  it('answers 403 naming why when the hub is a delegated administrator', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '210987654321' });
    organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: '210987654321' }] });

    const { status, body } = await call('put-organizations-access', { body: '{"enabled": false}' });

    expect(status).toBe(403);
    expect(body).toMatchObject({ error: 'NotManagementAccountError', hub: { accountId: '210987654321', role: 'DELEGATED_ADMINISTRATOR' } });
    expect(body.message).toContain('a Service Catalog delegated administrator');
  });

  it('answers 409 while delegated administrators keep access from being disabled', async () => {
    organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: '210987654321' }] });
    const { status, body } = await call('put-organizations-access', { body: '{"enabled": false}' });
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: 'DelegatedAdministratorsRegisteredError', delegatedAdministrators: ['210987654321'] });
  });

  it('answers 200 once settled and 202 when UNDER_CHANGE outlasts the time left, waiting on the functions clock', async () => {
    let time = 0;
    const sleeps: number[] = [];
    useClock({
      now: () => new Date(time),
      sleep: async (ms) => {
        time += ms;
        sleeps.push(ms);
      },
    });
    serviceCatalog
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolves({ AccessStatus: 'ENABLED' });
    serviceCatalog.on(EnableAWSOrganizationsAccessCommand).resolves({});

    const settled = await call('put-organizations-access', { body: '{"enabled": true}' });
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ accessStatus: 'ENABLED', changed: true, settled: true });

    serviceCatalog.reset();
    serviceCatalog.on(EnableAWSOrganizationsAccessCommand).resolves({});
    serviceCatalog
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolves({ AccessStatus: 'UNDER_CHANGE' });
    sleeps.length = 0;
    const pending = await call('put-organizations-access', { body: '{"enabled": true}' }, 10);
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ accessStatus: 'UNDER_CHANGE', settled: false });
    // 10 s of function time, 3 s kept to answer: the waits stop within the 7 s left.
    expect(sleeps.reduce((total, ms) => total + ms, 0)).toBeLessThanOrEqual(7000);
    expect(sleeps.reduce((total, ms) => total + ms, 0)).toBeGreaterThan(6000);
  });

  it('answers 503 when AWS throttling outlasts the SDK retries', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const { status, body } = await call('get-organizations-access');
    expect(status).toBe(503);
    expect(body.error).toBe('Throttled');
  });
});

describe('GET /portfolios/{portfolioId}/access and /shares', () => {
  it('lists every node type by default, or the requested ones (repeated or comma-separated)', async () => {
    serviceCatalog.on(ListOrganizationPortfolioAccessCommand).resolves({ OrganizationNodes: [] });

    const all = await call('get-portfolio-access', { pathParameters: { portfolioId: 'port-cicdpipeline1' } });
    expect(all.status).toBe(200);
    expect(all.body.types).toEqual(['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']);

    const some = await call('get-portfolio-access', {
      pathParameters: { portfolioId: 'port-cicdpipeline1' },
      queryStringParameters: { type: 'ACCOUNT,ORGANIZATIONAL_UNIT' },
    });
    expect(some.body.types).toEqual(['ACCOUNT', 'ORGANIZATIONAL_UNIT']);
  });

  it.each([
    [{ portfolioId: 'port-cicdpipeline1' }, { type: 'OU' }, 'type'],
    [{ portfolioId: 'port-cicdpipeline1' }, { types: 'ACCOUNT' }, 'types'],
    [{ portfolioId: 'not-a-portfolio' }, {}, 'portfolioId'],
  ])('answers 400 naming the parameter for %j %j', async (pathParameters, queryStringParameters, field) => {
    const { status, body } = await call('get-portfolio-access', { pathParameters, queryStringParameters });
    expect(status).toBe(400);
    expect(body.message).toContain(field);
    expect(serviceCatalog.commandCalls(ListOrganizationPortfolioAccessCommand)).toHaveLength(0);
  });

  it('answers 404 naming an unknown portfolio, and 409 when Service Catalog will not list organization access', async () => {
    serviceCatalog
      .on(ListOrganizationPortfolioAccessCommand)
      .rejectsOnce(awsError('ResourceNotFoundException'))
      .rejects(awsError('OperationNotSupportedException', 'Organizations access is disabled'));
    serviceCatalog.on(DescribePortfolioSharesCommand).rejects(awsError('ResourceNotFoundException'));

    const missing = await call('get-portfolio-access', { pathParameters: { portfolioId: 'port-unknown00001' } });
    expect(missing).toEqual({
      status: 404,
      body: {
        message: 'Portfolio port-unknown00001 was not found in the hub account',
        error: 'PortfolioNotFoundError',
        portfolioId: 'port-unknown00001',
      },
    });
    expect((await call('get-portfolio-access', { pathParameters: { portfolioId: 'port-cicdpipeline1' } })).status).toBe(409);
    expect((await call('get-portfolio-shares', { pathParameters: { portfolioId: 'port-unknown00001' } })).status).toBe(404);
  });

  it('answers the shares of every type', async () => {
    serviceCatalog.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
    serviceCatalog
      .on(DescribePortfolioSharesCommand, { Type: 'ORGANIZATIONAL_UNIT' })
      .resolves({ PortfolioShareDetails: [{ PrincipalId: 'ou-ex12-workload', Accepted: true, SharePrincipals: true }] });

    const { status, body } = await call('get-portfolio-shares', { pathParameters: { portfolioId: 'port-cicdpipeline1' } });

    expect(status).toBe(200);
    expect(body.shares).toEqual([
      {
        type: 'ORGANIZATIONAL_UNIT',
        principalId: 'ou-ex12-workload',
        target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' },
        accepted: true,
        sharePrincipals: true,
        shareTagOptions: false,
      },
    ]);
  });
});

describe('GET /accounts/{accountId}/portfolios', () => {
  it('answers 400 for a malformed account id, 502 naming the role that cannot be assumed, 200 with the listing', async () => {
    const malformed = await call('get-account-portfolios', { pathParameters: { accountId: '12345' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain('accountId');

    sts.on(AssumeRoleCommand).rejectsOnce(awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole'));
    const unavailable = await call('get-account-portfolios', { pathParameters: { accountId: '777777777777' } });
    expect(unavailable.status).toBe(502);
    expect(unavailable.body).toMatchObject({
      error: 'MemberRoleUnavailableError',
      accountId: '777777777777',
      roleName: 'PortfolioShareMemberRole-ReadOnly',
    });
    expect(unavailable.body.message).toContain('arn:aws:iam::777777777777:role/PortfolioShareMemberRole-ReadOnly');

    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
    });
    serviceCatalog.on(ListAcceptedPortfolioSharesCommand).resolves({ PortfolioDetails: [] });
    serviceCatalog
      .on(ListAcceptedPortfolioSharesCommand, { PortfolioShareType: 'AWS_ORGANIZATIONS' })
      .resolves({ PortfolioDetails: [{ Id: 'port-cicdpipeline1', DisplayName: 'Delivery pipelines' }] });
    const listed = await call('get-account-portfolios', { pathParameters: { accountId: '333333333333' } });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      accountId: '333333333333',
      portfolios: [{ id: 'port-cicdpipeline1', name: 'Delivery pipelines', sharedAs: ['AWS_ORGANIZATIONS'] }],
    });
  });
});
