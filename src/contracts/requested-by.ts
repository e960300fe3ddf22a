import { z } from 'zod';
import { AccountId, RequestId } from './identifiers.js';

// Who asked for a request, as every workflow input and result event records it. `api` comes from API
// Gateway's IAM authorizer (requestContext.authorizer.iam), `event` from the EventBridge envelope (the
// account that put the event and its source: PutEvents carries no principal, the bus policy decides who
// may put it), `workflow` names the parent workflow run that started a child, `schedule` the reconcile
// schedule, and `caller` a principal that started an execution directly and said who it is (the CLI).

const Arn = z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]+$/, 'must be an IAM or STS ARN');

export const RequestedBy = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('api'),
      /** The principal as IAM reports it (aws:PrincipalArn): an assumed role's session becomes its role ARN. */
      principalArn: Arn,
      /** The caller's ARN as API Gateway reports it (the session ARN for a role). */
      userArn: Arn,
      accountId: AccountId,
    })
    .strict(),
  z
    .object({
      type: z.literal('event'),
      /** The account that put the event on the bus (the envelope's `account`). */
      accountId: AccountId,
      source: z.string().min(1),
      eventId: z.string().min(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('workflow'),
      workflow: z.enum(['onboard-account', 'reconcile-sharing']),
      /** The parent run's request id (an onboarding request, a reconcile run). */
      requestId: RequestId,
    })
    .strict(),
  z.object({ type: z.literal('schedule'), schedule: z.literal('reconcile') }).strict(),
  z.object({ type: z.literal('caller'), principalArn: Arn, accountId: AccountId }).strict(),
]);
export type RequestedBy = z.infer<typeof RequestedBy>;

/** The principal ARN IAM evaluates for a caller ARN: `arn:aws:sts::<account>:assumed-role/<role>/<session>` is `arn:aws:iam::<account>:role/<role>`. */
export const principalArnOf = (callerArn: string): string => {
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : callerArn;
};

/**
 * A short name of the requester for member sessions' `sts:SourceIdentity` (2-64 characters of
 * `[\w+=,.@-]`), so the member account's CloudTrail shows who asked.
 */
export const sourceIdentityOf = (requestedBy: RequestedBy): string => {
  const raw = (() => {
    switch (requestedBy.type) {
      case 'api':
      case 'caller':
        return requestedBy.principalArn.split(/[:/]/).pop() ?? requestedBy.accountId;
      case 'event':
        return `event-${requestedBy.accountId}`;
      case 'workflow':
        return requestedBy.workflow;
      case 'schedule':
        return 'reconcile-schedule';
    }
  })();
  const cleaned = raw.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`;
};
