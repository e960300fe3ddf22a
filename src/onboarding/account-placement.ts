import { DescribeOrganizationCommand, ListParentsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountPlacement } from '../policy/entitlements.js';

export class AccountPlacementError extends Error {
  override name = 'AccountPlacementError';
}

/** Walks ListParents from the account up to the root: the OU path that decides its entitlements. */
export const findAccountPlacement = async (organizations: OrganizationsClient, accountId: string): Promise<AccountPlacement> => {
  const organization = await organizations.send(new DescribeOrganizationCommand({}));
  const organizationId = organization.Organization?.Id;
  if (!organizationId) throw new AccountPlacementError('DescribeOrganization returned no organization id');

  const parentPath: string[] = [];
  let childId = accountId;
  // Organizations nests OUs at most five levels below the root; the bound guards a malformed answer.
  for (let depth = 0; depth < 8; depth++) {
    const { Parents } = await organizations.send(new ListParentsCommand({ ChildId: childId }));
    const parent = Parents?.[0];
    if (!parent?.Id) throw new AccountPlacementError(`ListParents returned no parent for ${childId}`);
    parentPath.unshift(parent.Id);
    if (parent.Type === 'ROOT') return { accountId, organizationId, parentPath };
    childId = parent.Id;
  }
  throw new AccountPlacementError(`No root found above ${accountId}`);
};
