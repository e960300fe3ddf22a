// The stack's IAM on the local endpoint (local/runtime/stack-iam.ts): services take roles only as the
// trust policies let them, log delivery follows the log group's resource policy, the member template
// resolves with the StackSet's parameters.
import { type LocalAws, startLocalAws } from '@portfolio-share-orchestrator/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDefinitions, LocalRule } from '../../local/runtime/serverless-config.js';
import {
  authorizeLogDelivery,
  loadTemplate,
  MEMBER_ROLE_TEMPLATE,
  memberRoles,
  RoleNotAssumableError,
  serviceSession,
} from '../../local/runtime/stack-iam.js';

const HUB = '123456789012';
const AUDIT_RULE = `arn:aws:events:us-east-1:${HUB}:rule/project-bus/audit-rule`;
const LOG_GROUP = `arn:aws:logs:us-east-1:${HUB}:log-group:/audit:*`;

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws({ port: 0 });
  aws.identity.createRole(HUB, 'function-role', '/', {
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': HUB } },
        },
      ],
    },
    policies: [],
  });
});

afterAll(async () => {
  await aws?.close();
});

const rule = (arn: string): LocalRule => ({
  name: arn.slice(arn.lastIndexOf('/') + 1),
  arn,
  eventBusName: 'project-bus',
  pattern: { source: ['x'] },
  target: { kind: 'log', logGroupName: '/audit', logGroupArn: LOG_GROUP },
  retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
  input: {},
});

const definitions = {
  accountId: HUB,
  logResourcePolicies: [
    {
      name: 'audit-delivery',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: LOG_GROUP,
            Condition: { ArnEquals: { 'aws:SourceArn': AUDIT_RULE }, StringEquals: { 'aws:SourceAccount': HUB } },
          },
        ],
      },
    },
  ],
} as unknown as LocalDefinitions;

describe("the stack's IAM on the local endpoint", () => {
  it('gives Lambda a session on a role that trusts it, named for the function', async () => {
    const session = await serviceSession(aws, {
      roleArn: `arn:aws:iam::${HUB}:role/function-role`,
      service: 'lambda.amazonaws.com',
      sourceArn: `arn:aws:lambda:us-east-1:${HUB}:function:fn`,
      sessionName: 'fn',
    });
    const resolved = aws.identity.resolve(session.accessKeyId, session.sessionToken);
    expect(resolved.ok && resolved.caller.arn).toBe(`arn:aws:sts::${HUB}:assumed-role/function-role/fn`);
  });

  it('refuses the role to a service its trust policy does not name, and a role that does not exist', async () => {
    await expect(
      serviceSession(aws, {
        roleArn: `arn:aws:iam::${HUB}:role/function-role`,
        service: 'states.amazonaws.com',
        sourceArn: `arn:aws:states:us-east-1:${HUB}:stateMachine:sm`,
        sessionName: 'sm',
      }),
    ).rejects.toThrow(
      new RoleNotAssumableError(
        `states.amazonaws.com cannot assume arn:aws:iam::${HUB}:role/function-role for arn:aws:states:us-east-1:${HUB}:stateMachine:sm: its trust policy does not allow it`,
      ),
    );
    await expect(
      serviceSession(aws, {
        roleArn: `arn:aws:iam::${HUB}:role/missing`,
        service: 'lambda.amazonaws.com',
        sourceArn: 'x',
        sessionName: 'x',
      }),
    ).rejects.toThrow(/no such role/);
  });

  it('lets the audit rule deliver to the log group and refuses another rule', async () => {
    expect(await authorizeLogDelivery(aws, definitions, rule(AUDIT_RULE))).toBeUndefined();
    const refused = await authorizeLogDelivery(aws, definitions, rule(`arn:aws:events:us-east-1:${HUB}:rule/project-bus/other`));
    expect(refused?.message).toContain('events.amazonaws.com is not authorized to perform: logs:CreateLogStream');
  });

  it('resolves the member roles of the template with the StackSet parameters, one per duty', () => {
    const roles = memberRoles(loadTemplate(MEMBER_ROLE_TEMPLATE), '333333333333', 'us-east-1', {
      HubAccountId: HUB,
      HubRoleNamePrefix: 'pso-dev',
      OrganizationId: 'o-exampleorg1',
      RoleName: 'Member',
    });
    expect(roles.map((role) => role.name).sort()).toEqual([
      'Member-OwnershipTransfer',
      'Member-ReadOnly',
      'Member-ShareAcceptance',
      'Member-ShareRejection',
    ]);
    const acceptance = roles.find((role) => role.name === 'Member-ShareAcceptance');
    expect(JSON.stringify(acceptance?.documents.trustPolicy)).toContain(`arn:aws:iam::${HUB}:role/pso-dev-member-actions`);
    expect(JSON.stringify(acceptance?.documents.policies)).toContain(`arn:aws:catalog:*:${HUB}:portfolio/*`);
  });
});
