import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RefusedAccountEvent } from '../../src/contracts/onboarding.js';
import { RefusedPortfolioRequest } from '../../src/contracts/refused-request.js';
import { takeAccountEvent } from '../../src/onboarding/account-intake.js';
import { summariseOnboarding } from '../../src/onboarding/onboarding-result.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { takeShareRequestEvent } from '../../src/share/share-intake.js';
import { parseWith } from '../../src/validation.js';
import { conflictReportName, requestSha256 } from '../../src/workflow/request-event.js';
import { type FakeExecution, fakeExecutions } from '../support/fake-executions.js';
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
  const requestedBy = (eventId: string) => ({ type: 'event', accountId: '123456789012', source: 'portfolio-share-orchestrator', eventId });

  it('starts the share workflow under the request id with what was asked and who put the event (the workflow checks the policy)', async () => {
    const outcome = await takeShareRequestEvent(event, dependencies(SHARE_MACHINE));

    expect(outcome).toMatchObject({ requestId: 'ticket-42', state: 'started' });
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.name).toBe('ticket-42');
    expect(JSON.parse(input?.input ?? '{}')).toEqual({
      requestId: 'ticket-42',
      portfolioId: 'port-abcd1234efgh5',
      target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' },
      requestedBy: requestedBy(event.id),
    });
  });

  it('starts nothing new for a repeated delivery, nor for the same request sent again as a new event', async () => {
    const executions = fakeExecutions(sfn);

    expect(await takeShareRequestEvent(event, dependencies(SHARE_MACHINE))).toMatchObject({ state: 'started' });
    expect(await takeShareRequestEvent(event, dependencies(SHARE_MACHINE))).toMatchObject({ state: 'existing' });
    // Another event id, another key order: the same request.
    const { requestId, portfolioId, target } = event.detail;
    const resent = { ...event, id: 'c0ffee00-0000-4000-8000-0000000000aa', detail: { requestId, target, portfolioId } };
    expect(await takeShareRequestEvent(resent, dependencies(SHARE_MACHINE))).toMatchObject({ state: 'existing' });

    expect([...executions.values()].map((execution) => execution.name)).toEqual(['ticket-42']);
    expect(published()).toEqual([]);
  });

  it('reports a reused request id in one execution of its own, under a name from the id and the request, however often it arrives', async () => {
    const executions = fakeExecutions(sfn);
    await takeShareRequestEvent(event, dependencies(SHARE_MACHINE));
    const reuse = { ...event, id: 'c0ffee00-0000-4000-8000-0000000000bb', detail: { ...event.detail, shareTagOptions: true } };

    const outcome = await takeShareRequestEvent(reuse, dependencies(SHARE_MACHINE));
    const again = await takeShareRequestEvent({ ...reuse, id: 'c0ffee00-0000-4000-8000-0000000000cc' }, dependencies(SHARE_MACHINE));

    expect(outcome).toMatchObject({ requestId: 'ticket-42', state: 'conflict', conflictReport: { state: 'started' } });
    expect(again).toMatchObject({ state: 'conflict', conflictReport: { state: 'existing' } });
    const [original, report, ...more] = [...executions.values()];
    expect(more).toEqual([]);
    expect(original?.name).toBe('ticket-42');
    expect(report?.name).toBe(conflictReportName('ticket-42', requestSha256(reuse.detail)));
    expect(report?.name).toMatch(/^ticket-42-conflict-[0-9a-f]{16}$/);
    expect(parseWith(RefusedPortfolioRequest, report?.input, 'conflict report')).toEqual({
      requestId: 'ticket-42',
      portfolioId: 'port-abcd1234efgh5',
      target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' },
      requestedBy: requestedBy(reuse.id),
      refused: {
        error: 'RequestIdConflict',
        message:
          'requestId ticket-42 is already used by a different request: this request was not started; send it again with a requestId of its own',
        requestSha256: requestSha256(reuse.detail),
      },
    });
    expect(published()).toEqual([]);
  });

  it('starts the workflow with the refusal of an invalid request, under the event id, once however often it is delivered', async () => {
    const executions = fakeExecutions(sfn);
    const invalid = {
      ...event,
      id: 'c0ffee00-0000-4000-8000-000000000002',
      detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ACCOUNT', id: '12' } },
    };

    const outcome = await takeShareRequestEvent(invalid, dependencies(SHARE_MACHINE));
    const repeated = [
      await takeShareRequestEvent(invalid, dependencies(SHARE_MACHINE)),
      await takeShareRequestEvent(invalid, dependencies(SHARE_MACHINE)),
    ];

    expect(outcome).toMatchObject({
      state: 'started',
      requestId: invalid.id,
      refused: { error: 'ValidationError', message: expect.stringContaining('target.id: must be a 12-digit AWS account id') },
    });
    expect(repeated.map((taken) => taken.state)).toEqual(['existing', 'existing']);
    expect([...executions.values()]).toHaveLength(1);
    const execution = executions.get(`${SHARE_MACHINE.replace(':stateMachine:', ':execution:')}:${invalid.id}`);
    expect(parseWith(RefusedPortfolioRequest, execution?.input, 'refused share')).toEqual({
      requestId: invalid.id,
      portfolioId: 'port-abcd1234efgh5',
      target: null,
      requestedBy: requestedBy(invalid.id),
      refused: { error: 'ValidationError', message: outcome.refused?.message, requestSha256: requestSha256(invalid.detail) },
    });
    expect(published()).toEqual([]);
  });

  it('refuses a request larger than a request can be, saying the limit, and keeps its refusal small', async () => {
    const executions = fakeExecutions(sfn);
    const huge = {
      ...event,
      id: 'c0ffee00-0000-4000-8000-000000000009',
      detail: { portfolioId: `port-${'a'.repeat(200_000)}`, target: { type: 'ACCOUNT', id: '12' } },
    };

    await takeShareRequestEvent(huge, dependencies(SHARE_MACHINE));

    const input = [...executions.values()][0]?.input as RefusedPortfolioRequest;
    expect(input.portfolioId).toBeNull();
    expect(input.refused.message).toMatch(/^Invalid request detail: it is 200,\d{3} bytes of JSON; a request takes at most 65,536 bytes$/);
    expect(JSON.stringify(input).length).toBeLessThan(4096);
  });

  it('cuts a long refusal message, saying so', async () => {
    const executions = fakeExecutions(sfn);
    const keys = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`unknown${index}${'x'.repeat(100)}`, 1]));
    const many = {
      ...event,
      id: 'c0ffee00-0000-4000-8000-00000000000a',
      detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ACCOUNT', id: '12', ...keys } },
    };

    await takeShareRequestEvent(many, dependencies(SHARE_MACHINE));

    const input = [...executions.values()][0]?.input as RefusedPortfolioRequest;
    expect(input.refused.message).toMatch(/… \(\d+ more characters cut\)$/);
    expect(JSON.stringify(input).length).toBeLessThan(4096);
  });

  it('tells two different invalid requests under one request id apart: the second is a conflict', async () => {
    const executions = fakeExecutions(sfn);
    const invalid = (extra: string) => ({ ...event, detail: { ...event.detail, [extra]: 1 } });

    expect(await takeShareRequestEvent(invalid('colour'), dependencies(SHARE_MACHINE))).toMatchObject({ state: 'started' });
    expect(await takeShareRequestEvent(invalid('colour'), dependencies(SHARE_MACHINE))).toMatchObject({ state: 'existing' });
    expect(await takeShareRequestEvent(invalid('flavour'), dependencies(SHARE_MACHINE))).toMatchObject({
      state: 'conflict',
      conflictReport: { state: 'started' },
    });
    expect([...executions.values()].map((execution) => (execution.input as RefusedPortfolioRequest).refused.error)).toEqual([
      'ValidationError',
      'RequestIdConflict',
    ]);
  });

  it.each([
    [
      'principal sharing on an account target (AWS shares principal names with organization node shares only)',
      { portfolioId: 'port-abcd1234efgh5', target: { type: 'ACCOUNT', id: '210987654321' }, sharePrincipals: true },
      'sharePrincipals: applies only to ORGANIZATION and ORGANIZATIONAL_UNIT targets',
    ],
    [
      'a key target does not know (validated as strictly as the request itself)',
      { portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456', accounts: ['210987654321'] } },
      'target: Unrecognized key: "accounts"',
    ],
  ])('refuses %s, naming it', async (_name, detail, message) => {
    const outcome = await takeShareRequestEvent({ ...event, detail }, dependencies(SHARE_MACHINE));

    expect(outcome.refused?.message).toContain(message);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.refused.message).toContain(message);
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

  /** The refusal the intake started the onboarding workflow with, summarised as the workflow's summary step does. */
  const refusalOf = (executions: Map<string, FakeExecution>) => {
    const [execution, ...more] = [...executions.values()];
    expect(more).toEqual([]);
    const request = parseWith(RefusedAccountEvent, execution?.input, 'refused account event');
    const result = summariseOnboarding({ request, startedAt: '2026-12-01T00:00:00.000Z' });
    expectValidEvent({ source: 'portfolio-share-orchestrator', 'detail-type': result.detailType, detail: result.detail });
    return { execution, request, result };
  };

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
  ])(
    'starts the workflow with the refusal of %s, which ends in one Account Offboarding Failed, and puts no event',
    async (_name, event, message) => {
      const executions = fakeExecutions(sfn);

      const outcome = await takeAccountEvent(event, dependencies(ONBOARD_MACHINE));

      expect(outcome).toMatchObject({ state: 'started', requestId: envelope.id, refused: { error: 'ValidationError' } });
      const { execution, request, result } = refusalOf(executions);
      expect(execution?.name).toBe(envelope.id);
      expect(request).toEqual({
        requestId: envelope.id,
        requestedBy: { type: 'event', accountId: event.account, source: 'aws.organizations', eventId: envelope.id },
        refused: { error: 'ValidationError', message: outcome.refused?.message, requestSha256: requestSha256(event) },
        accountId: null,
        membership: 'DEPARTED',
        trigger: { eventName: event.detail.eventName },
      });
      expect(result.detailType).toBe('Account Offboarding Failed');
      expect(result.detail).toMatchObject({
        requestId: envelope.id,
        accountId: null,
        eventName: event.detail.eventName,
        removedShares: [],
        keptShares: [],
      });
      expect(`${result.detail.failure?.message} ${JSON.stringify(result.detail.failure)}`).toMatch(message);
      expect(published()).toEqual([]);
    },
  );

  it('starts the workflow with the refusal of an event that names no usable account, which ends in one Account Onboarding Failed', async () => {
    const executions = fakeExecutions(sfn);
    const event = {
      ...envelope,
      source: 'aws.organizations',
      detail: { eventName: 'MoveAccount', requestParameters: { accountId: 'not-an-account' } },
    };

    await takeAccountEvent(event, dependencies(ONBOARD_MACHINE));

    const { request, result } = refusalOf(executions);
    expect(request).toMatchObject({ membership: 'MEMBER', trigger: { eventName: 'MoveAccount' } });
    expect(result.detailType).toBe('Account Onboarding Failed');
    expect(result.detail.failure?.message).toMatch(/requestParameters\.accountId: must be a 12-digit AWS account id/);
    expect(published()).toEqual([]);
  });

  it('starts one refusal however often a malformed event is delivered, and none for an envelope it cannot read', async () => {
    const executions = fakeExecutions(sfn);
    const malformed = { ...removed, detail: { ...removed.detail, requestParameters: {} } };

    const outcomes = [];
    for (let delivery = 0; delivery < 3; delivery += 1) outcomes.push(await takeAccountEvent(malformed, dependencies(ONBOARD_MACHINE)));

    expect(outcomes.map((outcome) => outcome.state)).toEqual(['started', 'existing', 'existing']);
    expect([...executions.keys()]).toEqual([`${ONBOARD_MACHINE.replace(':stateMachine:', ':execution:')}:${envelope.id}`]);

    // Not even an envelope: reported too, with no one to name as the sender.
    const outcome = await takeAccountEvent(
      { id: 'e5a1f00d-0000-4000-8000-0000000000ff', detail: 'not an object' },
      dependencies(ONBOARD_MACHINE),
    );
    expect(outcome).toMatchObject({ state: 'started', refused: { error: 'ValidationError' } });
    const nameless = [...executions.values()].at(-1);
    expect(nameless?.input).toMatchObject({ requestedBy: null, accountId: null, membership: 'MEMBER', trigger: { eventName: null } });
    expect(published()).toEqual([]);
  });

  it('reports an event id that names a different event once, as a RequestIdConflict of its own', async () => {
    const executions = fakeExecutions(sfn);
    await takeAccountEvent(removed, dependencies(ONBOARD_MACHINE));
    const other = { ...left, id: removed.id };

    const outcome = await takeAccountEvent(other, dependencies(ONBOARD_MACHINE));
    const again = await takeAccountEvent(other, dependencies(ONBOARD_MACHINE));

    expect(outcome).toMatchObject({ state: 'conflict', conflictReport: { state: 'started' } });
    expect(again).toMatchObject({ state: 'conflict', conflictReport: { state: 'existing' } });
    const [, report, ...more] = [...executions.values()];
    expect(more).toEqual([]);
    expect(report?.name).toBe(conflictReportName(envelope.id, requestSha256(other)));
    expect(report?.input).toMatchObject({
      requestId: envelope.id,
      membership: 'DEPARTED',
      refused: {
        error: 'RequestIdConflict',
        message: expect.stringContaining('its event id names an earlier, different account event'),
      },
    });
    expect(published()).toEqual([]);
  });
});
