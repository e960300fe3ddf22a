import * as eventBridgeSdk from '@aws-sdk/client-eventbridge';
import * as organizationsSdk from '@aws-sdk/client-organizations';
import * as serviceCatalogSdk from '@aws-sdk/client-service-catalog';
import * as sfnSdk from '@aws-sdk/client-sfn';
import * as stsSdk from '@aws-sdk/client-sts';
// Failures carry the name Step Functions gives them (`ServiceCatalog.InvalidStateException`).
import { StatesError, type TaskHandler } from '@portfolio-share-orchestrator/local-aws';

export type { TaskHandler };

/** The clients SDK integrations call; the local runtime points them at the local endpoint, tests at mocks. */
export interface IntegrationClients {
  servicecatalog: serviceCatalogSdk.ServiceCatalogClient;
  organizations: organizationsSdk.OrganizationsClient;
  sfn: sfnSdk.SFNClient;
  eventbridge: eventBridgeSdk.EventBridgeClient;
  sts: stsSdk.STSClient;
}

type SdkModule = Record<string, unknown>;
type Sendable = { send: (command: unknown) => Promise<unknown> };

/** How Step Functions names a service in SDK integration ARNs and in the errors it raises. */
const SERVICES: Record<string, { client: keyof IntegrationClients; module: SdkModule; errorPrefix: string }> = {
  servicecatalog: { client: 'servicecatalog', module: serviceCatalogSdk, errorPrefix: 'ServiceCatalog' },
  organizations: { client: 'organizations', module: organizationsSdk, errorPrefix: 'Organizations' },
  sfn: { client: 'sfn', module: sfnSdk, errorPrefix: 'Sfn' },
  eventbridge: { client: 'eventbridge', module: eventBridgeSdk, errorPrefix: 'EventBridge' },
  sts: { client: 'sts', module: stsSdk, errorPrefix: 'Sts' },
};

export class UnsupportedResourceError extends Error {
  override name = 'UnsupportedResourceError';
}

/** JSON as Step Functions passes it on: no SDK metadata, dates as ISO strings. */
const asStateJson = (output: unknown): unknown => {
  const { $metadata: _metadata, ...rest } = (output ?? {}) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest));
};

const SDK_RESOURCE = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/;
export const PUT_EVENTS_RESOURCE = 'arn:aws:states:::events:putEvents';

const sdkIntegration = (clients: IntegrationClients, service: string, action: string): TaskHandler => {
  const spec = SERVICES[service];
  if (!spec) throw new UnsupportedResourceError(`No local binding for aws-sdk service ${service}`);
  const commandName = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
  const Command = spec.module[commandName] as (new (input: unknown) => unknown) | undefined;
  if (!Command) throw new UnsupportedResourceError(`@aws-sdk has no ${commandName} for ${service}`);
  const client = clients[spec.client] as unknown as Sendable;
  return async (input) => {
    try {
      return asStateJson(await client.send(new Command(input ?? {})));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Exception';
      const message = error instanceof Error ? error.message : String(error);
      throw new StatesError(`${spec.errorPrefix}.${name}`, message);
    }
  };
};

/** `events:putEvents`: Detail objects become JSON strings, and a rejected entry fails the task. */
const putEventsIntegration =
  (clients: IntegrationClients): TaskHandler =>
  async (input) => {
    const { Entries = [] } = (input ?? {}) as { Entries?: Record<string, unknown>[] };
    const entries = Entries.map((entry) => ({
      ...entry,
      Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail ?? {}),
    }));
    let output: eventBridgeSdk.PutEventsCommandOutput;
    try {
      output = await clients.eventbridge.send(new eventBridgeSdk.PutEventsCommand({ Entries: entries }));
    } catch (error) {
      throw new StatesError(`EventBridge.${error instanceof Error ? error.name : 'Exception'}`, String(error));
    }
    if ((output.FailedEntryCount ?? 0) > 0) {
      throw new StatesError('EventBridge.FailedEntry', JSON.stringify(output.Entries));
    }
    return asStateJson(output);
  };

/** The local handler of an SDK or optimised integration resource, or undefined for other resources. */
export const integrationFor = (clients: IntegrationClients, resource: string): TaskHandler | undefined => {
  if (resource === PUT_EVENTS_RESOURCE) return putEventsIntegration(clients);
  const sdk = SDK_RESOURCE.exec(resource);
  return sdk ? sdkIntegration(clients, sdk[1] as string, sdk[2] as string) : undefined;
};
