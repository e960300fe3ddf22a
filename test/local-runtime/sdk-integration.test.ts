// The error a failed SDK integration raises, named as Step Functions names it, since the state
// machines' Retry and Catch match on those names.

import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AWSOrganizationsNotInUseException, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreatePortfolioShareCommand,
  InvalidStateException,
  ServiceCatalogClient,
  ServiceCatalogServiceException,
} from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { integrationFor } from '../../local/runtime/sdk-integration.js';

const serviceCatalog = mockClient(ServiceCatalogClient);
const organizations = mockClient(OrganizationsClient);

afterEach(() => {
  serviceCatalog.reset();
  organizations.reset();
});

const clients = {
  servicecatalog: new ServiceCatalogClient({ region: 'us-east-1' }),
  organizations: new OrganizationsClient({ region: 'us-east-1' }),
  sfn: new SFNClient({ region: 'us-east-1' }),
  eventbridge: new EventBridgeClient({ region: 'us-east-1' }),
  sts: new STSClient({ region: 'us-east-1' }),
};

const failureOf = async (resource: string) => {
  const integration = integrationFor(clients, resource);
  const failure = await integration?.({ PortfolioId: 'port-abcd1234efgh5', AccountId: '210987654321' }).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  return { error: failure?.name, cause: failure?.message };
};

const CREATE_SHARE = 'arn:aws:states:::aws-sdk:servicecatalog:createPortfolioShare';

describe('SDK integration errors', () => {
  it('names an error the API model defines <Service>.<Exception>', async () => {
    serviceCatalog
      .on(CreatePortfolioShareCommand)
      .rejects(
        new InvalidStateException({ message: 'Cannot process more than one portfolio share action at the same time.', $metadata: {} }),
      );

    expect(await failureOf(CREATE_SHARE)).toEqual({
      error: 'ServiceCatalog.InvalidStateException',
      cause: 'Cannot process more than one portfolio share action at the same time.',
    });
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded', 400],
    ['InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500],
    ['ServiceUnavailable', 'Service is unavailable', 503],
    ['AccessDeniedException', 'User is not authorized to perform: servicecatalog:CreatePortfolioShare', 400],
  ])(
    'names %s, which the API model does not define, after the service: ServiceCatalog.ServiceCatalogException',
    async (code, message, status) => {
      serviceCatalog.on(CreatePortfolioShareCommand).rejects(
        new ServiceCatalogServiceException({
          name: code,
          $fault: status >= 500 ? 'server' : 'client',
          $metadata: { httpStatusCode: status, requestId: 'req-0001' },
          message,
        }),
      );

      expect(await failureOf(CREATE_SHARE)).toEqual({
        error: 'ServiceCatalog.ServiceCatalogException',
        cause: `${message} (Service: ServiceCatalog, Status Code: ${status}, Request ID: req-0001)`,
      });
    },
  );

  it('names an error shape as the SDK for Java does, acronyms cased as words', async () => {
    organizations.on(ListRootsCommand).rejects(new AWSOrganizationsNotInUseException({ message: 'not in use', $metadata: {} }));

    expect((await failureOf('arn:aws:states:::aws-sdk:organizations:listRoots')).error).toBe(
      'Organizations.AwsOrganizationsNotInUseException',
    );
  });

  it('names a call the service never answered <Service>.SdkClientException', async () => {
    serviceCatalog.on(CreatePortfolioShareCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

    expect(await failureOf(CREATE_SHARE)).toEqual({ error: 'ServiceCatalog.SdkClientException', cause: 'socket hang up' });
  });
});
