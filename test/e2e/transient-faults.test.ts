import { DeregisterDelegatedAdministratorCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DisableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { GetExecutionHistoryCommand, type HistoryEvent, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { KnobSettings } from '@portfolio-share-orchestrator/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptsBefore } from '../../src/workflow/retry-budgets.js';
import { type E2eStack, startE2eStack } from '../support/e2e-stack.js';

// Concurrent share requests on a local AWS endpoint that throttles, fails some calls and refuses
// changes while others run: the workflows retry within their budgets (docs/operations.md#retry-budgets),
// so every request ends SUCCEEDED. Simulated time runs 50× faster here, not the usual 500×: the
// endpoint's token buckets refill in real time, so a slower clock keeps the retries' waits (in
// simulated time) long enough for the buckets to refill, as minutes of waiting would in AWS.
let e2e: E2eStack;

const DATABASES = 'port-databases0001';
const NETWORKING = 'port-networkvpc001';
const PIPELINES = 'port-cicdpipeline1';
/** Targets each portfolio's policy allows a request to share with; every account below them has the member roles. */
const TARGETS: Record<string, string[]> = {
  [DATABASES]: ['ou-ex12-prodwork', 'ou-ex12-devwork1', 'ou-ex12-workload', 'ou-ex12-security'],
  [NETWORKING]: ['ou-ex12-workload', 'ou-ex12-prodwork', 'ou-ex12-devwork1'],
  [PIPELINES]: ['ou-ex12-workload'],
};

beforeAll(async () => {
  e2e = await startE2eStack({ timeScale: 50 });
}, 120_000);

afterAll(async () => {
  await e2e?.stack.close();
});

/** `count` share requests over HTTP at once, spread over the portfolios and their targets. */
const shareAtOnce = async (prefix: string, count: number, portfolios: string[]) => {
  const requests = Array.from({ length: count }, (_, index) => {
    const portfolioId = portfolios[index % portfolios.length] as string;
    const targets = TARGETS[portfolioId] as string[];
    return {
      portfolioId,
      target: { type: 'ORGANIZATIONAL_UNIT', id: targets[Math.floor(index / portfolios.length) % targets.length] as string },
      requestId: `${prefix}-${index}`,
    };
  });
  const accepted = await Promise.all(requests.map((request) => e2e.http('POST', '/shares', request)));
  expect(accepted.map((response) => response.status)).toEqual(requests.map(() => 202));
  return Promise.all(requests.map((request) => e2e.resultOf(request.requestId, 120_000)));
};

/** How often each error failed a try of a state, over the share executions of these requests. */
const failedTries = async (prefix: string): Promise<Record<string, number>> => {
  const sfn = new SFNClient(e2e.config);
  const { executions = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: e2e.stack.stateMachineArns.sharePortfolio, maxResults: 1000 }),
  );
  const counts: Record<string, number> = {};
  for (const execution of executions.filter((candidate) => candidate.name?.startsWith(prefix))) {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken, maxResults: 1000 }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const event of events) {
      const error = event.taskFailedEventDetails?.error ?? event.lambdaFunctionFailedEventDetails?.error;
      if (error) counts[error] = (counts[error] ?? 0) + 1;
    }
  }
  return counts;
};

/** Runs `run` with these endpoint knobs on top of the fixture's, then puts the fixture's back. */
const withKnobs = async <T>(settings: Partial<KnobSettings>, run: () => Promise<T>): Promise<T> => {
  const { knobs } = e2e.stack.aws;
  const before = knobs.settings();
  knobs.apply(settings);
  try {
    return await run();
  } finally {
    knobs.reset();
    knobs.apply(before);
  }
};

const errorsOf = (operation: string): Record<string, number> =>
  e2e.stack.aws.stats().operations.find((entry) => entry.service === 'servicecatalog' && entry.operation === operation)?.errors ?? {};

describe('share requests under transient faults', () => {
  it('shares every one of 24 concurrent requests while Service Catalog throttles the share calls and fails half the reads of a step', async () => {
    const settings = {
      // The hub's share actions and status checks: a seeded third of them throttled, however fast the
      // machine sends them (a token bucket refills in real time, so a slow run would meet none).
      throttling: {
        'servicecatalog:CreatePortfolioShare': { fraction: 0.3 },
        'servicecatalog:DescribePortfolioShareStatus': { fraction: 0.3 },
        'servicecatalog:GetAWSOrganizationsAccessStatus': { fraction: 0.3 },
      },
      // A read only the workflow's authorize step makes (the pipelines share principals): half of them fail.
      faults: { 'servicecatalog:ListPrincipalsForPortfolio': { rate: 0.5 } },
    };
    const results = await withKnobs(settings, () => shareAtOnce('e2e-faults', 24, [DATABASES, NETWORKING, PIPELINES]));

    expect(results.map((result) => [result.detail.requestId, result['detail-type'], result.detail.failure])).toEqual(
      results.map((result) => [result.detail.requestId, 'Portfolio Share Succeeded', null]),
    );
    // The faults were there, and many outlasted the SDK's own tries: every try the workflows saw fail
    // failed with an error they retry, and their retries outlasted it.
    expect(errorsOf('CreatePortfolioShare')).toMatchObject({ ThrottlingException: expect.any(Number) });
    expect(errorsOf('ListPrincipalsForPortfolio')).toMatchObject({ InternalFailure: expect.any(Number) });
    const failed = await failedTries('e2e-faults');
    expect(failed['ServiceCatalog.ServiceCatalogException']).toBeGreaterThan(0);
    expect(Object.keys(failed).filter((error) => attemptsBefore(error) === undefined)).toEqual([]);
  }, 180_000);

  it('shares every one of 12 concurrent requests that meet Organizations access while another is enabling it', async () => {
    const serviceCatalog = new ServiceCatalogClient(e2e.config);
    for (const admin of e2e.stack.aws.fixture.organization.delegatedAdministrators ?? []) {
      await new OrganizationsClient(e2e.config).send(
        new DeregisterDelegatedAdministratorCommand({ AccountId: admin.accountId, ServicePrincipal: admin.servicePrincipal }),
      );
    }
    await serviceCatalog.send(new DisableAWSOrganizationsAccessCommand({}));
    e2e.stack.aws.clock.advance(60_000);
    expect((await serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus).toBe('DISABLED');
    const refusedBefore = errorsOf('EnableAWSOrganizationsAccess').InvalidStateException ?? 0;
    // Each request finds access off and may enable it (the demo policy allows that). The change takes a
    // simulated minute, and an enable a real second to be handled, so the requests that read DISABLED
    // before the first enable was handled try to enable it while it is UNDER_CHANGE.
    const { accessChangeMs } = e2e.stack.aws.serviceCatalog.knobs;
    e2e.stack.aws.serviceCatalog.setKnobs({ accessChangeMs: 60_000 });
    const results = await withKnobs({ latency: { 'servicecatalog:EnableAWSOrganizationsAccess': 1000 } }, () =>
      shareAtOnce('e2e-enabling', 12, [DATABASES, NETWORKING]),
    ).finally(() => e2e.stack.aws.serviceCatalog.setKnobs({ accessChangeMs }));

    expect(results.map((result) => result['detail-type'])).toEqual(results.map(() => 'Portfolio Share Succeeded'));
    expect(errorsOf('EnableAWSOrganizationsAccess').InvalidStateException ?? 0).toBeGreaterThan(refusedBefore);
    expect((await serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus).toBe('ENABLED');
  }, 180_000);

  it('validates every event on the project bus against its schema and leaves nothing running', async () => {
    await e2e.expectCleanEnd();
  });
});
