import { createHash } from 'node:crypto';
import {
  DescribeRecordCommand,
  type ServiceCatalogClient,
  UpdateProvisionedProductPropertiesCommand,
} from '@aws-sdk/client-service-catalog';
import { z } from 'zod';
import type { MemberServiceCatalog } from '../aws/member-session.js';
import { mapWithConcurrency } from '../concurrency.js';
import { isPendingStatus, OwnershipTransferWorkflowInput, ProductProgress } from '../contracts/ownership-transfer.js';
import { describeError } from '../errors.js';

/** One batch of products of one transfer: the input of the owner-change functions. */
export const OwnerChangeBatch = z.object({
  request: OwnershipTransferWorkflowInput,
  products: z.array(ProductProgress).min(1),
});
export type OwnerChangeBatch = z.infer<typeof OwnerChangeBatch>;

export interface OwnerChangeProgress {
  products: ProductProgress[];
  /** Whether a record has not reached a final status yet: the state machine waits and asks again. */
  pending: boolean;
}

export interface OwnerChangeDependencies {
  memberServiceCatalog: MemberServiceCatalog;
  /** Calls in flight at once inside one invocation. */
  concurrency?: number;
}

/**
 * The IdempotencyToken of one product's owner change in one request: the same on every retry (of the
 * function, the state, or a redelivered request), so Service Catalog answers a repeat with the first
 * record instead of applying it twice. Hashed to fit the token's 128 characters and pattern.
 */
export const idempotencyTokenFor = (requestId: string, provisionedProductId: string): string =>
  createHash('sha256').update(`${requestId}\n${provisionedProductId}`).digest('hex');

const progressOf = (products: ProductProgress[]): OwnerChangeProgress => ({
  products,
  pending: products.some((product) => isPendingStatus(product.status)),
});

const withinBatch = async (
  batch: OwnerChangeBatch,
  dependencies: OwnerChangeDependencies,
  change: (client: ServiceCatalogClient, product: ProductProgress, request: OwnershipTransferWorkflowInput) => Promise<ProductProgress>,
): Promise<OwnerChangeProgress> => {
  // An unavailable member role fails the whole invocation: the state machine reports the batch.
  const client = await dependencies.memberServiceCatalog(batch.request.accountId);
  const products = await mapWithConcurrency(batch.products, dependencies.concurrency ?? 5, (product) =>
    change(client, product, batch.request),
  );
  return progressOf(products);
};

/** UpdateProvisionedProductProperties `OWNER` for each product of the batch; a refused product is reported, not thrown. */
export const requestOwnerChanges = (batch: OwnerChangeBatch, dependencies: OwnerChangeDependencies): Promise<OwnerChangeProgress> =>
  withinBatch(batch, dependencies, async (client, product, request) => {
    try {
      const updated = await client.send(
        new UpdateProvisionedProductPropertiesCommand({
          ProvisionedProductId: product.provisionedProductId,
          ProvisionedProductProperties: { OWNER: request.ownerArn },
          IdempotencyToken: idempotencyTokenFor(request.requestId, product.provisionedProductId),
        }),
      );
      const status = updated.Status ?? 'CREATED';
      return {
        ...product,
        recordId: updated.RecordId ?? null,
        status,
        ...(status === 'FAILED' ? { error: 'RecordFailed', message: `Record ${updated.RecordId ?? ''} ended FAILED` } : {}),
      };
    } catch (error) {
      return { ...product, recordId: null, status: 'FAILED', ...describeError(error) };
    }
  });

/** DescribeRecord for each product whose record is not final yet; final ones pass through unchanged. */
export const describeOwnerChangeRecords = (batch: OwnerChangeBatch, dependencies: OwnerChangeDependencies): Promise<OwnerChangeProgress> =>
  withinBatch(batch, dependencies, async (client, product) => {
    if (!isPendingStatus(product.status) || product.recordId === null) return product;
    try {
      const { RecordDetail: record } = await client.send(new DescribeRecordCommand({ Id: product.recordId }));
      const status = record?.Status ?? product.status;
      if (status !== 'FAILED') return { ...product, status };
      const errors = record?.RecordErrors ?? [];
      return {
        ...product,
        status,
        error: errors[0]?.Code || 'RecordFailed',
        message:
          errors
            .map((error) => error.Description)
            .filter(Boolean)
            .join('; ') || `Record ${product.recordId} ended FAILED`,
      };
    } catch (error) {
      // A record just written may not be visible yet: ask again on the next round.
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return product;
      return { ...product, status: 'FAILED', ...describeError(error) };
    }
  });
