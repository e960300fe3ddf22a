import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { deployedMemberRoleName, MEMBER_ROLE_SUFFIXES, memberRoleName } from '../../src/aws/member-roles.js';
import { memberServiceCatalog } from '../../src/aws/member-session.js';

const sts = mockClient(STSClient);
const credentials = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret',
  SessionToken: 'token',
  Expiration: new Date(Date.now() + 3_600_000),
};

beforeEach(() => {
  sts.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
});

describe('member roles by duty', () => {
  it('names one role per duty after the policy’s base name', () => {
    expect(Object.keys(MEMBER_ROLE_SUFFIXES).map((duty) => memberRoleName('Base', duty as keyof typeof MEMBER_ROLE_SUFFIXES))).toEqual([
      'Base-ShareAcceptance',
      'Base-ShareRejection',
      'Base-OwnershipTransfer',
      'Base-ReadOnly',
    ]);
  });

  it('takes the base name from the deployed policy', () => {
    expect(deployedMemberRoleName('ownershipTransfer')).toBe('PortfolioShareMemberRole-OwnershipTransfer');
  });
});

describe('member sessions', () => {
  it('sets SourceIdentity when given, one session per account and identity', async () => {
    const sessions = memberServiceCatalog({ sts: new STSClient({}), roleName: 'Base-ShareAcceptance' });
    await sessions('111111111111', 'alice');
    await sessions('111111111111', 'alice');
    await sessions('111111111111');

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts).toHaveReceivedNthCommandWith(AssumeRoleCommand, 1, {
      RoleArn: 'arn:aws:iam::111111111111:role/Base-ShareAcceptance',
      SourceIdentity: 'alice',
    });
    expect(sts.commandCalls(AssumeRoleCommand)[1]?.args[0].input).not.toHaveProperty('SourceIdentity');
  });
});
