import { describe, expect, it } from 'vitest';
import type { RequestedBy } from '../../src/contracts/requested-by.js';
import { principalArnOf, sourceIdentityOf } from '../../src/contracts/requested-by.js';
import { NotAuthorizedError } from '../../src/errors.js';
import {
  arnLike,
  authorizedPortfolio,
  authorizedShareOptions,
  authorizeRequester,
  authorizeTarget,
} from '../../src/policy/authorization.js';
import { parsePolicy } from '../../src/policy/load-policy.js';

const HUB = '111122223333';
const policy = parsePolicy(`
version: 1
authorization:
  requesters:
    share: ['arn:aws:iam::${HUB}:role/Platform*', 'arn:aws:iam::*:role/CatalogAdmin']
    unshare: []
portfolios:
  - portfolioId: port-databases0001
    name: Databases
    targets: [{ type: ORGANIZATIONAL_UNIT, id: ou-ex12-prodwork }]
    requests:
      targets:
        - { type: ORGANIZATIONAL_UNIT, id: ou-ex12-workload, descendants: true }
        - { type: ACCOUNT, id: '210987654321' }
      options: [shareTagOptions]
`);
const [databases] = policy.portfolios as [(typeof policy.portfolios)[0]];

const api = (principalArn: string, accountId = principalArn.split(':')[4] as string): RequestedBy => ({
  type: 'api',
  principalArn,
  userArn: principalArn,
  accountId,
});
const refusal = (run: () => unknown): NotAuthorizedError => {
  try {
    run();
  } catch (error) {
    if (error instanceof NotAuthorizedError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};
const asyncRefusal = async (run: () => Promise<unknown>): Promise<NotAuthorizedError> => {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NotAuthorizedError);
  return error as NotAuthorizedError;
};

describe('ArnLike matching of requester patterns', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/Platform*', 'arn:aws:iam::111122223333:role/PlatformTeam', true],
    ['arn:aws:iam::111122223333:role/Platform*', 'arn:aws:iam::111122223333:role/team/PlatformTeam', false],
    ['arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:role/team/PlatformTeam', true],
    ['arn:aws:iam::*:role/CatalogAdmin', 'arn:aws:iam::444455556666:role/CatalogAdmin', true],
    ['arn:aws:iam::1111222233?3:user/alex', 'arn:aws:iam::111122223333:user/alex', true],
    ['arn:aws:iam::111122223333:user/alex', 'arn:aws:iam::111122223333:user/alexander', false],
    ['arn:aws:iam::111122223333:role/a.b', 'arn:aws:iam::111122223333:role/aXb', false],
    ['arn:aws:iam::111122223333:role/X', 'not-an-arn', false],
  ])('%s matches %s: %s', (pattern, arn, expected) => {
    expect(arnLike(pattern, arn)).toBe(expected);
  });

  it('evaluates a session as its role, as aws:PrincipalArn does', () => {
    expect(principalArnOf('arn:aws:sts::111122223333:assumed-role/PlatformTeam/alex@example.com')).toBe(
      'arn:aws:iam::111122223333:role/PlatformTeam',
    );
    expect(principalArnOf('arn:aws:iam::111122223333:user/alex')).toBe('arn:aws:iam::111122223333:user/alex');
  });

  it('gives member sessions a SourceIdentity AWS accepts, naming the requester', () => {
    expect(sourceIdentityOf(api('arn:aws:iam::111122223333:role/PlatformTeam'))).toBe('PlatformTeam');
    expect(sourceIdentityOf({ type: 'event', accountId: HUB, source: 'x', eventId: 'e' })).toBe(`event-${HUB}`);
    expect(sourceIdentityOf({ type: 'workflow', workflow: 'onboard-account', requestId: 'r' })).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

describe('who may ask', () => {
  it('allows the principals the patterns name, and refuses others naming the rule', () => {
    expect(() => authorizeRequester(policy, 'share', api(`arn:aws:iam::${HUB}:role/PlatformTeam`), HUB)).not.toThrow();
    expect(() => authorizeRequester(policy, 'share', api('arn:aws:iam::444455556666:role/CatalogAdmin'), HUB)).not.toThrow();
    const refused = refusal(() => authorizeRequester(policy, 'share', api(`arn:aws:iam::${HUB}:role/Developer`), HUB));
    expect(refused.rule).toBe('authorization.requesters.share');
    expect(refused.message).toContain(`arn:aws:iam::${HUB}:role/Developer matches no pattern`);
  });

  it('lets nobody ask for an action with an empty list, and only the hub account for an action left out', () => {
    expect(refusal(() => authorizeRequester(policy, 'unshare', api(`arn:aws:iam::${HUB}:role/PlatformTeam`), HUB)).message).toContain(
      'is empty',
    );
    expect(() => authorizeRequester(policy, 'ownershipTransfer', api(`arn:aws:iam::${HUB}:user/alex`), HUB)).not.toThrow();
    expect(
      refusal(() => authorizeRequester(policy, 'ownershipTransfer', api('arn:aws:iam::444455556666:user/sam'), HUB)).message,
    ).toContain('only principals of the hub account');
  });

  it('holds an event to the accounts the patterns name (the bus policy holds the principal)', () => {
    const event = (accountId: string): RequestedBy => ({
      type: 'event',
      accountId,
      source: 'portfolio-share-orchestrator',
      eventId: 'e-1',
    });
    expect(() => authorizeRequester(policy, 'share', event(HUB), HUB)).not.toThrow();
    expect(() => authorizeRequester(policy, 'share', event('444455556666'), HUB)).not.toThrow();
    expect(refusal(() => authorizeRequester(policy, 'ownershipTransfer', event('444455556666'), HUB)).message).toContain(
      'put by account 444455556666',
    );
  });

  it('does not hold the policy’s own runs to requester rules', () => {
    expect(() =>
      authorizeRequester(policy, 'unshare', { type: 'workflow', workflow: 'reconcile-sharing', requestId: 'run-1' }, HUB),
    ).not.toThrow();
    expect(() => authorizeRequester(policy, 'unshare', { type: 'schedule', schedule: 'reconcile' }, HUB)).not.toThrow();
  });
});

describe('what may be asked', () => {
  const ancestors: Record<string, string[]> = { 'ou-ex12-devwork1': ['r-ex12', 'ou-ex12-workload'], 'ou-ex12-sandbox1': ['r-ex12'] };
  const ancestorsOf = async (id: string) => ancestors[id] ?? [];
  const caller = api(`arn:aws:iam::${HUB}:role/PlatformTeam`);

  it('refuses a portfolio the policy does not list', () => {
    expect(refusal(() => authorizedPortfolio(policy, 'port-unknown00001')).rule).toBe('portfolios');
  });

  it('allows the policy targets, listed request targets and OUs below a descendants rule; refuses the rest', async () => {
    const allowed = [
      { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' },
      { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' },
      { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-devwork1' },
      { type: 'ACCOUNT', id: '210987654321' },
    ] as const;
    for (const target of allowed)
      await expect(authorizeTarget(databases, 'portfolios[0]', target, caller, ancestorsOf)).resolves.toBeUndefined();

    const sandbox = await asyncRefusal(() =>
      authorizeTarget(databases, 'portfolios[0]', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-sandbox1' }, caller, ancestorsOf),
    );
    expect(sandbox.rule).toBe('portfolios[0].requests.targets');
    expect(sandbox.message).toContain('Databases');
    const external = await asyncRefusal(() =>
      authorizeTarget(databases, 'portfolios[0]', { type: 'EXTERNAL_ACCOUNT', id: '999988887777' }, caller, ancestorsOf),
    );
    expect(external.message).toContain('must be listed by id');
  });

  it('holds the policy’s own runs to its targets only', async () => {
    const run: RequestedBy = { type: 'workflow', workflow: 'onboard-account', requestId: 'e-1' };
    const refused = await asyncRefusal(() =>
      authorizeTarget(databases, 'portfolios[0]', { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-workload' }, run, ancestorsOf),
    );
    expect(refused.rule).toBe('portfolios[0].targets');
  });

  it('takes the options from the policy unless requests.options opens them, and never principal sharing for an account', () => {
    const ou = { type: 'ORGANIZATIONAL_UNIT', id: 'ou-ex12-prodwork' } as const;
    expect(authorizedShareOptions(databases, 'portfolios[0]', ou, {})).toEqual({ sharePrincipals: false, shareTagOptions: false });
    expect(authorizedShareOptions(databases, 'portfolios[0]', ou, { shareTagOptions: true })).toEqual({
      sharePrincipals: false,
      shareTagOptions: true,
    });
    expect(authorizedShareOptions(databases, 'portfolios[0]', ou, { sharePrincipals: false })).toEqual({
      sharePrincipals: false,
      shareTagOptions: false,
    });
    expect(refusal(() => authorizedShareOptions(databases, 'portfolios[0]', ou, { sharePrincipals: true })).rule).toBe(
      'portfolios[0].requests.options',
    );

    const principalSharing = { ...databases, sharePrincipals: true };
    expect(authorizedShareOptions(principalSharing, 'portfolios[0]', { type: 'ACCOUNT', id: '210987654321' }, {})).toEqual({
      sharePrincipals: false,
      shareTagOptions: false,
    });
  });

  it.each([
    { type: 'ACCOUNT', id: '210987654321' },
    { type: 'EXTERNAL_ACCOUNT', id: '999988887777' },
  ] as const)('lets a request for $type of a portfolio that shares principals leave principal sharing off, and refuses it on', (target) => {
    // requests.options opens nothing: off is not a change of the policy's option for a target that cannot take it.
    const principalSharing = { ...databases, sharePrincipals: true };
    expect(authorizedShareOptions(principalSharing, 'portfolios[0]', target, { sharePrincipals: false })).toEqual({
      sharePrincipals: false,
      shareTagOptions: false,
    });
    expect(() => authorizedShareOptions(principalSharing, 'portfolios[0]', target, { sharePrincipals: true })).toThrow(
      expect.objectContaining({ name: 'ValidationError', message: expect.stringContaining('applies only to ORGANIZATION') }),
    );
  });
});

describe('authorization rules in the policy file', () => {
  it.each([
    [
      'authorization:\n  requesters:\n    share: [role/PlatformTeam]',
      'authorization.requesters.share[0]: must be an IAM principal ARN pattern',
    ],
    ['authorization:\n  requesters:\n    sharing: []', 'authorization.requesters'],
    [
      'portfolios:\n  - { portfolioId: port-a, targets: [{ type: ORGANIZATION, id: o-a1b2c3d4e5 }], requests: { options: [sharePrincipal] } }',
      'portfolios[0].requests.options[0]',
    ],
    [
      'portfolios:\n  - { portfolioId: port-a, targets: [{ type: ORGANIZATION, id: o-a1b2c3d4e5 }], requests: { targets: [{ type: ACCOUNT, id: "1", descendants: true }] } }',
      'portfolios[0].requests.targets[0]: Unrecognized key: "descendants"',
    ],
  ])('names the path of a bad rule: %s', (yaml, path) => {
    const text = yaml.startsWith('portfolios') ? `version: 1\n${yaml}\n` : `version: 1\n${yaml}\nportfolios: []\n`;
    expect(() => parsePolicy(text)).toThrow(path);
  });
});
