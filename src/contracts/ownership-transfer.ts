import { z } from 'zod';
import { DetailType, resultDetailsOf } from './events.js';
import { AccountId, RequestId } from './identifiers.js';
import { RequestFailure, RequestOutcome } from './outcomes.js';
import { RefusedRequest } from './refused-request.js';
import { RequestedBy } from './requested-by.js';

/** `Id` in the Service Catalog model: 1-100 letters, digits, `_` and `-` (e.g. pp-abcd1234efgh5). */
export const ProvisionedProductId = z.string().regex(/^[a-zA-Z0-9_-]{1,100}$/, 'must be a provisioned product id such as pp-abcd1234efgh5');

// IAM identifiers (IAM API reference): a path is `/` or `/…/` of printable ASCII, at most 512
// characters; user and role names are 1-64 of letters, digits and + = , . @ _ -.
const IAM_PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):(?:user|role)(\/(?:[\u0021-\u007E]+\/)?)[\w+=,.@-]{1,64}$/;
const MAX_PATH_LENGTH = 512;

/** The account id of an IAM user or role ARN, or null when the value is not one. */
export const iamPrincipalAccount = (arn: string): string | null => {
  const match = IAM_PRINCIPAL_ARN.exec(arn);
  if (!match?.[1] || (match[2]?.length ?? 0) > MAX_PATH_LENGTH) return null;
  return match[1];
};

/** An IAM user or role ARN (`arn:<partition>:iam::<account>:user|role/<path/>name`): what Service Catalog takes as OWNER. */
export const IamPrincipalArn = z
  .string()
  .max(2048)
  .regex(
    IAM_PRINCIPAL_ARN,
    'must be an IAM user or role ARN such as arn:aws:iam::111122223333:user/name or arn:aws:iam::111122223333:role/path/name',
  )
  .refine((arn) => iamPrincipalAccount(arn) !== null, { message: `must have an IAM path of at most ${MAX_PATH_LENGTH} characters` });

/**
 * An ownership transfer request: the `detail` of an `Ownership Transfer Requested` event, or the body
 * of `PUT /provisioned-products/{id}/owner` with the id from the path. Exactly one of
 * `provisionedProductId` (one product) and `fromOwnerArn` (every product that owner has in the
 * account) says what moves; the owners are IAM users or roles of `accountId`.
 */
export const OwnershipTransferRequest = z
  .object({
    accountId: AccountId,
    ownerArn: IamPrincipalArn,
    provisionedProductId: ProvisionedProductId.optional(),
    fromOwnerArn: IamPrincipalArn.optional(),
    requestId: RequestId.optional(),
  })
  .strict()
  .superRefine((request, context) => {
    const issue = (field: string, message: string) => context.addIssue({ code: 'custom', path: [field], message });
    for (const field of ['ownerArn', 'fromOwnerArn'] as const) {
      const arn = request[field];
      const account = arn === undefined ? null : iamPrincipalAccount(arn);
      if (account !== null && account !== request.accountId) {
        issue(field, `must be an IAM user or role of account ${request.accountId} (accountId), not of account ${account}`);
      }
    }
    if (request.provisionedProductId !== undefined && request.fromOwnerArn !== undefined) {
      issue('fromOwnerArn', 'cannot be given with provisionedProductId: transfer one product, or every product of fromOwnerArn');
    }
    if (request.provisionedProductId === undefined && request.fromOwnerArn === undefined) {
      issue('provisionedProductId', 'is required unless fromOwnerArn names the owner whose products all move');
    }
    if (request.fromOwnerArn !== undefined && request.fromOwnerArn === request.ownerArn) {
      issue('fromOwnerArn', 'is the same as ownerArn: there is nothing to transfer');
    }
  });
export type OwnershipTransferRequest = z.infer<typeof OwnershipTransferRequest>;

/** The input of the transfer-ownership state machine, as the intake step builds it. */
export const OwnershipTransferWorkflowInput = z.object({
  requestId: RequestId,
  accountId: AccountId,
  ownerArn: IamPrincipalArn,
  provisionedProductId: ProvisionedProductId.nullable(),
  fromOwnerArn: IamPrincipalArn.nullable(),
  requestedBy: RequestedBy,
});
export type OwnershipTransferWorkflowInput = z.infer<typeof OwnershipTransferWorkflowInput>;

/** The transfer workflow's input for a refused request: the request's fields as it sent them, where they are strings (null otherwise). */
export const RefusedOwnershipTransferInput = RefusedRequest.extend({
  accountId: z.string().nullable(),
  ownerArn: z.string().nullable(),
  provisionedProductId: z.string().nullable(),
  fromOwnerArn: z.string().nullable(),
});
export type RefusedOwnershipTransferInput = z.infer<typeof RefusedOwnershipTransferInput>;

// The products of a transfer, as the workflow carries them from step to step.

/** A provisioned product to transfer, as the workflow carries it. */
export const ProductRef = z.object({ provisionedProductId: z.string().min(1), name: z.string() });
export type ProductRef = z.infer<typeof ProductRef>;

/** The products a transfer moves, in batches (the product-search step's output). */
export const FoundProducts = z.object({
  /** Products this execution transfers. */
  count: z.number().int().min(0),
  /** Products of the departing owner left for a later request (beyond MAX_PRODUCTS_PER_TRANSFER). */
  remaining: z.number().int().min(0),
  batches: z.array(z.array(ProductRef)),
});
export type FoundProducts = z.infer<typeof FoundProducts>;

/** Record statuses that are not final yet (the Service Catalog model's RecordStatus). */
const PENDING_STATUSES = new Set(['CREATED', 'IN_PROGRESS', 'IN_PROGRESS_IN_ERROR']);

export const isPendingStatus = (status: string | undefined): boolean => status !== undefined && PENDING_STATUSES.has(status);

/** A product on its way to a new owner: its record, the record's status, and the error when it failed. */
export const ProductProgress = ProductRef.extend({
  recordId: z.string().nullable().default(null),
  status: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});
export type ProductProgress = z.output<typeof ProductProgress>;

/** How the ownership of one provisioned product ended. */
export const ProductTransfer = z
  .object({
    provisionedProductId: z.string().min(1),
    name: z.string(),
    /** The UPDATE_PROVISIONED_PRODUCT_PROPERTIES record; null when Service Catalog refused the change. */
    recordId: z.string().nullable(),
    status: z.enum(['SUCCEEDED', 'FAILED']),
    error: z.string().min(1).optional(),
    message: z.string().optional(),
  })
  .strict();
export type ProductTransfer = z.infer<typeof ProductTransfer>;

/**
 * The detail of `Ownership Transfer Succeeded | Partially Succeeded | Failed`. `accountId` and
 * `ownerArn` are null only when the request itself was malformed.
 */
export const OwnershipTransferResultDetail = z
  .object({
    requestId: z.string().min(1),
    outcome: RequestOutcome,
    accountId: z.string().nullable(),
    ownerArn: z.string().nullable(),
    provisionedProductId: z.string().nullable(),
    fromOwnerArn: z.string().nullable(),
    requestedBy: RequestedBy.nullable(),
    products: z.array(ProductTransfer),
    /** One sentence on what happened, e.g. that a departing owner had no products to move. */
    summary: z.string(),
    failure: RequestFailure.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OwnershipTransferResultDetail = z.infer<typeof OwnershipTransferResultDetail>;

const DETAIL_TYPES: Record<RequestOutcome, DetailType> = {
  SUCCEEDED: DetailType.ownershipTransferSucceeded,
  PARTIALLY_SUCCEEDED: DetailType.ownershipTransferPartiallySucceeded,
  FAILED: DetailType.ownershipTransferFailed,
};

export const ownershipTransferDetailType = (outcome: RequestOutcome): DetailType => DETAIL_TYPES[outcome];

export const OWNERSHIP_TRANSFER_RESULT_DETAILS = resultDetailsOf(OwnershipTransferResultDetail, DETAIL_TYPES);
