// Starts the local AWS endpoint on an ephemeral port with a small test organization, builds real SDK
// v3 clients for it, and checks outputs and errors against the botocore models.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { expect } from 'vitest';
import { type AwsCredentials, type LocalAws, type StartLocalAwsOptions, startLocalAws } from '../src/endpoint.js';
import type { ApiCallRecord } from '../src/server.js';
import { botocoreUnavailableReason, expectConformsToOutput, expectModelledError } from './botocore-model.js';

export const MANAGEMENT = '123456789012';
export const DELEGATED_ADMIN = '210987654321';
export const PROD_A = '333333333333';
export const PROD_B = '444444444444';
export const SANDBOX = '777777777777';
export const PARTNER = '999988887777';
export const ROOT_ID = 'r-tst1';
export const WORKLOADS_OU = 'ou-tst1-workload';
export const PRODUCTION_OU = 'ou-tst1-prod0001';
export const SANDBOX_OU = 'ou-tst1-sandbox1';
export const BULK_OU = 'ou-tst1-bulk0001';
export const MEMBER_ROLE = 'PortfolioShareMemberRole';
export const BULK_ACCOUNTS = 23;

export const DELEGATED_ADMIN_KEY: AwsCredentials = { accessKeyId: 'AKIADELEGATED00001', secretAccessKey: 'delegated' };
export const SANDBOX_KEY: AwsCredentials = { accessKeyId: 'AKIASANDBOX0000001', secretAccessKey: 'sandbox' };
export const PARTNER_KEY: AwsCredentials = { accessKeyId: 'AKIAPARTNER0000001', secretAccessKey: 'partner' };
export const ENGINEER_KEY: AwsCredentials = { accessKeyId: 'AKIAENGINEER000001', secretAccessKey: 'engineer' };

/** 28 member accounts: management, a delegated administrator, two in Production (under Workloads), one sandbox without the member role, 23 in Bulk. */
export function testFixture(): Record<string, unknown> {
  const account = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    email: `${name}@example.com`,
    roles: [MEMBER_ROLE],
    ...extra,
  });
  return {
    organization: {
      id: 'o-testorg0001',
      rootId: ROOT_ID,
      managementAccount: account(MANAGEMENT, 'management', { roles: [], accessKeys: [{ ...keyOf(ENGINEER_KEY), user: 'engineer' }] }),
      enabledServicePrincipals: ['servicecatalog.amazonaws.com'],
      delegatedAdministrators: [{ accountId: DELEGATED_ADMIN, servicePrincipal: 'servicecatalog.amazonaws.com' }],
      accounts: [account(DELEGATED_ADMIN, 'shared-services', { accessKeys: [keyOf(DELEGATED_ADMIN_KEY)] })],
      organizationalUnits: [
        {
          name: 'Workloads',
          id: WORKLOADS_OU,
          organizationalUnits: [
            { name: 'Production', id: PRODUCTION_OU, accounts: [account(PROD_A, 'prod-a'), account(PROD_B, 'prod-b')] },
          ],
        },
        {
          name: 'Sandbox',
          id: SANDBOX_OU,
          accounts: [account(SANDBOX, 'sandbox', { roles: [], joinedMethod: 'INVITED', accessKeys: [keyOf(SANDBOX_KEY)] })],
        },
        {
          name: 'Bulk',
          id: BULK_OU,
          accounts: Array.from({ length: BULK_ACCOUNTS }, (_, index) => account(String(100000000001 + index), `bulk-${index + 1}`)),
        },
      ],
    },
    standaloneAccounts: [account(PARTNER, 'partner', { accessKeys: [keyOf(PARTNER_KEY)] })],
    eventBuses: ['portfolio-share-orchestrator'],
    simulation: { seed: 7, createAccountSeconds: 60, memberRoles: { roles: [MEMBER_ROLE], delaySeconds: 120 } },
  };
}

/** Roles and access keys to add to an account of a fixture. */
export interface AccountAdditions {
  roles?: unknown[];
  accessKeys?: unknown[];
}

/** The fixture with roles and access keys added to the accounts named, wherever they sit in it. */
export function withAccountAdditions(
  fixture: Record<string, unknown>,
  additions: Record<string, AccountAdditions>,
): Record<string, unknown> {
  type Node = Record<string, unknown>;
  const account = (node: Node): Node => {
    const added = additions[String(node.id)];
    if (!added) return node;
    return {
      ...node,
      roles: [...((node.roles as unknown[] | undefined) ?? []), ...(added.roles ?? [])],
      accessKeys: [...((node.accessKeys as unknown[] | undefined) ?? []), ...(added.accessKeys ?? [])],
    };
  };
  const accounts = (nodes: unknown) => ((nodes as Node[] | undefined) ?? []).map(account);
  const unit = (node: Node): Node => ({
    ...node,
    accounts: accounts(node.accounts),
    organizationalUnits: ((node.organizationalUnits as Node[] | undefined) ?? []).map(unit),
  });
  const organization = fixture.organization as Node;
  return {
    ...fixture,
    organization: {
      ...organization,
      managementAccount: account(organization.managementAccount as Node),
      accounts: accounts(organization.accounts),
      organizationalUnits: ((organization.organizationalUnits as Node[] | undefined) ?? []).map(unit),
    },
    standaloneAccounts: accounts(fixture.standaloneAccounts),
  };
}

function keyOf(credentials: AwsCredentials) {
  return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
}

export interface TestEndpoint {
  aws: LocalAws;
  /** Wire outputs and errors of every call, newest last. */
  calls: ApiCallRecord[];
  organizations(credentials?: AwsCredentials): OrganizationsClient;
  sts(credentials?: AwsCredentials): STSClient;
  events(credentials?: AwsCredentials): EventBridgeClient;
  /** The wire output of the latest successful call of an operation. */
  lastOutput(service: string, operation: string): unknown;
  close(): Promise<void>;
}

export async function startTestEndpoint(options: Partial<StartLocalAwsOptions> = {}): Promise<TestEndpoint> {
  const aws = await startLocalAws({ port: 0, fixture: testFixture(), ...options });
  const calls: ApiCallRecord[] = [];
  aws.onCall((call) => calls.push(call));
  // No SDK retries: tests must see each throttle and fault the endpoint answers.
  const config = (credentials?: AwsCredentials) => ({ ...aws.clientConfig(credentials), maxAttempts: 1 });
  const clients: Array<{ destroy(): void }> = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  return {
    aws,
    calls,
    organizations: (credentials) => track(new OrganizationsClient(config(credentials))),
    sts: (credentials) => track(new STSClient(config(credentials))),
    events: (credentials) => track(new EventBridgeClient(config(credentials))),
    lastOutput: (service, operation) => {
      const call = calls.findLast(
        (candidate) => candidate.service === service && candidate.operation === operation && !candidate.errorCode,
      );
      if (!call) throw new Error(`No successful ${service}:${operation} call was recorded`);
      return call.output;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      await aws.close();
    },
  };
}

// Behaviour is tested with or without botocore; only the model checks need it (the conformance
// suites, run with describeWithBotocore, report when they are skipped and why).
const modelsAvailable = botocoreUnavailableReason() === undefined;

/** Checks an SDK output (when given) and the wire output of the latest such call against the operation's output shape. */
export function expectConforms(endpoint: TestEndpoint, service: string, operation: string, sdkOutput?: unknown): void {
  if (!modelsAvailable) return;
  if (sdkOutput !== undefined) expectConformsToOutput(service, operation, sdkOutput);
  expectConformsToOutput(service, operation, endpoint.lastOutput(service, operation));
}

export interface ExpectedAwsError {
  service: string;
  operation: string;
  name: string;
  status: number;
  message?: string | RegExp;
  /** Members of the error besides the message (e.g. `{ Reason: 'INVALID_NEXT_TOKEN' }`). */
  members?: Record<string, unknown>;
}

/** The SDK must raise the named exception; the name (and members) must be ones the model defines. */
export async function expectAwsError(call: Promise<unknown>, expected: ExpectedAwsError): Promise<Error & Record<string, unknown>> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught as Error & Record<string, unknown> & { $metadata?: { httpStatusCode?: number } },
  );
  expect(error, `${expected.operation} should fail with ${expected.name}`).toBeDefined();
  const failure = error as Error & Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
  expect(failure.name).toBe(expected.name);
  expect(failure.$metadata?.httpStatusCode).toBe(expected.status);
  if (expected.message !== undefined) {
    if (typeof expected.message === 'string') expect(failure.message).toBe(expected.message);
    else expect(failure.message).toMatch(expected.message);
  }
  for (const [member, value] of Object.entries(expected.members ?? {})) expect(failure[member]).toEqual(value);
  if (modelsAvailable) expectModelledError(expected.service, expected.operation, expected.name, expected.members);
  return failure;
}
