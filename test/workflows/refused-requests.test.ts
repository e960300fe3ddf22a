import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { takeAccountEvent } from '../../src/onboarding/account-intake.js';
import { takeOwnershipTransferRequestEvent } from '../../src/ownership/ownership-intake.js';
import { takeShareRequestEvent } from '../../src/share/share-intake.js';
import { takeUnshareRequestEvent } from '../../src/unshare/unshare-intake.js';
import type { RequestEnvelope, RequestEventDependencies } from '../../src/workflow/request-event.js';
import { fakeExecutions } from '../support/fake-executions.js';
import { useOutcomesTable } from '../support/outcomes-table.js';
import { usePolicy } from '../support/policy.js';
import { expectValidEvent } from '../support/result-events.js';
import { ACCOUNT, runWorkflow } from '../support/workflow-harness.js';

// A request (or account event) its intake refused runs the workflow only to be reported: from the
// refused input the real intake starts, through the real ASL and handlers, to the one Failed result,
// with no AWS call made.

const sfn = mockClient(SFNClient);
// The share steps keep their account outcomes in the outcomes table.
useOutcomesTable();
const eventBridge = mockClient(EventBridgeClient);
const serviceCatalog = mockClient(ServiceCatalogClient);
const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);

const ROOT = join(import.meta.dirname, '..', '..');
const ajv = new Ajv2020({ allErrors: true, strict: false });
const emitted = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

beforeEach(() => {
  usePolicy({ version: 1, portfolios: [{ portfolioId: 'port-abcd1234efgh5', targets: [{ type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }] }] });
  for (const client of [sfn, eventBridge, serviceCatalog, organizations, sts]) client.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'result-1' }] });
});

const EVENT_ID = 'c0ffee00-0000-4000-8000-00000000a001';

const cases: {
  workflow: string;
  take: (event: RequestEnvelope, dependencies: RequestEventDependencies) => Promise<unknown>;
  /** The event's source: the project's own for requests. */
  source?: string;
  detail: Record<string, unknown>;
  /** The request id the refusal reports: the request's own, or (account events) the event id. */
  requestId?: string;
  failed: string;
  message: string;
  fields: Record<string, unknown>;
}[] = [
  {
    workflow: 'share-portfolio',
    take: takeShareRequestEvent,
    detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5', scope: 'all' }, requestId: 'bad-1' },
    failed: 'Portfolio Share Failed',
    message: 'target: Unrecognized key: "scope"',
    fields: { portfolioId: 'port-abcd1234efgh5', target: null, options: null, sharedAccounts: [] },
  },
  {
    workflow: 'unshare-portfolio',
    take: takeUnshareRequestEvent,
    detail: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }, requestId: 'bad-1', force: true },
    failed: 'Portfolio Unshare Failed',
    message: 'Unrecognized key: "force"',
    fields: { portfolioId: 'port-abcd1234efgh5', target: { type: 'ORGANIZATION', id: 'o-a1b2c3d4e5' }, unsharedAccounts: [] },
  },
  {
    workflow: 'transfer-ownership',
    take: takeOwnershipTransferRequestEvent,
    detail: {
      accountId: '333333333333',
      ownerArn: 'arn:aws:iam::333333333333:group/Admins',
      provisionedProductId: 'pp-1',
      requestId: 'bad-1',
    },
    failed: 'Ownership Transfer Failed',
    message: 'ownerArn: must be an IAM user or role ARN',
    fields: { accountId: '333333333333', ownerArn: 'arn:aws:iam::333333333333:group/Admins', products: [] },
  },
  {
    workflow: 'onboard-account',
    take: takeAccountEvent,
    source: 'aws.organizations',
    detail: {
      eventName: 'MoveAccount',
      requestParameters: { accountId: '12', sourceParentId: 'r-a1b2', destinationParentId: 'ou-a1b2-c3d4e5f6' },
    },
    requestId: EVENT_ID,
    failed: 'Account Onboarding Failed',
    message: 'requestParameters.accountId: must be a 12-digit AWS account id',
    fields: { accountId: null, organizationalUnitPath: [], portfolios: [], removedShares: [] },
  },
  {
    workflow: 'onboard-account',
    take: takeAccountEvent,
    source: 'aws.organizations',
    detail: { eventName: 'RemoveAccountFromOrganization', requestParameters: {} },
    requestId: EVENT_ID,
    failed: 'Account Offboarding Failed',
    message: 'requestParameters.accountId',
    fields: { accountId: null, eventName: 'RemoveAccountFromOrganization', removedShares: [], keptShares: [] },
  },
];

describe.each(cases)('$workflow with the refusal its intake started it with ($failed)', (refusal) => {
  const { workflow, take, detail, failed, message, fields, requestId = 'bad-1' } = refusal;
  const machine = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${workflow}`;
  const event = {
    id: EVENT_ID,
    account: ACCOUNT,
    source: refusal.source ?? 'portfolio-share-orchestrator',
    'detail-type': 'AWS API Call via CloudTrail',
    time: '2026-12-01T00:00:00Z',
    detail,
  };

  const refusedInput = async () => {
    const executions = fakeExecutions(sfn);
    await take(event, { sfn: new SFNClient({}), stateMachineArn: machine });
    const [execution] = [...executions.values()];
    return execution?.input;
  };

  it('is an input the published workflow input schema takes', async () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'workflows', `${workflow}.input.schema.json`), 'utf8')) as { $id: string };
    // Two cases share the onboarding workflow: its schema is compiled once.
    const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);

    expect(validate(await refusedInput()), JSON.stringify(validate.errors)).toBe(true);
  });

  it(`ends in one ${failed} naming the problem, skipping every step that acts, with the result as its output`, async () => {
    const run = await runWorkflow(`${workflow}.asl.json`, await refusedInput(), { executionName: requestId });

    expect(run.error).toBeUndefined();
    expect(run.entered.slice(1, 3)).toEqual(['Was the request refused at intake?', expect.stringMatching(/^Summarise /)]);
    expect(run.entered.some((state) => /^(Authorize|Plan) /.test(state))).toBe(false);
    const [entry, ...more] = emitted();
    expect(more).toEqual([]);
    expect(entry?.DetailType).toBe(failed);
    const result = JSON.parse(entry?.Detail ?? '{}');
    expectValidEvent({ source: entry?.Source ?? '', 'detail-type': failed, detail: result });
    expect(result).toMatchObject({
      requestId,
      outcome: 'FAILED',
      requestedBy: { type: 'event', accountId: ACCOUNT, eventId: event.id },
      failure: { error: 'ValidationError' },
      ...fields,
    });
    expect(result.failure.message).toContain(message);
    expect(run.output).toEqual(result);
    for (const client of [serviceCatalog, organizations, sts]) expect(client.calls()).toEqual([]);
  });
});

describe('onboard-account with a refusal whose summary fails', () => {
  it('still ends in one Account Offboarding Failed for a departure event: the fallback reads what the refusal carries', async () => {
    const executions = fakeExecutions(sfn);
    const machine = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:onboard-account`;
    const departure = {
      id: EVENT_ID,
      account: ACCOUNT,
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      time: '2026-12-01T00:00:00Z',
      detail: { eventName: 'LeaveOrganization', userIdentity: {} },
    };
    await takeAccountEvent(departure, { sfn: new SFNClient({}), stateMachineArn: machine });

    const run = await runWorkflow('onboard-account.asl.json', [...executions.values()][0]?.input, {
      executionName: EVENT_ID,
      overrides: {
        'Summarise onboarding': async () => {
          throw Object.assign(new Error('summary crashed'), { name: 'Error' });
        },
      },
    });

    expect(run.entered.slice(-2)).toEqual(['Emit fallback offboarding failure', 'Onboarding not summarised']);
    const [entry, ...more] = emitted();
    expect(more).toEqual([]);
    expect(entry?.DetailType).toBe('Account Offboarding Failed');
    const result = JSON.parse(entry?.Detail ?? '{}');
    expectValidEvent({ source: entry?.Source ?? '', 'detail-type': 'Account Offboarding Failed', detail: result });
    expect(result).toMatchObject({ requestId: EVENT_ID, accountId: null, eventName: 'LeaveOrganization', failure: { error: 'Error' } });
  });
});
