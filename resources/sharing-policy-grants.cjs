// What the deployed IAM takes from config/sharing-policy.yml at package time (serverless.yml and
// resources/*.yml read these through ${file(./resources/sharing-policy-grants.cjs):…}). The policy
// ships with the functions too, so a policy change is deployed by packaging again: the share
// permissions, the Organizations access grant, the member role names and the bus policy's
// requesters then follow it.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parse } = require('yaml');

// PACKAGE_SHARING_POLICY packages for another policy file (the local stack sets it to the policy its
// functions are given, as deploying that policy would); the default is the one that ships.
const POLICY_PATH = process.env.PACKAGE_SHARING_POLICY
  ? resolve(__dirname, '..', process.env.PACKAGE_SHARING_POLICY)
  : join(__dirname, '..', 'config', 'sharing-policy.yml');

const readPolicy = () => parse(readFileSync(POLICY_PATH, 'utf8')) ?? {};

/** The member roles' base name (templates/member-account-role.yml adds the duty suffixes). */
const memberRoleName = () => readPolicy().settings?.memberRoleName ?? 'PortfolioShareMemberRole';

/** `arn:…:catalog:<region>:<hub account>:portfolio/<id>` for every portfolio of the policy. */
const portfolioArns = () => {
  const ids = (readPolicy().portfolios ?? []).map((portfolio) => portfolio.portfolioId);
  if (ids.length === 0) {
    throw new Error(`${POLICY_PATH} lists no portfolio: there is nothing to grant the share permissions on`);
  }
  return ids.map((id) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:catalog:\${AWS::Region}:\${AWS::AccountId}:portfolio/${id}` }));
};

/** 'true' when the policy lets the workflows and the API turn Organizations access on (a CloudFormation condition's value). */
const allowEnableOrganizationsAccess = () => String(readPolicy().settings?.allowEnableOrganizationsAccess === true);

// Who may put each request detail-type on the bus: the policy's authorization.requesters patterns for
// the action, or, when the policy names none, every principal of the hub account.
const HUB_ACCOUNT_PRINCIPALS = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:*` };
const requesters = (action) => () => {
  const patterns = readPolicy().authorization?.requesters?.[action];
  return patterns === undefined ? [HUB_ACCOUNT_PRINCIPALS] : patterns;
};

module.exports = {
  memberRoleName,
  portfolioArns,
  allowEnableOrganizationsAccess,
  shareRequesters: requesters('share'),
  unshareRequesters: requesters('unshare'),
  ownershipTransferRequesters: requesters('ownershipTransfer'),
};
