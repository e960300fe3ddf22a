// Simulation controls of the local endpoint: latency, throttling, faults, time scale, duplicate
// events, API call stats, plugging in a service module, raw protocol edges and shutting down.

import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceError, type ServiceModule } from '../src/contract.js';
import { DELEGATED_ADMIN_KEY, expectAwsError, startTestEndpoint, type TestEndpoint, testFixture } from './local-aws-harness.js';

let endpoint: TestEndpoint;
beforeEach(async () => {
  endpoint = await startTestEndpoint();
});
afterEach(async () => {
  await endpoint.close();
});

const describeOrganization = (credentials?: typeof DELEGATED_ADMIN_KEY) =>
  endpoint.organizations(credentials).send(new DescribeOrganizationCommand({}));

describe('latency, throttling and faults', () => {
  it('adds the configured latency to the selected operation only', async () => {
    endpoint.aws.knobs.setLatency('organizations:DescribeOrganization', 60);
    const slow = performance.now();
    await describeOrganization();
    expect(performance.now() - slow).toBeGreaterThanOrEqual(55);
    const fast = performance.now();
    await endpoint.organizations().send(new ListRootsCommand({}));
    expect(performance.now() - fast).toBeLessThan(55);
  });

  it('throttles with a token bucket per account and API, with the error each model names', async () => {
    endpoint.aws.knobs.setThrottling('organizations:*', { ratePerSecond: 0, burst: 2 });
    await describeOrganization();
    await describeOrganization();
    await expectAwsError(describeOrganization(), {
      service: 'organizations',
      operation: 'DescribeOrganization',
      name: 'TooManyRequestsException',
      status: 400,
    });
    await describeOrganization(DELEGATED_ADMIN_KEY);
    await endpoint.organizations().send(new ListRootsCommand({}));

    endpoint.aws.knobs.setThrottling('*', { ratePerSecond: 0, burst: 1 });
    const sts = endpoint.sts();
    await sts.send(new GetCallerIdentityCommand({}));
    await expectAwsError(sts.send(new GetCallerIdentityCommand({})), {
      service: 'sts',
      operation: 'GetCallerIdentity',
      name: 'Throttling',
      status: 400,
      message: 'Rate exceeded',
    });
    const put = () => endpoint.events().send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));
    await put();
    await expectAwsError(put(), { service: 'events', operation: 'PutEvents', name: 'ThrottlingException', status: 400 });

    endpoint.aws.knobs.setThrottling('*', null);
    endpoint.aws.knobs.setThrottling('organizations:*', null);
    await describeOrganization();
  });

  it('throttles a seeded fraction of calls', async () => {
    endpoint.aws.knobs.setThrottling('organizations:DescribeOrganization', { fraction: 0.5 });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        describeOrganization().then(
          () => 'ok',
          (error: Error) => error.name,
        ),
      ),
    );
    endpoint.aws.knobs.setThrottling('organizations:DescribeOrganization', null);
    const throttled = outcomes.filter((outcome) => outcome === 'TooManyRequestsException').length;
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);
    expect(outcomes.filter((outcome) => outcome !== 'ok' && outcome !== 'TooManyRequestsException')).toEqual([]);
    expect(() => endpoint.aws.knobs.setThrottling('*', { fraction: 2 })).toThrow(/between 0 and 1/);
  });

  it('refills buckets at the configured rate', async () => {
    endpoint.aws.knobs.setThrottling('organizations:DescribeOrganization', { ratePerSecond: 50, burst: 1 });
    await describeOrganization();
    await expectAwsError(describeOrganization(), {
      service: 'organizations',
      operation: 'DescribeOrganization',
      name: 'TooManyRequestsException',
      status: 400,
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    await describeOrganization();
  });

  it('injects internal errors with the error each model names', async () => {
    endpoint.aws.knobs.setFault('*', { rate: 1 });
    await expectAwsError(describeOrganization(), {
      service: 'organizations',
      operation: 'DescribeOrganization',
      name: 'ServiceException',
      status: 500,
    });
    await expectAwsError(endpoint.events().send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })), {
      service: 'events',
      operation: 'PutEvents',
      name: 'InternalException',
      status: 500,
    });
    await expectAwsError(endpoint.sts().send(new GetCallerIdentityCommand({})), {
      service: 'sts',
      operation: 'GetCallerIdentity',
      name: 'InternalFailure',
      status: 500,
    });
  });

  it('draws faults from the seed, so a seed replays the same failures', async () => {
    const outcomes = async (target: TestEndpoint) => {
      target.aws.knobs.setFault('organizations:ListRoots', { rate: 0.5 });
      const results: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        results.push(
          await target
            .organizations()
            .send(new ListRootsCommand({}))
            .then(
              () => 'ok',
              (error: Error) => error.name,
            ),
        );
      }
      return results;
    };
    const first = await outcomes(endpoint);
    const again = await startTestEndpoint();
    try {
      expect(await outcomes(again)).toEqual(first);
    } finally {
      await again.close();
    }
    expect(first).toContain('ok');
    expect(first).toContain('ServiceException');
  });
});

describe('time, events and stats', () => {
  it('runs simulated time faster with the time scale', async () => {
    endpoint.aws.knobs.setTimeScale(60_000);
    expect(endpoint.aws.clock.scale).toBe(60_000);
    endpoint.aws.organization.configure({ createAccountSeconds: 120 });
    const request = endpoint.aws.organization.createAccount(
      { accountName: 'fast', email: 'fast@example.com' },
      { caller: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: '123456789012', accessKeyId: 'test' } },
    );
    const started = performance.now();
    const done = await endpoint.aws.organization.waitForCreateAccount(request.id);
    expect(done.state).toBe('SUCCEEDED');
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(endpoint.aws.events.waitFor({ eventName: 'CreateAccountResult' }, 1_000)).resolves.toMatchObject({
      source: 'aws.organizations',
    });
  });

  it('replays the simulated start time from the fixture, never the ids: two runs of one seed hand out ids of their own', async () => {
    const fixture = testFixture();
    const options = { fixture: { ...fixture, simulation: { ...(fixture.simulation as object), startTime: '2024-05-01T09:00:00Z' } } };
    const ids = async (target: TestEndpoint) => {
      const unit = await target.organizations().send(new CreateOrganizationalUnitCommand({ ParentId: 'r-tst1', Name: 'Replayed' }));
      const request = await target
        .organizations()
        .send(new CreateAccountCommand({ AccountName: 'replayed', Email: 'replayed@example.com' }));
      target.aws.clock.advance(60_000);
      const status = await target
        .organizations()
        .send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: request.CreateAccountStatus?.Id }));
      const { Entries = [] } = await target
        .events()
        .send(new PutEventsCommand({ Entries: [{ Source: 'orchestrator.test', DetailType: 'd', Detail: '{}' }] }));
      const events = target.aws.events.list().map((event) => event.id);
      return [
        unit.OrganizationalUnit?.Id,
        request.CreateAccountStatus?.Id,
        status.CreateAccountStatus?.AccountId,
        Entries[0]?.EventId,
        ...events,
      ];
    };
    const first = await startTestEndpoint(options);
    const second = await startTestEndpoint(options);
    try {
      expect(first.aws.seed).toBe(second.aws.seed);
      expect(first.aws.clock.now() - Date.parse('2024-05-01T09:00:00Z')).toBeLessThan(60_000);
      const [firstIds, secondIds] = [await ids(first), await ids(second)];
      // AWS-shaped, and none shared between the runs.
      expect(firstIds.slice(0, 3)).toEqual([
        expect.stringMatching(/^ou-tst1-[a-z0-9]{8}$/),
        expect.stringMatching(/^car-[a-z0-9]{32}$/),
        expect.stringMatching(/^[1-9]\d{11}$/),
      ]);
      expect(firstIds.length).toBeGreaterThan(4);
      expect(firstIds.filter((id) => secondIds.includes(id))).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('delivers events twice at the duplicate rate, with the same id', async () => {
    endpoint.aws.knobs.setDuplicateEventRate(1);
    await endpoint.events().send(new PutEventsCommand({ Entries: [{ Source: 'orchestrator.test', DetailType: 'd', Detail: '{}' }] }));
    const [first, second] = endpoint.aws.events.list({ source: 'orchestrator.test' });
    expect(second?.id).toBe(first?.id);
  });

  it('counts API calls by service and operation, errors by code', async () => {
    endpoint.aws.resetStats();
    await describeOrganization();
    await describeOrganization();
    await endpoint
      .organizations({ accessKeyId: 'AKIAUNKNOWN0000001', secretAccessKey: 'x' })
      .send(new ListAccountsCommand({}))
      .catch(() => undefined);
    const stats = endpoint.aws.stats();
    expect(stats.total).toBe(3);
    expect(stats.failed).toBe(1);
    expect(stats.operations).toEqual([
      { service: 'organizations', operation: 'DescribeOrganization', calls: 2, errors: {} },
      { service: 'organizations', operation: 'ListAccounts', calls: 1, errors: { UnrecognizedClientException: 1 } },
    ]);
    expect(endpoint.aws.formatStats()).toMatch(/organizations:DescribeOrganization\s+2/);
  });

  it('applies knobs from the fixture', async () => {
    const fixture = testFixture();
    const seeded = await startTestEndpoint({
      fixture: { ...fixture, simulation: { ...(fixture.simulation as object), faults: { 'organizations:ListRoots': { rate: 1 } } } },
    });
    try {
      await expectAwsError(seeded.organizations().send(new ListRootsCommand({})), {
        service: 'organizations',
        operation: 'ListRoots',
        name: 'ServiceException',
        status: 500,
      });
      expect(seeded.aws.knobs.settings().faults).toEqual({ 'organizations:ListRoots': { rate: 1 } });
    } finally {
      await seeded.close();
    }
  });
});

describe('service modules and protocol edges', () => {
  it('plugs in an awsJson 1.0 module by target prefix (the Step Functions seam)', async () => {
    const module: ServiceModule = {
      target: 'AWSStepFunctions',
      async handle(operation, _input, context) {
        if (operation !== 'ListStateMachines') throw new AwsServiceError('UnknownOperationException', operation);
        return {
          stateMachines: [
            {
              stateMachineArn: `arn:aws:states:us-east-1:${context.caller.accountId}:stateMachine:share-portfolio`,
              name: 'share-portfolio',
              type: 'STANDARD',
              creationDate: 1714557600,
            },
          ],
        };
      },
    };
    endpoint.aws.registerService({ module, name: 'stepfunctions', protocol: 'awsJson1_0' });
    const client = new SFNClient({ ...endpoint.aws.clientConfig(), maxAttempts: 1 });
    try {
      const output = await client.send(new ListStateMachinesCommand({}));
      expect(output.stateMachines?.[0]?.name).toBe('share-portfolio');
      expect(output.stateMachines?.[0]?.creationDate).toEqual(new Date('2024-05-01T10:00:00Z'));
    } finally {
      client.destroy();
    }
    const raw = await rawJson('AWSStepFunctions.ListStateMachines', '{}', 'test');
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
  });

  it('answers unknown targets, malformed JSON and unsigned requests as AWS JSON services do', async () => {
    const unknown = await rawJson('AmazonSSM.GetParameter', '{}', 'test');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

    const malformed = await rawJson('AWSOrganizationsV20161128.ListRoots', '{oops', 'test');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ __type: 'SerializationException' });

    const unsigned = await rawJson('AWSOrganizationsV20161128.ListRoots', '{}', undefined);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(unsigned.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    // Organizations' error shapes call the message `Message`; services without error members use `message`.
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', Message: 'Missing Authentication Token' });

    const invalid = await rawJson('AWSOrganizationsV20161128.ListAccounts', '{"MaxResults": 99}', 'test');
    expect(await invalid.json()).toEqual({ __type: 'InvalidInputException', Message: expect.any(String), Reason: 'MAX_VALUE_EXCEEDED' });
    const events = await rawJson('AWSEvents.DescribeEventBus', '{"Name": "missing"}', 'test');
    expect(await events.json()).toEqual({ __type: 'ResourceNotFoundException', message: 'Event bus missing does not exist.' });

    const health = await fetch(`${endpoint.aws.url}/_local/health`);
    expect(await health.json()).toEqual({ status: 'running', services: ['organizations', 'events', 'servicecatalog', 'dynamodb', 'sts'] });
  });

  it('stops listening on close', async () => {
    const { url } = endpoint.aws;
    await endpoint.close();
    await expect(fetch(`${url}/_local/health`)).rejects.toThrow();
    endpoint = await startTestEndpoint();
  });
});

function rawJson(target: string, body: string, accessKeyId: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
  if (accessKeyId)
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240501/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=00`;
  return fetch(endpoint.aws.url, { method: 'POST', headers, body });
}
