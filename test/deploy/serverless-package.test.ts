import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESULT_DETAIL_SCHEMAS } from '../../src/contracts/result-details.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let templatePath: string;
let packageDir: string;

// A statement granted under a condition (Fn::If [condition, statement, AWS::NoValue]) counts as granted.
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

// `npx serverless package` offline, with dummy credentials, exactly as the README says.
beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'pso-package-'));
  await run('npx', ['serverless', 'package', '--stage', 'ci', '--region', 'us-east-1', '--package', out], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', SLS_TELEMETRY_DISABLED: '1' },
    timeout: 180_000,
  });
  packageDir = out;
  templatePath = join(out, 'cloudformation-template-update-stack.json');
  resources = (JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, Resource> }).Resources;
}, 200_000);

describe('packaged CloudFormation', () => {
  it('has every state machine, with definitions that reference the deployed functions and bus', () => {
    const machines = Object.fromEntries(ofType('AWS::StepFunctions::StateMachine'));
    expect(Object.keys(machines).sort()).toEqual([
      'AwaitShareActionStateMachine',
      'OnboardAccountStateMachine',
      'ReconcileSharingStateMachine',
      'SharePortfolioStateMachine',
      'TransferOwnershipStateMachine',
      'UnsharePortfolioStateMachine',
    ]);
    const share = JSON.stringify(machines.SharePortfolioStateMachine?.Properties.DefinitionString);
    expect(share).toContain('EvaluateShareLambdaFunction');
    expect(share).toContain('arn:aws:states:::aws-sdk:servicecatalog:createPortfolioShare');
    expect(share).not.toMatch(/\$\{\w+FunctionArn\}/);
    expect(JSON.stringify(machines.OnboardAccountStateMachine?.Properties.DefinitionString)).toContain('SharePortfolioStateMachine');
    const unshare = JSON.stringify(machines.UnsharePortfolioStateMachine?.Properties.DefinitionString);
    expect(unshare).toContain('FindStillVisibleLambdaFunction');
    expect(unshare).toContain('arn:aws:states:::aws-sdk:servicecatalog:deletePortfolioShare');
    expect(unshare).not.toMatch(/\$\{\w+(FunctionArn|EventBusName)\}/);
    const transfer = JSON.stringify(machines.TransferOwnershipStateMachine?.Properties.DefinitionString);
    expect(transfer).toContain('RequestOwnerChangesLambdaFunction');
    expect(transfer).not.toMatch(/\$\{\w+FunctionArn\}/);
    expect(machines.TransferOwnershipStateMachine?.Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['TransferOwnershipRole', 'Arn'] });
    const reconcile = JSON.stringify(machines.ReconcileSharingStateMachine?.Properties.DefinitionString);
    for (const reference of [
      'PlanReconciliationLambdaFunction',
      'SummariseReconciliationLambdaFunction',
      'SharePortfolioStateMachine',
      'UnsharePortfolioStateMachine',
    ]) {
      expect(reconcile).toContain(reference);
    }
    expect(reconcile).not.toMatch(/\$\{\w+(FunctionArn|StateMachineArn|EventBusName)\}/);
    for (const parent of [share, unshare]) expect(parent).toContain('AwaitShareActionStateMachine');
    const child = JSON.stringify(machines.AwaitShareActionStateMachine?.Properties.DefinitionString);
    expect(child).toContain('arn:aws:states:::aws-sdk:servicecatalog:describePortfolioShareStatus');
    expect(child).not.toMatch(/\$\{[\w.]+\}/);
  });

  it('lets the await-share-action child only read share status, and its parents start and follow it', () => {
    const statements = (roleName: string) =>
      (resources[roleName]?.Properties.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument.Statement) as {
        Action: string | string[];
        Resource: unknown;
      }[];
    expect(resources.AwaitShareActionStateMachine?.Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['AwaitShareActionRole', 'Arn'] });
    expect(statements('AwaitShareActionRole').flatMap((statement) => [statement.Action].flat())).toEqual([
      'servicecatalog:DescribePortfolioShareStatus',
    ]);
    for (const parent of ['SharePortfolioRole', 'UnsharePortfolioRole']) {
      const granted = statements(parent);
      expect(granted, parent).toContainEqual(
        expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: 'AwaitShareActionStateMachine' } }),
      );
      expect(
        granted.flatMap((statement) => [statement.Action].flat()),
        parent,
      ).toEqual(
        expect.arrayContaining([
          'states:DescribeExecution',
          'states:StopExecution',
          'events:PutTargets',
          'events:PutRule',
          'events:DescribeRule',
        ]),
      );
      // The parents no longer poll the token themselves.
      expect(
        granted.flatMap((statement) => [statement.Action].flat()),
        parent,
      ).not.toContain('servicecatalog:DescribePortfolioShareStatus');
    }
  });

  it('runs the reconcile workflow on the schedule custom.reconcile sets, with its input and a bounded retry', () => {
    const schedules = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties.ScheduleExpression !== undefined);
    expect(schedules).toHaveLength(1);
    const [, schedule] = schedules[0] ?? [];
    expect(schedule?.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    expect(schedule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { Ref: 'ReconcileSharingStateMachine' },
        Input: JSON.stringify({ trigger: 'schedule' }),
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
      }),
    ]);
  });

  it('has each rule with its exact pattern, a retry policy and the dead-letter queue', () => {
    const eventRules = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties.EventPattern !== undefined);
    const patterns = eventRules.map(([, rule]) => rule.Properties.EventPattern);
    const expected = [
      { source: ['portfolio-share-orchestrator'], 'detail-type': ['Portfolio Share Requested'] },
      { source: ['portfolio-share-orchestrator'], 'detail-type': ['Portfolio Unshare Requested'] },
      { source: ['portfolio-share-orchestrator'], 'detail-type': ['Ownership Transfer Requested'] },
      {
        source: ['aws.organizations'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: ['CreateAccountResult'],
          serviceEventDetails: { createAccountStatus: { state: ['SUCCEEDED'] } },
        },
      },
      {
        source: ['aws.organizations'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['organizations.amazonaws.com'], eventName: ['MoveAccount'], errorCode: [{ exists: false }] },
      },
      {
        source: ['aws.organizations'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: ['RemoveAccountFromOrganization', 'LeaveOrganization'],
          errorCode: [{ exists: false }],
        },
      },
      {
        source: ['aws.organizations'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventSource: ['organizations.amazonaws.com'], eventName: ['AccountDepartedOrganization'] },
      },
      {
        source: ['aws.organizations'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: ['AcceptHandshake'],
          responseElements: { handshake: { state: ['ACCEPTED'] } },
        },
      },
      {
        source: ['aws.controltower'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventName: ['CreateManagedAccount'], serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } } },
      },
      {
        source: ['aws.controltower'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventName: ['UpdateManagedAccount'], serviceEventDetails: { updateManagedAccountStatus: { state: ['SUCCEEDED'] } } },
      },
    ];
    for (const pattern of expected) expect(patterns).toContainEqual(pattern);
    // The schedule has no dead-letter queue: a missed tick is made up by the next run.
    for (const [name, rule] of eventRules) {
      for (const target of rule.Properties.Targets) {
        expect(target.RetryPolicy, name).toMatchObject({
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: expect.any(Number),
        });
        expect(target.DeadLetterConfig, name).toEqual({ Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } });
      }
    }
  });

  it('puts the request rules on the project bus and the account rules on the default bus', () => {
    const rules = ofType('AWS::Events::Rule')
      .map(([, rule]) => rule.Properties)
      .filter((rule) => rule.ScheduleExpression === undefined);
    const onBus = rules.filter((rule) => rule.EventBusName !== undefined);
    expect(onBus.map((rule) => rule.EventPattern.source[0])).toEqual(onBus.map(() => 'portfolio-share-orchestrator'));
    const requestRules = onBus.filter((rule) => rule.EventPattern['detail-type'].some((type: string) => type.endsWith(' Requested')));
    expect(requestRules.map((rule) => rule.EventPattern['detail-type'][0]).sort()).toEqual([
      'Ownership Transfer Requested',
      'Portfolio Share Requested',
      'Portfolio Unshare Requested',
    ]);
    expect(rules.filter((rule) => rule.EventBusName === undefined)).toHaveLength(7);
  });

  it('has the project bus, its archive and the audit log delivery of every result event', () => {
    expect(ofType('AWS::Events::EventBus')).toHaveLength(1);
    const [[, archive] = []] = ofType('AWS::Events::Archive');
    expect(archive?.Properties.SourceArn).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
    const audit = resources.ResultEventsToAuditLogRule?.Properties;
    expect(audit?.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['AuditLogGroup', 'Arn'] });
    expect([...(audit?.EventPattern['detail-type'] ?? [])].sort()).toEqual(Object.keys(RESULT_DETAIL_SCHEMAS).sort());
  });

  it('keeps the audit archive and log groups when the stack is deleted, and logs every API request as JSON there', () => {
    const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, Record<string, unknown>> };
    for (const name of ['EventBusArchive', 'AuditLogGroup', 'HttpApiLogGroup']) {
      expect(template.Resources[name], name).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    const logs = resources.HttpApiStage?.Properties.AccessLogSettings;
    expect(logs?.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    expect(JSON.parse(logs?.Format)).toMatchObject({ requestId: '$context.requestId', userArn: '$context.identity.userArn' });
  });

  it('has the HTTP API routes behind IAM authorisation', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([
      'DELETE /shares',
      'GET /accounts/{accountId}/portfolios',
      'GET /organizations-access',
      'GET /ownership-transfers/{requestId}',
      'GET /plan',
      'GET /portfolios/{portfolioId}/access',
      'GET /portfolios/{portfolioId}/shares',
      'GET /shares/{requestId}',
      'GET /unshares/{requestId}',
      'POST /shares',
      'PUT /organizations-access',
      'PUT /provisioned-products/{id}/owner',
    ]);
    for (const route of routes) expect(route.AuthorizationType).toBe('AWS_IAM');
  });

  it('lets GET /plan and the plan step only read Service Catalog and Organizations', () => {
    for (const roleName of ['GetPlanRole', 'PlanReconciliationRole']) {
      const actions = (resources[roleName]?.Properties.Policies ?? []).flatMap((policy: any) =>
        policy.PolicyDocument.Statement.flatMap((statement: any) => [(statement['Fn::If']?.[1] ?? statement).Action].flat()),
      );
      expect(actions, roleName).toEqual(
        expect.arrayContaining([
          'servicecatalog:DescribePortfolioShares',
          'servicecatalog:ListOrganizationPortfolioAccess',
          'organizations:ListParents',
        ]),
      );
      for (const action of actions)
        expect(action, roleName).toMatch(/^(logs:(CreateLogStream|PutLogEvents)|(servicecatalog|organizations):(Describe|List|Get)\w+)$/);
    }
    expect(resources.GetPlanLambdaFunction?.Properties.Role).toEqual({ 'Fn::GetAtt': ['GetPlanRole', 'Arn'] });
  });

  it('grants no wildcard action and nothing like servicecatalog:*', () => {
    const actions = ofType('AWS::IAM::Role').flatMap(([, role]) =>
      (role.Properties.Policies ?? []).flatMap((policy: any) =>
        policy.PolicyDocument.Statement.flatMap((statement: any) => [(statement['Fn::If']?.[1] ?? statement).Action].flat()),
      ),
    );
    expect(actions.length).toBeGreaterThan(20);
    for (const action of actions) expect(action).not.toContain('*');
  });

  it('gives every function its own least-privilege role, not a shared default role', () => {
    for (const [name, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Role, name).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Role$/), 'Arn'] });
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('passes cfn-lint without errors (cfn-lint comes with the machine image, see README)', async () => {
    const lint = await run('cfn-lint', ['--format', 'json', templatePath]).catch((error: { stdout?: string; code?: number }) => {
      if (error.code === undefined || error.stdout === undefined) throw error;
      return { stdout: error.stdout };
    });
    const findings = JSON.parse(lint.stdout || '[]') as { Level: string; Rule: { Id: string }; Message: string }[];
    expect(findings.filter((finding) => finding.Level === 'Error')).toEqual([]);
  }, 120_000);
});

// The member roles' trust and grants are checked in iam-least-privilege.test.ts.
describe('packaged functions', () => {
  // The IAM simulator is AGPL-3.0: the local stack and the emulator may use it, a deployed function never.
  it('contain neither the IAM simulator nor its policy libraries', async () => {
    const zips = readdirSync(packageDir).filter((name) => name.endsWith('.zip'));
    expect(zips.length).toBeGreaterThan(0);
    const { stdout } = await run('python3', [
      '-c',
      [
        'import sys, zipfile, json',
        'out = {}',
        'for path in sys.argv[1:]:',
        '  z = zipfile.ZipFile(path)',
        "  out[path] = [n for n in z.namelist() if 'cloud-copilot' in n or 'iam-simulate' in n] + [n for n in z.namelist() if n.endswith('.js') and any(m in z.read(n) for m in (b'@cloud-copilot', b'iam-simulate', b'no.resource.types'))]",
        'print(json.dumps(out))',
      ].join('\n'),
      ...zips.map((name) => join(packageDir, name)),
    ]);
    const found = JSON.parse(stdout) as Record<string, string[]>;
    expect(Object.keys(found)).toHaveLength(zips.length);
    expect(Object.entries(found).filter(([, names]) => names.length > 0)).toEqual([]);
  });
});

describe('member-account role template', () => {
  const template = join(ROOT, 'templates', 'member-account-role.yml');

  it('passes cfn-lint', async () => {
    const { stdout } = await run('cfn-lint', ['--format', 'json', template]);
    expect(JSON.parse(stdout || '[]')).toEqual([]);
  });
});
