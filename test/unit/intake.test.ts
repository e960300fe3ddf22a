import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { takeAccountEvent } from '../../src/onboarding/account-intake.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { takeShareRequestEvent } from '../../src/share/share-intake.js';
import { canonicalJson } from '../../src/workflow/start-workflow.js';
import { expectValidEvent } from '../support/result-events.js';

const sfn = mockClient(SFNClient);
const eventBridge = mockClient(EventBridgeClient);
const SHARE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:share-portfolio';
const ONBOARD_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:onboard-account';
const policy = parsePolicy(`
version: 1
portfolios:
  - portfolioId: port-abcd1234efgh5
    sharePrincipals: true
    associatePrincipals: [role/Developer]
    targets: [{ type: ORGANIZATIONAL_UNIT, id: ou-ab12-cdef3456 }]
`);
const dependencies = (stateMachineArn: string) => ({
  sfn: new SFNClient({}),
  eventBridge: new EventBridgeClient({}),
  policy,
  stateMachineArn,
  eventBusName: 'bus',
});

const published = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

beforeEach(() => {
  sfn.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  sfn
    .on(StartExecutionCommand)
    .resolves({ executionArn: `${SHARE_MACHINE.replace('stateMachine', 'execution')}:x`, startDate: new Date() });
});

describe('share request intake', () => {
  const event = {
    id: 'c0ffee00-0000-4000-8000-000000000001',
    account: '123456789012',
    source: 'portfolio-share-orchestrator',
    detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' }, requestId: 'ticket-42' },
  };

  it('starts the share workflow under the request id with what was asked and who put the event (the workflow checks the policy)', async () => {
    const outcome = await takeShareRequestEvent(event, dependencies(SHARE_MACHINE));

    expect(outcome).toMatchObject({ requestId: 'ticket-42', state: 'started' });
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.name).toBe('ticket-42');
    expect(JSON.parse(input?.input ?? '{}')).toEqual({
      requestId: 'ticket-42',
      portfolioId: 'port-abcd1234efgh5',
      target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' },
      requestedBy: { type: 'event', accountId: '123456789012', source: 'portfolio-share-orchestrator', eventId: event.id },
    });
  });

  it('starts nothing new for a repeated delivery, and tells a reused request id apart', async () => {
    await takeShareRequestEvent(event, dependencies(SHARE_MACHINE));
    const first = canonicalJson(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}'));
    sfn.reset();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: first, status: 'SUCCEEDED' } as never);

    expect(await takeShareRequestEvent(event, dependencies(SHARE_MACHINE))).toMatchObject({ state: 'existing' });
    expect(
      await takeShareRequestEvent({ ...event, detail: { ...event.detail, shareTagOptions: true } }, dependencies(SHARE_MACHINE)),
    ).toMatchObject({ state: 'conflict' });
    expect(published()).toEqual([]);
  });

  it('turns an invalid request into one Portfolio Share Failed event naming the field, under the event id', async () => {
    const outcome = await takeShareRequestEvent(
      {
        ...event,
        id: 'c0ffee00-0000-4000-8000-000000000002',
        detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ACCOUNT', id: '12' } },
      },
      dependencies(SHARE_MACHINE),
    );

    expect(outcome).toMatchObject({ state: 'rejected', requestId: 'c0ffee00-0000-4000-8000-000000000002' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const [entry] = published();
    expect(entry?.DetailType).toBe('Portfolio Share Failed');
    const detail = JSON.parse(entry?.Detail ?? '{}');
    expectValidEvent({ source: entry?.Source ?? '', 'detail-type': entry?.DetailType ?? '', detail });
    expect(detail.failure.message).toContain('target.id: must be a 12-digit AWS account id');
    expect(detail.portfolioId).toBe('port-abcd1234efgh5');
    expect(detail.target).toBeNull();
    expect(detail.requestedBy).toEqual({
      type: 'event',
      accountId: '123456789012',
      source: 'portfolio-share-orchestrator',
      eventId: 'c0ffee00-0000-4000-8000-000000000002',
    });
  });

  it('refuses principal sharing on an account target as invalid (AWS shares principal names with organization node shares only)', async () => {
    const outcome = await takeShareRequestEvent(
      { ...event, detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ACCOUNT', id: '210987654321' }, sharePrincipals: true } },
      dependencies(SHARE_MACHINE),
    );
    expect(outcome.state).toBe('rejected');
    expect(JSON.parse(published()[0]?.Detail ?? '{}').failure.message).toContain(
      'sharePrincipals: applies only to ORGANIZATION and ORGANIZATIONAL_UNIT targets',
    );
  });
});

describe('account event intake', () => {
  const envelope = {
    id: 'e5a1f00d-0000-4000-8000-000000000001',
    account: '123456789012',
    'detail-type': 'AWS Service Event via CloudTrail',
    time: '2026-11-21T10:00:00Z',
  };

  it.each([
    [
      'CreateAccountResult',
      {
        source: 'aws.organizations',
        detail: {
          eventName: 'CreateAccountResult',
          serviceEventDetails: { createAccountStatus: { accountId: '210987654321', state: 'SUCCEEDED' } },
        },
      },
    ],
    [
      'MoveAccount',
      {
        source: 'aws.organizations',
        detail: {
          eventName: 'MoveAccount',
          requestParameters: { accountId: '210987654321', sourceParentId: 'r-ab12', destinationParentId: 'ou-ab12-cdef3456' },
        },
      },
    ],
    [
      'AcceptHandshake',
      {
        source: 'aws.organizations',
        detail: {
          eventName: 'AcceptHandshake',
          responseElements: {
            handshake: {
              state: 'ACCEPTED',
              parties: [
                { type: 'ORGANIZATION', id: 'a1b2c3d4e5' },
                { type: 'ACCOUNT', id: '210987654321' },
              ],
            },
          },
        },
      },
    ],
    [
      'CreateManagedAccount',
      {
        source: 'aws.controltower',
        detail: {
          eventName: 'CreateManagedAccount',
          serviceEventDetails: {
            createManagedAccountStatus: {
              state: 'SUCCEEDED',
              account: { accountId: '210987654321' },
              organizationalUnit: { organizationalUnitId: 'ou-ab12-cdef3456' },
            },
          },
        },
      },
    ],
    [
      'UpdateManagedAccount',
      {
        source: 'aws.controltower',
        detail: {
          eventName: 'UpdateManagedAccount',
          serviceEventDetails: { updateManagedAccountStatus: { state: 'SUCCEEDED', account: { accountId: '210987654321' } } },
        },
      },
    ],
  ])('starts onboarding for %s under the event id', async (eventName, event) => {
    const outcome = await takeAccountEvent({ ...envelope, ...event }, dependencies(ONBOARD_MACHINE));

    expect(outcome.state).toBe('started');
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(envelope.id);
    expect(JSON.parse(start?.input ?? '{}')).toMatchObject({
      requestId: envelope.id,
      accountId: '210987654321',
      trigger: { eventName, eventId: envelope.id },
      membership: 'MEMBER',
    });
  });

  const apiCall = { ...envelope, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.organizations' };
  const removed = {
    ...apiCall,
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'RemoveAccountFromOrganization',
      requestParameters: { accountId: '210987654321' },
      responseElements: null,
      userIdentity: { accountId: '123456789012' },
    },
  };
  const left = {
    ...apiCall,
    account: '210987654321',
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'LeaveOrganization',
      requestParameters: null,
      responseElements: null,
      userIdentity: { type: 'Root', accountId: '210987654321' },
      recipientAccountId: '210987654321',
    },
  };

  const serviceEvent = { ...envelope, 'detail-type': 'AWS Service Event via CloudTrail', source: 'aws.organizations' };
  const departed = (where: Record<string, unknown>) => ({
    ...serviceEvent,
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'AccountDepartedOrganization',
      eventType: 'AwsServiceEvent',
      recipientAccountId: '123456789012',
      ...where,
    },
  });

  it.each([
    ['RemoveAccountFromOrganization (the management account removes it)', removed],
    ['LeaveOrganization (the account leaves: it is the caller)', left],
    [
      'AccountDepartedOrganization with serviceEventDetails.accountId',
      departed({ serviceEventDetails: { accountId: '210987654321', departedMethod: 'Left' } }),
    ],
    [
      'AccountDepartedOrganization with the account in a nested status',
      departed({ serviceEventDetails: { accountDepartedOrganization: { accountId: '210987654321', departedMethod: 'Removed' } } }),
    ],
    [
      'AccountDepartedOrganization with the account as its resource',
      departed({
        serviceEventDetails: { departedMethod: 'Cleaned' },
        resources: [{ type: 'AWS::Organizations::Account', ARN: 'arn:aws:organizations::123456789012:account/o-exampleorg1/210987654321' }],
      }),
    ],
  ])('starts the workflow for a departed account on %s', async (_name, event) => {
    const outcome = await takeAccountEvent(event, dependencies(ONBOARD_MACHINE));

    expect(outcome.state).toBe('started');
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}')).toEqual({
      requestId: envelope.id,
      accountId: '210987654321',
      trigger: { source: 'aws.organizations', eventName: event.detail.eventName, eventId: envelope.id, time: envelope.time },
      membership: 'DEPARTED',
      requestedBy: { type: 'event', accountId: event.account, source: 'aws.organizations', eventId: envelope.id },
    });
  });

  it('starts one execution for a departure delivered twice', async () => {
    await takeAccountEvent(removed, dependencies(ONBOARD_MACHINE));
    const first = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}';
    sfn.reset();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: first, status: 'RUNNING' } as never);

    expect(await takeAccountEvent(removed, dependencies(ONBOARD_MACHINE))).toMatchObject({ state: 'existing', requestId: envelope.id });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(published()).toEqual([]);
  });

  it.each([
    [
      'a failed call (CloudTrail records those too)',
      { ...removed, detail: { ...removed.detail, errorCode: 'AccessDenied', errorMessage: 'not authorized' } },
      /detail\.errorCode/,
    ],
    ['a departure naming no account', { ...removed, detail: { ...removed.detail, requestParameters: {} } }, /requestParameters\.accountId/],
    [
      'an AccountDepartedOrganization event naming no account',
      departed({ serviceEventDetails: { departedMethod: 'Left' } }),
      /serviceEventDetails/,
    ],
  ])('reports %s in one Account Offboarding Failed event and starts nothing', async (_name, event, message) => {
    const outcome = await takeAccountEvent(event, dependencies(ONBOARD_MACHINE));

    expect(outcome.state).toBe('rejected');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const [entry] = published();
    expect(entry?.DetailType).toBe('Account Offboarding Failed');
    const detail = JSON.parse(entry?.Detail ?? '{}');
    expectValidEvent({ source: entry?.Source ?? '', 'detail-type': entry?.DetailType ?? '', detail });
    expect(detail).toMatchObject({
      requestId: envelope.id,
      accountId: null,
      eventName: event.detail.eventName,
      removedShares: [],
      keptShares: [],
    });
    expect(`${detail.failure.message} ${JSON.stringify(detail.failure)}`).toMatch(message);
  });

  it('reports an event that names no usable account in one Account Onboarding Failed event', async () => {
    const outcome = await takeAccountEvent(
      {
        ...envelope,
        source: 'aws.organizations',
        detail: { eventName: 'MoveAccount', requestParameters: { accountId: 'not-an-account' } },
      },
      dependencies(ONBOARD_MACHINE),
    );

    expect(outcome.state).toBe('rejected');
    const [entry] = published();
    expect(entry?.DetailType).toBe('Account Onboarding Failed');
    const detail = JSON.parse(entry?.Detail ?? '{}');
    expectValidEvent({ source: entry?.Source ?? '', 'detail-type': entry?.DetailType ?? '', detail });
    expect(detail.failure.message).toMatch(/requestParameters\.accountId: must be a 12-digit AWS account id/);
  });
});
