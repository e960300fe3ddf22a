import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';

// One client per service and container. Factories rather than module-level instances so that each
// function bundle holds only the clients its handler calls. Endpoints follow AWS_ENDPOINT_URL,
// which is how the local stack points them at the local AWS endpoint.
const once = <T>(create: () => T): (() => T) => {
  let instance: T | undefined;
  return () => (instance ??= create());
};

export const serviceCatalogClient = once(() => new ServiceCatalogClient({}));
export const organizationsClient = once(() => new OrganizationsClient({}));
export const sfnClient = once(() => new SFNClient({}));
export const stsClient = once(() => new STSClient({}));
export const dynamoDbClient = once(() => new DynamoDBClient({}));
