// Events as CloudTrail delivers them to EventBridge: "AWS API Call via CloudTrail" for write calls
// and "AWS Service Event via CloudTrail" for service events (CreateAccountResult, Control Tower
// lifecycle events). Organizations and Control Tower events reach EventBridge only in us-east-1.
import type { BusEvent, Caller, Random } from '../contract.js';
import { randomUuid } from '../random.js';
import { isoSeconds } from '../time-format.js';

export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** Who made a call, for `detail.userIdentity`, and the request it was part of. */
export interface Actor {
  caller: Caller;
  requestId?: string;
}

interface EnvelopeInput {
  source: string;
  eventSource: string;
  eventName: string;
  /** The account whose default bus receives the event (the management account). */
  account: string;
  /** Simulated epoch ms. */
  time: number;
  random: Random;
}

export interface ApiCallEventInput extends EnvelopeInput {
  actor: Actor;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** The account whose CloudTrail records the call; the caller's account by default. */
  recipientAccountId?: string;
}

export interface ServiceEventInput extends EnvelopeInput {
  serviceEventDetails: Record<string, unknown>;
}

export function apiCallEvent(input: ApiCallEventInput): BusEvent {
  const eventId = randomUuid(input.random);
  return envelope(input, 'AWS API Call via CloudTrail', {
    eventVersion: '1.08',
    userIdentity: userIdentity(input.actor.caller, input.time),
    eventTime: isoSeconds(input.time),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: GLOBAL_EVENTS_REGION,
    sourceIPAddress: '127.0.0.1',
    userAgent: 'local-aws-endpoint',
    requestParameters: input.requestParameters,
    responseElements: input.responseElements,
    requestID: input.actor.requestId ?? randomUuid(input.random),
    eventID: eventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: input.recipientAccountId ?? input.actor.caller.accountId,
    eventCategory: 'Management',
  });
}

export function serviceEvent(input: ServiceEventInput): BusEvent {
  return envelope(input, 'AWS Service Event via CloudTrail', {
    eventVersion: '1.08',
    userIdentity: { accountId: input.account, invokedBy: 'AWS Internal' },
    eventTime: isoSeconds(input.time),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: GLOBAL_EVENTS_REGION,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: randomUuid(input.random),
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: input.account,
    serviceEventDetails: input.serviceEventDetails,
    eventCategory: 'Management',
  });
}

function envelope(input: EnvelopeInput, detailType: string, detail: Record<string, unknown>): BusEvent {
  return {
    version: '0',
    id: randomUuid(input.random),
    'detail-type': detailType,
    source: input.source,
    account: input.account,
    time: isoSeconds(input.time),
    region: GLOBAL_EVENTS_REGION,
    resources: [],
    detail,
    eventBusName: 'default',
  };
}

/** CloudTrail's `userIdentity` for a root user, an IAM user or an assumed-role session. */
export function userIdentity(caller: Caller, time: number): Record<string, unknown> {
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(caller.arn);
  if (assumed) {
    const [roleId = ''] = caller.userId.split(':');
    return {
      type: 'AssumedRole',
      principalId: caller.userId,
      arn: caller.arn,
      accountId: caller.accountId,
      accessKeyId: caller.accessKeyId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${caller.accountId}:role/${assumed[2]}`,
          accountId: caller.accountId,
          userName: assumed[2],
        },
        attributes: { creationDate: isoSeconds(time), mfaAuthenticated: 'false' },
      },
    };
  }
  const user = /^arn:aws:iam::\d{12}:user\/(.+)$/.exec(caller.arn);
  if (user)
    return {
      type: 'IAMUser',
      principalId: caller.userId,
      arn: caller.arn,
      accountId: caller.accountId,
      accessKeyId: caller.accessKeyId,
      userName: user[1],
    };
  return { type: 'Root', principalId: caller.accountId, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
}
