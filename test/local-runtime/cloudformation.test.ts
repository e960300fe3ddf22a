// CloudFormation's intrinsics as the local stack resolves them (local/runtime/cloudformation.ts).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are Fn::Sub templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import { generatedName, roleDocuments, Stack, UnresolvedReferenceError } from '../../local/runtime/cloudformation.js';

const stack = new Stack({
  accountId: '123456789012',
  region: 'eu-west-1',
  stackName: 'portfolio-share-orchestrator-e2e',
  resources: {
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'project-bus' } },
    WorkerRole: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/' } },
    NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Sub': '${AWS::StackName}-named' } } },
    AuditRule: { Type: 'AWS::Events::Rule', Properties: { EventBusName: { Ref: 'Bus' } } },
    Audit: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/audit' } },
  },
  conditions: { Enabled: { 'Fn::Equals': ['true', 'true'] }, Disabled: { 'Fn::Not': [{ Condition: 'Enabled' }] } },
  parameters: { RoleName: 'Member' },
  extraRefs: { HandlerLambdaFunction: { ref: 'handler', attributes: { Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:handler' } } },
});

describe('CloudFormation intrinsics on the local stack', () => {
  it('names unnamed resources as CloudFormation does: stack, logical id and a suffix, within 64 characters', () => {
    const name = stack.physicalName('WorkerRole');
    expect(name).toMatch(/^portfolio-share-orchestr[a-z-]*-WorkerRole-[0-9A-F]{12}$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(generatedName('s'.repeat(100), 'L'.repeat(100))).toHaveLength(64);
    expect(stack.physicalName('WorkerRole')).toBe(name);
    expect(stack.physicalName('NamedRole')).toBe('portfolio-share-orchestrator-e2e-named');
  });

  it('resolves Ref, Fn::GetAtt and Fn::Sub to the ARNs the deployed stack has', () => {
    expect(stack.resolve({ 'Fn::GetAtt': ['WorkerRole', 'Arn'] })).toBe(
      `arn:aws:iam::123456789012:role/service/${stack.physicalName('WorkerRole')}`,
    );
    expect(stack.resolve({ 'Fn::GetAtt': 'AuditRule.Arn' })).toBe(
      `arn:aws:events:eu-west-1:123456789012:rule/project-bus/${stack.physicalName('AuditRule')}`,
    );
    expect(stack.resolve({ 'Fn::GetAtt': ['Audit', 'Arn'] })).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/audit:*');
    expect(stack.resolve({ Ref: 'Bus' })).toBe('project-bus');
    expect(stack.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${RoleName}-${Bus.Arn}-${!Literal}' })).toBe(
      'arn:aws:iam::*:role/Member-arn:aws:events:eu-west-1:123456789012:event-bus/project-bus-${Literal}',
    );
    expect(stack.resolve({ 'Fn::Sub': ['${Log}/x', { Log: { 'Fn::GetAtt': ['Audit', 'Arn'] } }] })).toBe(
      'arn:aws:logs:eu-west-1:123456789012:log-group:/audit:*/x',
    );
    expect(stack.resolve({ 'Fn::GetAtt': ['HandlerLambdaFunction', 'Arn'] })).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:handler',
    );
    expect(stack.resolve({ 'Fn::Join': [',', ['a', { Ref: 'AWS::Region' }]] })).toBe('a,eu-west-1');
  });

  it('drops what Fn::If leaves as AWS::NoValue, from lists and from objects', () => {
    expect(
      stack.resolve({
        Statement: [
          { 'Fn::If': ['Enabled', 'kept', { Ref: 'AWS::NoValue' }] },
          { 'Fn::If': ['Disabled', 'dropped', { Ref: 'AWS::NoValue' }] },
        ],
        Member: { 'Fn::If': ['Disabled', 'x', { Ref: 'AWS::NoValue' }] },
      }),
    ).toEqual({ Statement: ['kept'] });
  });

  it('refuses what it cannot resolve, naming it', () => {
    expect(() => stack.resolve({ Ref: 'Missing' })).toThrow(new UnresolvedReferenceError('No resource Missing in the template'));
    expect(() => stack.resolve({ 'Fn::ImportValue': 'x' })).toThrow('The local stack does not evaluate Fn::ImportValue');
    expect(() => stack.resolve({ 'Fn::GetAtt': ['Bus', 'Policy'] })).toThrow(UnresolvedReferenceError);
  });

  it('reads a role’s documents: trust, managed policies by ARN, inline policies', () => {
    const documents = roleDocuments({
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      Policies: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: [] } }],
      MaxSessionDuration: 7200,
    });
    expect(documents.policies.map((policy) => policy.name)).toEqual(['AdministratorAccess', 'inline']);
    expect(documents.maxSessionDuration).toBe(7200);
    expect(() => roleDocuments({ AssumeRolePolicyDocument: {}, ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] })).toThrow(
      /not known to the local endpoint/,
    );
  });
});
