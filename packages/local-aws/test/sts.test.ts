// STS and identities: the access key decides the account; AssumeRole into a role that exists gives
// credentials for that account; unknown keys and missing roles are refused as AWS refuses them.

import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import { ListPortfoliosCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conformance, describeWithBotocore } from './botocore-model.js';
import {
  ENGINEER_KEY,
  expectAwsError,
  expectConforms,
  MANAGEMENT,
  MEMBER_ROLE,
  PROD_A,
  SANDBOX,
  startTestEndpoint,
  type TestEndpoint,
} from './local-aws-harness.js';

let endpoint: TestEndpoint;
beforeEach(async () => {
  endpoint = await startTestEndpoint();
});
afterEach(async () => {
  await endpoint.close();
});

const roleArn = (accountId: string, role = MEMBER_ROLE) => `arn:aws:iam::${accountId}:role/${role}`;
const sts = (operation: string) => ({ service: 'sts', operation });

async function assume(accountId: string, role = MEMBER_ROLE) {
  const output = await endpoint.sts().send(new AssumeRoleCommand({ RoleArn: roleArn(accountId, role), RoleSessionName: 'orchestrator' }));
  const credentials = output.Credentials;
  return {
    output,
    credentials: {
      accessKeyId: credentials?.AccessKeyId ?? '',
      secretAccessKey: credentials?.SecretAccessKey ?? '',
      sessionToken: credentials?.SessionToken ?? '',
    },
  };
}

/** A request signed with only the credential scope the endpoint reads (the signature is not checked). */
function stsRequest(accessKeyId: string, body: string): Promise<Response> {
  return fetch(endpoint.aws.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240501/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body,
  });
}

describe('STS identities', () => {
  it('answers GetCallerIdentity for the test key with the management account root', async () => {
    const output = await endpoint.sts().send(new GetCallerIdentityCommand({}));
    expect(output).toMatchObject({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:root`, UserId: MANAGEMENT });
    expectConforms(endpoint, 'sts', 'GetCallerIdentity', output);
  });

  it('answers for an IAM user key of the fixture', async () => {
    const output = await endpoint.sts(ENGINEER_KEY).send(new GetCallerIdentityCommand({}));
    expect(output.Arn).toBe(`arn:aws:iam::${MANAGEMENT}:user/engineer`);
    expect(output.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('assumes a member role: temporary credentials bound to the member account and an assumed-role ARN', async () => {
    const { output, credentials } = await assume(PROD_A);
    expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(output.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(output.Credentials?.SessionToken).toBeTruthy();
    expect(output.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
    expect(output.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD_A}:assumed-role/${MEMBER_ROLE}/orchestrator`);
    expect(output.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:orchestrator$/);
    expectConforms(endpoint, 'sts', 'AssumeRole', output);

    const identity = await endpoint.sts(credentials).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: PROD_A, Arn: output.AssumedRoleUser?.Arn, UserId: output.AssumedRoleUser?.AssumedRoleId });
    const organization = await endpoint.organizations(credentials).send(new DescribeOrganizationCommand({}));
    expect(organization.Organization?.MasterAccountId).toBe(MANAGEMENT);
    await expectAwsError(endpoint.organizations(credentials).send(new ListAccountsCommand({})), {
      service: 'organizations',
      operation: 'ListAccounts',
      name: 'AccessDeniedException',
      status: 400,
    });
  });

  it('refuses AssumeRole into a role the account does not have, with the message STS sends', async () => {
    await expectAwsError(endpoint.sts().send(new AssumeRoleCommand({ RoleArn: roleArn(SANDBOX), RoleSessionName: 'orchestrator' })), {
      ...sts('AssumeRole'),
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${MANAGEMENT}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn(SANDBOX)}`,
    });
  });

  it('denies a role until it appears at runtime, then allows it', async () => {
    const request = () => endpoint.sts().send(new AssumeRoleCommand({ RoleArn: roleArn(SANDBOX), RoleSessionName: 'onboarding' }));
    await expectAwsError(request(), { ...sts('AssumeRole'), name: 'AccessDenied', status: 403 });
    endpoint.aws.identity.createRole(SANDBOX, MEMBER_ROLE);
    const output = await request();
    expect(output.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${SANDBOX}:assumed-role/${MEMBER_ROLE}/onboarding`);
    endpoint.aws.identity.deleteRole(SANDBOX, MEMBER_ROLE);
    await expectAwsError(request(), { ...sts('AssumeRole'), name: 'AccessDenied', status: 403 });
  });

  it('gives accounts created later the fixture memberRoles after the simulated delay', async () => {
    const accountId = '555544443333';
    endpoint.aws.organization.joinByInvitation(accountId, 'late-joiner', 'late@example.com');
    const request = () => endpoint.sts().send(new AssumeRoleCommand({ RoleArn: roleArn(accountId), RoleSessionName: 'onboarding' }));
    await expectAwsError(request(), { ...sts('AssumeRole'), name: 'AccessDenied', status: 403 });
    endpoint.aws.clock.advance(120_000);
    await expect(request()).resolves.toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${accountId}:assumed-role/${MEMBER_ROLE}/onboarding` },
    });
  });

  it('refuses unknown keys as each protocol does: 403 on STS, 400 on the awsJson services', async () => {
    const unknown = { accessKeyId: 'AKIAUNKNOWN0000001', secretAccessKey: 'x' };
    const message = 'The security token included in the request is invalid.';
    await expectAwsError(endpoint.sts(unknown).send(new GetCallerIdentityCommand({})), {
      ...sts('GetCallerIdentity'),
      name: 'InvalidClientTokenId',
      status: 403,
      message,
    });
    await expectAwsError(endpoint.organizations(unknown).send(new DescribeOrganizationCommand({})), {
      service: 'organizations',
      operation: 'DescribeOrganization',
      name: 'UnrecognizedClientException',
      status: 400,
      message,
    });
    await expectAwsError(
      endpoint.events(unknown).send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })),
      {
        service: 'events',
        operation: 'PutEvents',
        name: 'UnrecognizedClientException',
        status: 400,
        message,
      },
    );
    const serviceCatalog = new ServiceCatalogClient({ ...endpoint.aws.clientConfig(unknown), maxAttempts: 1 });
    try {
      await expectAwsError(serviceCatalog.send(new ListPortfoliosCommand({})), {
        service: 'servicecatalog',
        operation: 'ListPortfolios',
        name: 'UnrecognizedClientException',
        status: 400,
        message,
      });
    } finally {
      serviceCatalog.destroy();
    }
  });

  it('refuses session credentials with a wrong session token', async () => {
    const { credentials } = await assume(PROD_A);
    const forged = { ...credentials, sessionToken: 'forged' };
    await expectAwsError(endpoint.sts(forged).send(new GetCallerIdentityCommand({})), {
      ...sts('GetCallerIdentity'),
      name: 'InvalidClientTokenId',
      status: 403,
    });
    await expectAwsError(endpoint.organizations(forged).send(new DescribeOrganizationCommand({})), {
      service: 'organizations',
      operation: 'DescribeOrganization',
      name: 'UnrecognizedClientException',
      status: 400,
    });
  });

  it('refuses expired sessions: ExpiredToken 403 on STS, ExpiredTokenException 400 on the awsJson services', async () => {
    const role = endpoint.aws.identity.role(PROD_A, MEMBER_ROLE);
    if (!role) throw new Error(`${MEMBER_ROLE} is missing in ${PROD_A}`);
    // A negative duration issues a session that expired a minute ago.
    const { accessKeyId, secretAccessKey, sessionToken } = endpoint.aws.identity.issueSession(role, 'expired', -60).credentials;
    const credentials = { accessKeyId, secretAccessKey, sessionToken };
    const message = 'The security token included in the request is expired';
    await expectAwsError(endpoint.sts(credentials).send(new GetCallerIdentityCommand({})), {
      ...sts('GetCallerIdentity'),
      name: 'ExpiredToken',
      status: 403,
      message,
    });
    await expectAwsError(endpoint.organizations(credentials).send(new DescribeOrganizationCommand({})), {
      service: 'organizations',
      operation: 'DescribeOrganization',
      name: 'ExpiredTokenException',
      status: 400,
      message,
    });
  });

  it('validates session names and durations', async () => {
    const request = (input: Partial<{ RoleSessionName: string; DurationSeconds: number }>) =>
      endpoint.sts().send(new AssumeRoleCommand({ RoleArn: roleArn(PROD_A), RoleSessionName: 'ok-name', ...input }));
    await expectAwsError(request({ RoleSessionName: 'bad name' }), { ...sts('AssumeRole'), name: 'ValidationError', status: 400 });
    await expectAwsError(request({ DurationSeconds: 60 }), { ...sts('AssumeRole'), name: 'ValidationError', status: 400 });
    await expectAwsError(request({ DurationSeconds: 7200 }), {
      ...sts('AssumeRole'),
      name: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });
});

describe('STS wire format', () => {
  it('answers AssumeRole in the XML STS sends', async () => {
    const response = await stsRequest(
      'test',
      `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(roleArn(PROD_A))}&RoleSessionName=wire`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = await response.text();
    expect(body).toMatch(
      /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<AssumeRoleResult><Credentials><AccessKeyId>ASIA/,
    );
    expect(body).toMatch(/<Expiration>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/Expiration>/);
    expect(body).toMatch(/<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ResponseMetadata>\s*<\/AssumeRoleResponse>/);
    expectConforms(endpoint, 'sts', 'AssumeRole');
  });

  it('answers errors as ErrorResponse XML', async () => {
    const response = await stsRequest('AKIAUNKNOWN0000001', 'Action=GetCallerIdentity&Version=2011-06-15');
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>InvalidClientTokenId<\/Code>\s*<Message>The security token included in the request is invalid\.<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
    );
    const unknownAction = await stsRequest('test', 'Action=GetSessionTokenX&Version=2011-06-15');
    expect(unknownAction.status).toBe(400);
    expect(await unknownAction.text()).toContain('<Code>InvalidAction</Code>');
  });
});

describeWithBotocore('STS conformance', () => {
  it('has checked both STS operations against the model', ({ annotate }) => {
    expect(conformance.operations.filter((name) => name.startsWith('sts:'))).toEqual(['sts:AssumeRole', 'sts:GetCallerIdentity']);
    return annotate(conformance.report());
  });
});
