import * as eventBridgeSdk from '@aws-sdk/client-eventbridge';
import * as organizationsSdk from '@aws-sdk/client-organizations';
import * as serviceCatalogSdk from '@aws-sdk/client-service-catalog';
import * as sfnSdk from '@aws-sdk/client-sfn';
import * as stsSdk from '@aws-sdk/client-sts';
import { IDEMPOTENCY_KEY_HEADER, StatesError, type TaskContext, type TaskHandler } from '@portfolio-share-orchestrator/local-aws';

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

interface HeaderedRequest {
  request: { headers?: Record<string, string> };
}
type BuildHandler = (args: HeaderedRequest) => Promise<unknown>;
interface MiddlewareCommand {
  middlewareStack?: { add: (middleware: (next: BuildHandler) => BuildHandler, options: { step: 'build'; name: string }) => void };
}

/**
 * Sends the task call's idempotency key with the request: the endpoint carries out a call that
 * changes something once per key, so a workflow redriven after a restart does not do it twice.
 */
const withIdempotencyKey = <T>(command: T, context: TaskContext | undefined): T => {
  const key = context?.idempotencyKey;
  const stack = (command as MiddlewareCommand).middlewareStack;
  if (key === undefined || !stack) return command;
  stack.add(
    (next) => async (args) => {
      args.request.headers = { ...args.request.headers, [IDEMPOTENCY_KEY_HEADER]: key };
      return next(args);
    },
    { step: 'build', name: 'localIdempotencyKey' },
  );
  return command;
};
type ErrorClass = abstract new (...args: never[]) => Error;

interface ServiceSpec {
  client: keyof IntegrationClients;
  module: SdkModule;
  /** How Step Functions names the service in the errors it raises (the AWS SDK for Java 2.x's service name). */
  errorPrefix: string;
  /** The JavaScript SDK's base class of the service's errors, modelled or not. */
  serviceException: ErrorClass;
}

/** The services SDK integration ARNs name (`arn:aws:states:::aws-sdk:<key>:<action>`). */
const SERVICES: Record<string, ServiceSpec> = {
  servicecatalog: {
    client: 'servicecatalog',
    module: serviceCatalogSdk,
    errorPrefix: 'ServiceCatalog',
    serviceException: serviceCatalogSdk.ServiceCatalogServiceException,
  },
  organizations: {
    client: 'organizations',
    module: organizationsSdk,
    errorPrefix: 'Organizations',
    serviceException: organizationsSdk.OrganizationsServiceException,
  },
  sfn: { client: 'sfn', module: sfnSdk, errorPrefix: 'Sfn', serviceException: sfnSdk.SFNServiceException },
  eventbridge: {
    client: 'eventbridge',
    module: eventBridgeSdk,
    errorPrefix: 'EventBridge',
    serviceException: eventBridgeSdk.EventBridgeServiceException,
  },
  sts: { client: 'sts', module: stsSdk, errorPrefix: 'Sts', serviceException: stsSdk.STSServiceException },
};

/** An error shape as the AWS SDK for Java 2.x names its class: acronyms cased as words, `Fault` as `Exception`, always an `Exception` suffix. */
const javaExceptionName = (shape: string): string => {
  const worded = shape.replace(/[A-Z]+(?=[A-Z][a-z]|\d|$)/g, (run) => `${run.charAt(0)}${run.slice(1).toLowerCase()}`);
  const base = worded.replace(/Fault$/, '');
  return base.endsWith('Exception') ? base : `${base}Exception`;
};

/**
 * The error a failed SDK integration call raises, named as Step Functions names it:
 * `<Service>.<Exception>` for an error the service's API model defines (`ServiceCatalog.InvalidStateException`);
 * `<Service>.<Service>Exception` for one it does not (throttling, `InternalFailure`, `ServiceUnavailable`,
 * `AccessDeniedException` from Service Catalog: `ServiceCatalog.ServiceCatalogException`), as the SDK for
 * Java that runs the integration throws its service's base exception for them; `<Service>.SdkClientException`
 * for a call that got no answer from the service. The cause of an answered call is its message with the
 * service, status code and request id, as Step Functions words it.
 */
const integrationError = (spec: ServiceSpec, error: unknown): StatesError => {
  const failure = error instanceof Error ? error : new Error(String(error));
  const details = failure as Error & { $fault?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const modelled = spec.module[failure.name];
  const isModelled =
    typeof modelled === 'function' && modelled !== spec.serviceException && modelled.prototype instanceof spec.serviceException;
  const fromService = isModelled || (error as object) instanceof spec.serviceException || details.$fault !== undefined;
  const exception = isModelled ? javaExceptionName(failure.name) : fromService ? `${spec.errorPrefix}Exception` : 'SdkClientException';
  const { httpStatusCode, requestId } = details.$metadata ?? {};
  const answered =
    httpStatusCode === undefined ? '' : ` (Service: ${spec.errorPrefix}, Status Code: ${httpStatusCode}, Request ID: ${requestId ?? ''})`;
  return new StatesError(`${spec.errorPrefix}.${exception}`, `${failure.message}${answered}`);
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
  return async (input, context) => {
    try {
      return asStateJson(await client.send(withIdempotencyKey(new Command(input ?? {}), context)));
    } catch (error) {
      throw integrationError(spec, error);
    }
  };
};

/**
 * `events:putEvents`: Detail objects become JSON strings, and a rejected entry fails the task with
 * `EventBridge.FailedEntry` (documented); a refused call is named as the SDK integration names it.
 */
const putEventsIntegration =
  (clients: IntegrationClients): TaskHandler =>
  async (input, context) => {
    const { Entries = [] } = (input ?? {}) as { Entries?: Record<string, unknown>[] };
    const entries = Entries.map((entry) => ({
      ...entry,
      Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail ?? {}),
    }));
    let output: eventBridgeSdk.PutEventsCommandOutput;
    try {
      output = await clients.eventbridge.send(withIdempotencyKey(new eventBridgeSdk.PutEventsCommand({ Entries: entries }), context));
    } catch (error) {
      throw integrationError(SERVICES.eventbridge as ServiceSpec, error);
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
