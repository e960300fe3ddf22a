import { createHash } from 'node:crypto';
import { z } from 'zod';

// Patterns from the AWS API models (Service Catalog, Organizations, Step Functions execution names).
export const PortfolioId = z.string().regex(/^port-[a-z0-9]{1,100}$/i, 'must be a portfolio id such as port-abcd1234efgh5');
export const AccountId = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit AWS account id');
export const OrganizationId = z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5');
export const OrganizationalUnitId = z
  .string()
  .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must be an organizational unit id such as ou-ab12-cdef3456');
/** Becomes the Step Functions execution name, so it keeps to the characters execution names allow. */
export const RequestId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1-80 letters, digits, hyphens or underscores');

/**
 * A child request's id: the parent's id and a suffix, deterministic so that a repeated parent finds
 * the same child execution. Kept within RequestId's 80 characters by hashing what would not fit.
 */
export const childRequestId = (parentId: string, suffix: string): string => {
  const id = `${parentId}-${suffix}`;
  if (id.length <= 80) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 12);
  return `${id.slice(0, 80 - hash.length - 1)}-${hash}`;
};

/** Strict, as every request object is: a key it does not know is an error naming the key, never silently dropped. */
export const ShareTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ORGANIZATION'), id: OrganizationId }).strict(),
  z.object({ type: z.literal('ORGANIZATIONAL_UNIT'), id: OrganizationalUnitId }).strict(),
  z.object({ type: z.literal('ACCOUNT'), id: AccountId }).strict(),
  z.object({ type: z.literal('EXTERNAL_ACCOUNT'), id: AccountId }).strict(),
]);
export type ShareTarget = z.infer<typeof ShareTarget>;

export const ORGANIZATION_NODE_TYPES = ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'] as const;

/** How DescribePortfolioShares names the share of each target type (an organization member account is ORGANIZATION_MEMBER_ACCOUNT). */
export const DESCRIBED_SHARE_TYPE = {
  ORGANIZATION: 'ORGANIZATION',
  ORGANIZATIONAL_UNIT: 'ORGANIZATIONAL_UNIT',
  ACCOUNT: 'ORGANIZATION_MEMBER_ACCOUNT',
  EXTERNAL_ACCOUNT: 'ACCOUNT',
} as const satisfies Record<ShareTarget['type'], string>;

export const isOrganizationNodeTarget = (target: ShareTarget): boolean => target.type !== 'EXTERNAL_ACCOUNT';
