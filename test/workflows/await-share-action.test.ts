import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ResourceNotFoundException,
  ServiceCatalogClient,
  ServiceCatalogServiceException,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ShareWorkflowInput } from '../../src/contracts/share.js';
import policies from '../../statemachines/policies.json' with { type: 'json' };
import { useOutcomesTable } from '../support/outcomes-table.js';
import { API_CALLER, usePolicy } from '../support/policy.js';
import { expectValidResultEvent } from '../support/result-events.js';
import { runWorkflow, totalTransitions } from '../support/workflow-harness.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
// The share steps keep their account outcomes in the outcomes table.
useOutcomesTable();
const eventBridge = mockClient(EventBridgeClient);

const FILE = 'await-share-action.asl.json';
const CHECKS = policies.Tuning.ShareActionStatusChecks.value;

// Service Catalog's model defines no AccessDeniedException: the SDK raises its base exception, named by the code.
const accessDenied = () =>
  new ServiceCatalogServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: {},
    message: 'not authorized to perform: servicecatalog:DescribePortfolioShareStatus',
  });

beforeEach(() => {
  serviceCatalog.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
});

describe('await-share-action state machine', () => {
  it('counts an unknown token as pending, doubles its wait up to the cap, and returns the final status', async () => {
    serviceCatalog
      .on(DescribePortfolioShareStatusCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'token not found', $metadata: {} }))
      .resolvesOnce({ Status: 'NOT_STARTED' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: ['210000000000'] } });

    const run = await runWorkflow(FILE, { shareToken: 'share-token-1' });

    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      outcome: 'FINISHED',
      shareToken: 'share-token-1',
      status: { Status: 'COMPLETED', ShareDetails: { SuccessfulShares: ['210000000000'] } },
      checks: 7,
      failure: null,
    });
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand).map((call) => call.args[0].input)).toEqual(
      Array.from({ length: 7 }, () => ({ PortfolioShareToken: 'share-token-1' })),
    );
    // 2, 4, 8, 16, 32 s: four doublings, then the wait stays at the cap.
    expect(run.entered.filter((name) => name === 'Lengthen poll wait')).toHaveLength(4);
    expect(run.entered.filter((name) => name === 'Count status check')).toHaveLength(2);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('gives up after the poll limit of the constants table and says TIMED_OUT', async () => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });

    const run = await runWorkflow(FILE, { shareToken: 'share-token-1' });

    expect(run.error).toBeUndefined();
    expect(run.output).toMatchObject({ outcome: 'TIMED_OUT', status: { Status: 'IN_PROGRESS' }, checks: CHECKS + 1, failure: null });
    expect(serviceCatalog.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(CHECKS + 1);
    // A Standard execution keeps 25,000 history events: the longest wait stays far below.
    expect(run.historyEvents).toBeLessThan(25_000 / 5);
  }, 60_000);

  it('returns a status check that keeps failing as FAILED with its error, for the parent to report', async () => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).rejects(accessDenied());

    const run = await runWorkflow(FILE, { shareToken: 'share-token-1' });

    expect(run.error).toBeUndefined();
    expect(run.output).toMatchObject({
      outcome: 'FAILED',
      checks: 1,
      // Step Functions names an error the service's model does not define after the service's base exception.
      failure: { Error: 'ServiceCatalog.ServiceCatalogException', Cause: expect.stringContaining('not authorized') },
    });
  });
});

describe('share-portfolio with the await-share-action child', () => {
  const request: ShareWorkflowInput = {
    requestId: 'req-1',
    portfolioId: 'port-abcd1234efgh5',
    target: { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' },
    requestedBy: API_CALLER,
  };

  beforeEach(() => {
    usePolicy({
      version: 1,
      portfolios: [{ portfolioId: 'port-abcd1234efgh5', targets: [{ type: 'ORGANIZATIONAL_UNIT', id: 'ou-ab12-cdef3456' }] }],
    });
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    serviceCatalog.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-1' });
  });

  const onlyResult = () => {
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    return expectValidResultEvent(entries[0]);
  };

  // The README's cost table: the share's own transitions stay at 16, the child takes 4 a check and 1 more.
  it.each([1, 2, 5])('costs the share 16 transitions and the child 4 a status check and 1 more (%i checks)', async (checks) => {
    const status = serviceCatalog.on(DescribePortfolioShareStatusCommand);
    for (let check = 1; check < checks; check++) status.resolvesOnce({ Status: 'IN_PROGRESS' });
    status.resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: ['210000000000'] } });

    const run = await runWorkflow('share-portfolio.asl.json', request);

    expect(onlyResult()).toMatchObject({ outcome: 'SUCCEEDED' });
    expect(run.transitions).toBe(16);
    expect(run.children.map((child) => child.transitions)).toEqual([4 * checks + 1]);
    expect(totalTransitions(run)).toBe(17 + 4 * checks);
  });

  it('reports a share whose status never settles as Failed with ShareStatusTimeout', async () => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });

    const run = await runWorkflow('share-portfolio.asl.json', request);

    expect(run.error).toBeUndefined();
    expect(onlyResult()).toMatchObject({
      outcome: 'FAILED',
      shareToken: 'share-token-1',
      failure: {
        error: 'ShareStatusTimeout',
        message: `Share share-token-1 did not reach a final status after ${CHECKS + 1} status checks`,
      },
    });
  }, 60_000);

  it('reports a status check that failed in the child with the error it failed with', async () => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).rejects(accessDenied());

    await runWorkflow('share-portfolio.asl.json', request);

    expect(onlyResult()).toMatchObject({
      outcome: 'FAILED',
      failure: { error: 'ServiceCatalog.ServiceCatalogException', message: expect.stringContaining('not authorized') },
    });
  });
});
