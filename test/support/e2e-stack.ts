import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { BusEvent } from '@portfolio-share-orchestrator/local-aws';
import { expect } from 'vitest';
import { type LocalStack, type StartLocalStackOptions, startLocalStack } from '../../local/runtime/local-stack.js';
import { expectValidEvent } from './result-events.js';

/** A SigV4 Authorization header with an access key the local endpoint knows: enough for the local HTTP API's IAM routes. */
export const signedWith = (accessKeyId: string): string =>
  `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261121/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0`;
/** Signed with the management account's key. */
export const SIGNED = signedWith('test');

export type ClientConfig = ReturnType<LocalStack['aws']['clientConfig']>;

/**
 * The whole system as `npm start` runs it (real endpoint, definitions from serverless.yml, real
 * functions, each in a sandbox of its own), with simulated time running fast, and the helpers every
 * end-to-end test uses. One per test file.
 */
export const startE2eStack = async (options: StartLocalStackOptions = {}) => {
  const stack = await startLocalStack({
    port: 0,
    httpPort: 0,
    timeScale: 500,
    stage: 'e2e',
    outputDir: join(tmpdir(), `pso-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`),
    ...options,
  });
  const config = stack.aws.clientConfig();
  const busName = stack.definitions.eventBusName;

  /** Project-bus events of a detail-type, optionally for one request. */
  const results = (detailType: string, requestId?: string): BusEvent[] =>
    stack.aws.events.list({ eventBusName: busName, detailType }).filter((event) => !requestId || event.detail.requestId === requestId);

  /** The first project-bus event for a request that is not the request itself, checked against its schema, once the stack is idle. */
  const resultOf = async (requestId: string, timeoutMs = 60_000): Promise<BusEvent> => {
    const event = await stack.aws.events.waitFor(
      (candidate) =>
        candidate.eventBusName === busName && candidate.detail.requestId === requestId && !candidate['detail-type'].endsWith(' Requested'),
      timeoutMs,
    );
    await stack.settle();
    expectValidEvent(event);
    return event;
  };

  /** Puts one project event (`source: portfolio-share-orchestrator`) on the project bus. */
  const putEvent = async (detailType: string, detail: unknown) => {
    const response = await new EventBridgeClient(config).send(
      new PutEventsCommand({
        Entries: [
          { Source: 'portfolio-share-orchestrator', DetailType: detailType, EventBusName: busName, Detail: JSON.stringify(detail) },
        ],
      }),
    );
    expect(response.FailedEntryCount).toBe(0);
  };

  /** A request to the local HTTP API, signed as the management account (or with `accessKeyId`) unless `signed` is false. */
  const http = async (method: string, path: string, body?: unknown, { signed = true, accessKeyId = 'test' } = {}) => {
    const response = await fetch(`${stack.http.url}${path}`, {
      method,
      headers: { ...(signed ? { authorization: signedWith(accessKeyId) } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  /** Service Catalog as a member account, through its PortfolioShareMemberRole. */
  const memberServiceCatalog = async (accountId: string) => {
    const { Credentials } = await new STSClient(config).send(
      // A role of the test's own in the account, to look at what the account sees (the member roles do one duty each).
      new AssumeRoleCommand({ RoleArn: stack.aws.identity.createRole(accountId, 'E2eInspector').arn, RoleSessionName: 'e2e' }),
    );
    return new ServiceCatalogClient({
      ...config,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });
  };

  /**
   * Points every function at this sharing policy file from the next invocation on, as deploying a
   * new policy does (a configuration update: new sandboxes, the new environment).
   */
  const useSharingPolicy = (path: string) => stack.functions.updateEnvironment({ SHARING_POLICY_PATH: path });

  /** Checks that every project-bus event validates, nothing runs any more and nothing was dead-lettered. */
  const expectCleanEnd = async () => {
    await stack.settle();
    for (const event of stack.aws.events.list({ eventBusName: busName })) expectValidEvent(event);
    expect(stack.stepFunctions.running()).toBe(0);
    expect(stack.router.deadLetters).toEqual([]);
  };

  return { stack, config, results, resultOf, putEvent, http, memberServiceCatalog, useSharingPolicy, expectCleanEnd };
};
export type E2eStack = Awaited<ReturnType<typeof startE2eStack>>;
