import {
  DescribeProvisionedProductCommand,
  SearchProvisionedProductsCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import policies from '../../statemachines/policies.json' with { type: 'json' };
import type { MemberServiceCatalog } from '../aws/member-session.js';
import { chunk } from '../concurrency.js';
import { type FoundProducts, OwnershipTransferWorkflowInput, type ProductRef } from '../contracts/ownership-transfer.js';
import { ProvisionedProductNotFoundError } from '../errors.js';

/** Products one invocation changes (statemachines/policies.json, beside the batches' concurrency). */
export const TRANSFER_BATCH_SIZE = policies.Tuning.OwnerChangeBatchSize.value;
/** Keeps the execution's state (every product with its record and outcome) far below the 256 KiB payload limit. */
export const MAX_PRODUCTS_PER_TRANSFER = 500;

export const FindProductsInput = z.object({ request: OwnershipTransferWorkflowInput });
export type FindProductsInput = z.infer<typeof FindProductsInput>;

export interface FindProductsDependencies {
  memberServiceCatalog: MemberServiceCatalog;
  batchSize?: number;
  maxProducts?: number;
}

const describeOne = async (client: ServiceCatalogClient, id: string, accountId: string): Promise<ProductRef> => {
  try {
    const { ProvisionedProductDetail: detail } = await client.send(new DescribeProvisionedProductCommand({ Id: id }));
    return { provisionedProductId: detail?.Id ?? id, name: detail?.Name ?? '' };
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      throw new ProvisionedProductNotFoundError(`Provisioned product ${id} was not found in account ${accountId}`, { cause: error });
    }
    throw error;
  }
};

/** Every provisioned product of the account whose owner is `ownerArn`, all pages. */
const ownedBy = async (client: ServiceCatalogClient, ownerArn: string): Promise<ProductRef[]> => {
  const owned: ProductRef[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.send(
      new SearchProvisionedProductsCommand({
        AccessLevelFilter: { Key: 'Account', Value: 'self' },
        Filters: { SearchQuery: [`userArn:${ownerArn}`] },
        PageSize: 100,
        PageToken: pageToken,
      }),
    );
    for (const product of page.ProvisionedProducts ?? []) {
      // The search is full text; only an exact owner counts (IAM names are unique regardless of case).
      if (product.Id && product.UserArn?.toLowerCase() === ownerArn.toLowerCase()) {
        owned.push({ provisionedProductId: product.Id, name: product.Name ?? '' });
      }
    }
    pageToken = page.NextPageToken || undefined;
  } while (pageToken);
  return owned;
};

/**
 * The provisioned products a transfer moves, in batches: the one product named, or every product the
 * departing owner has in the account (seen through the member role, which has account-level access).
 */
export const findProvisionedProducts = async (
  { request }: FindProductsInput,
  dependencies: FindProductsDependencies,
): Promise<FoundProducts> => {
  const client = await dependencies.memberServiceCatalog(request.accountId);
  const products =
    request.provisionedProductId !== null
      ? [await describeOne(client, request.provisionedProductId, request.accountId)]
      : await ownedBy(client, request.fromOwnerArn ?? '');
  const taken = products.slice(0, dependencies.maxProducts ?? MAX_PRODUCTS_PER_TRANSFER);
  return {
    count: taken.length,
    remaining: products.length - taken.length,
    batches: chunk(taken, dependencies.batchSize ?? TRANSFER_BATCH_SIZE),
  };
};
