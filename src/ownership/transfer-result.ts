import { z } from 'zod';
import { now } from '../clock.js';
import { outcomeOf, type RequestFailure, type RequestOutcome } from '../contracts/outcomes.js';
import {
  FoundProducts,
  isPendingStatus,
  OwnershipTransferResultDetail,
  OwnershipTransferWorkflowInput,
  ownershipTransferDetailType,
  ProductProgress,
  type ProductTransfer,
  RefusedOwnershipTransferInput,
} from '../contracts/ownership-transfer.js';
import { parseWith } from '../validation.js';
import { CaughtError, caughtErrorToFailure, type ResultEvent, refusedResultFields } from '../workflow/result-event.js';

/** What one iteration of the batch Map gathered: its products, and the error that stopped it, if any. */
const BatchOutcome = z.object({
  products: z.array(ProductProgress),
  error: CaughtError.optional(),
});

export const SummariseOwnershipTransferInput = z.object({
  /** The request, or the refusal the intake started the workflow with (first: the request would strip its `refused`). */
  request: z.union([RefusedOwnershipTransferInput, OwnershipTransferWorkflowInput]),
  startedAt: z.string(),
  found: FoundProducts.nullish(),
  transfers: z.array(BatchOutcome).nullish(),
  /** Set when a state caught an error that stopped the whole transfer. */
  failure: CaughtError.nullish(),
});
export type SummariseOwnershipTransferInput = z.infer<typeof SummariseOwnershipTransferInput>;

const toTransfer = (product: ProductProgress, batchError: RequestFailure | null): ProductTransfer => {
  const { provisionedProductId, name, recordId } = product;
  if (product.status === 'SUCCEEDED') return { provisionedProductId, name, recordId, status: 'SUCCEEDED' };
  const failure: RequestFailure =
    product.status === 'FAILED'
      ? { error: product.error ?? 'RecordFailed', message: product.message ?? `Record ${recordId ?? ''} ended FAILED` }
      : (batchError ??
        (isPendingStatus(product.status)
          ? {
              error: 'RecordStatusTimeout',
              message: `Record ${recordId ?? ''} was still ${product.status} when the workflow stopped waiting`,
            }
          : { error: 'OwnerChangeNotRequested', message: 'The owner change was never requested' }));
  // A product's outcome names the error; how often a failed batch was tried belongs to the request.
  return { provisionedProductId, name, recordId, status: 'FAILED', error: failure.error, message: failure.message };
};

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const summaryOf = (
  request: OwnershipTransferWorkflowInput,
  products: ProductTransfer[],
  remaining: number,
  failure: RequestFailure | null,
): string => {
  if (failure) return `The transfer failed (${failure.error}): ${failure.message}`;
  if (products.length === 0) {
    return request.fromOwnerArn !== null
      ? `${request.fromOwnerArn} owns no provisioned products in account ${request.accountId}: nothing to transfer.`
      : 'No provisioned product was transferred.';
  }
  const failed = products.filter((product) => product.status === 'FAILED').length;
  const moved = `Transferred ${products.length - failed} of ${plural(products.length, 'provisioned product')} in account ${request.accountId} to ${request.ownerArn}`;
  const failedNote = failed > 0 ? `; ${failed} failed` : '';
  const remainingNote =
    remaining > 0 ? `; ${remaining} more of ${request.fromOwnerArn} remain: send the request again with a new requestId to move them` : '';
  return `${moved}${failedNote}${remainingNote}.`;
};

const toResult = (detail: OwnershipTransferResultDetail): ResultEvent<OwnershipTransferResultDetail> => ({
  detailType: ownershipTransferDetailType(detail.outcome),
  detail: parseWith(OwnershipTransferResultDetail, detail, 'Ownership Transfer result'),
});

/** The result event of a request the intake refused (it did not validate, or its requestId names another request). */
const refusedOwnershipTransferResult = (
  request: RefusedOwnershipTransferInput,
  startedAt: string,
  at: Date,
): ResultEvent<OwnershipTransferResultDetail> =>
  toResult({
    ...refusedResultFields(request, startedAt, at),
    accountId: request.accountId,
    ownerArn: request.ownerArn,
    provisionedProductId: request.provisionedProductId,
    fromOwnerArn: request.fromOwnerArn,
    products: [],
    summary: `The request was refused: ${request.refused.message}`,
  });

/** The one result event of an ownership transfer, with an outcome per product. */
export const summariseOwnershipTransfer = (
  input: SummariseOwnershipTransferInput,
  at = now(),
): ResultEvent<OwnershipTransferResultDetail> => {
  if ('refused' in input.request) return refusedOwnershipTransferResult(input.request, input.startedAt, at);
  const { request } = input;
  const failure = input.failure ? caughtErrorToFailure(input.failure) : null;
  const products = (input.transfers ?? []).flatMap((batch) =>
    batch.products.map((product) => toTransfer(product, batch.error ? caughtErrorToFailure(batch.error) : null)),
  );
  const remaining = input.found?.remaining ?? 0;
  const failed = products.filter((product) => product.status === 'FAILED').length;
  let outcome: RequestOutcome = outcomeOf(products.length - failed, failed, failure);
  // Products left for a later request mean the departing owner still has some.
  if (outcome === 'SUCCEEDED' && remaining > 0) outcome = 'PARTIALLY_SUCCEEDED';

  return toResult({
    requestId: request.requestId,
    outcome,
    accountId: request.accountId,
    ownerArn: request.ownerArn,
    provisionedProductId: request.provisionedProductId,
    fromOwnerArn: request.fromOwnerArn,
    requestedBy: request.requestedBy,
    products,
    summary: summaryOf(request, products, remaining, failure),
    failure,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: at.toISOString(),
  });
};
