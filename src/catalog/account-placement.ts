import { DescribeOrganizationCommand, ListParentsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { AccountPlacementError } from '../errors.js';
import type { AccountPlacement } from '../policy/entitlements.js';

export const findOrganizationId = async (organizations: OrganizationsClient): Promise<string> => {
  const organization = await organizations.send(new DescribeOrganizationCommand({}));
  const organizationId = organization.Organization?.Id;
  if (!organizationId) throw new AccountPlacementError('DescribeOrganization returned no organization id');
  return organizationId;
};

/** Walks ListParents from an account or OU up to the root: the ids from the root down to its parent. */
export const findParentPath = async (organizations: OrganizationsClient, childId: string): Promise<string[]> => {
  const parentPath: string[] = [];
  let currentId = childId;
  // Organizations nests OUs at most five levels below the root; the bound guards a malformed answer.
  for (let depth = 0; depth < 8; depth++) {
    const { Parents } = await organizations.send(new ListParentsCommand({ ChildId: currentId }));
    const parent = Parents?.[0];
    if (!parent?.Id) throw new AccountPlacementError(`ListParents returned no parent for ${currentId}`);
    parentPath.unshift(parent.Id);
    if (parent.Type === 'ROOT') return parentPath;
    currentId = parent.Id;
  }
  throw new AccountPlacementError(`No root found above ${childId}`);
};

/** The OU path that decides an account's entitlements. */
export const findAccountPlacement = async (organizations: OrganizationsClient, accountId: string): Promise<AccountPlacement> => {
  // Independent reads: asked at once, so placement costs the ListParents walk, not the walk plus one.
  const [organizationId, parentPath] = await Promise.all([findOrganizationId(organizations), findParentPath(organizations, accountId)]);
  return { accountId, organizationId, parentPath };
};
