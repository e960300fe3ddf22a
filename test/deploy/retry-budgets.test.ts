// The workflows' retry budgets (statemachines/policies.json): what AWS accepts in a retrier, that every
// Task retries the transient faults it can meet (which is what lets a result count the tries of a
// fault from its name alone), and that docs/operations.md#retry-budgets states the budgets as the
// table has them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AslDefinition, aslStates } from '@portfolio-share-orchestrator/local-aws';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  MEMBER_ACCOUNTS_AT_ONCE,
  MEMBER_CALL_RETRIES,
  MEMBER_ROLE_ATTEMPTS,
  MEMBER_ROLE_RETRY_DELAY_MS,
} from '../../src/share/member-actions.js';
import { attemptsBefore, RETRY_BUDGETS } from '../../src/workflow/retry-budgets.js';
import { policies, readSource } from '../../statemachines/substitution.cjs';
import { retryBudget as budget } from '../support/retry-budgets.js';

const ROOT = join(import.meta.dirname, '..', '..');
const files = readdirSync(join(ROOT, 'statemachines')).filter((file) => file.endsWith('.asl.json'));

const { functions } = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { merge: true }) as {
  functions: Record<string, { handler: string; timeout?: number }>;
};
/** Whether a function's handler builds AWS clients (hub clients or member sessions): it can meet AWS's faults. */
const callsAws = (functionKey: string): boolean => {
  const fn = functions[functionKey];
  if (!fn) throw new Error(`serverless.yml has no function ${functionKey}`);
  const source = readFileSync(join(ROOT, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`), 'utf8');
  return /from '(\.\.\/)+src\/aws\/(clients|member-roles)\.js'/.test(source);
};

/**
 * The Service Catalog actions the workflows call, and whether Service Catalog's API model (botocore's
 * servicecatalog 2015-12-10) lists InvalidStateException for them: a share action while another runs,
 * a change of Organizations access while one is under way.
 */
const REFUSED_WHILE_BUSY: Record<string, boolean> = {
  createPortfolioShare: true,
  deletePortfolioShare: true,
  enableAWSOrganizationsAccess: true,
  describePortfolioShareStatus: false,
  getAWSOrganizationsAccessStatus: false,
};

/** The retriers each Task must use, from what it calls. */
const requiredRetriers = (resource: string): string[] => {
  const fn = /^\$\{(\w+)FunctionArn\}$/.exec(resource);
  if (fn) {
    const key = `${(fn[1] as string).charAt(0).toLowerCase()}${(fn[1] as string).slice(1)}`;
    return callsAws(key) ? ['LambdaServiceErrors', 'StepCallsFailed'] : ['LambdaServiceErrors'];
  }
  if (resource === 'arn:aws:states:::events:putEvents') return ['EventsNotPut'];
  if (resource === 'arn:aws:states:::states:startExecution.sync:2') return ['ChildNotStarted'];
  const sdk = /^arn:aws:states:::aws-sdk:servicecatalog:(\w+)$/.exec(resource);
  if (sdk) {
    const busy = REFUSED_WHILE_BUSY[sdk[1] as string];
    if (busy === undefined) throw new Error(`Say in REFUSED_WHILE_BUSY whether servicecatalog:${sdk[1]} can answer InvalidStateException`);
    return busy ? ['ServiceCatalogBusy', 'ServiceCatalogThrottled'] : ['ServiceCatalogThrottled'];
  }
  throw new Error(`No retry budget is known for ${resource}: add its faults' retrier to statemachines/policies.json and here`);
};

const retriersOf = (retry: unknown): string[] => {
  const named = typeof retry === 'string' ? /^\$\{Retry\.(\w+)\}$/.exec(retry) : null;
  return named ? (policies.Retry[named[1] as keyof typeof policies.Retry]?.retriers ?? []) : [];
};

describe('the retriers of statemachines/policies.json', () => {
  // asl-validator checks only ErrorEquals, IntervalSeconds, MaxAttempts and BackoffRate; these are AWS's limits for the rest.
  it.each(Object.entries(policies.Retrier))('%s is a retrier AWS accepts', (_name, { value }) => {
    const retrier = value as Record<string, unknown>;
    expect(Number.isInteger(retrier.IntervalSeconds) && (retrier.IntervalSeconds as number) >= 1).toBe(true);
    expect(retrier.BackoffRate as number).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(retrier.MaxAttempts) && (retrier.MaxAttempts as number) <= 99_999_999).toBe(true);
    if ('MaxDelaySeconds' in retrier) {
      expect(Number.isInteger(retrier.MaxDelaySeconds)).toBe(true);
      expect(retrier.MaxDelaySeconds as number).toBeGreaterThan(0);
      expect(retrier.MaxDelaySeconds as number).toBeLessThan(31_622_401);
    }
    if ('JitterStrategy' in retrier) expect(['FULL', 'NONE']).toContain(retrier.JitterStrategy);
  });

  it('retries transient faults with backoff and full jitter, for minutes', () => {
    for (const counted of RETRY_BUDGETS.filter((candidate) => candidate.counted)) {
      expect(counted.jitter, counted.name).toBe(true);
      expect(counted.longestWaitSeconds, counted.name).toBeGreaterThanOrEqual(4 * 60);
    }
  });

  it('counts each error under one retrier at most, and never a wildcard', () => {
    const counted = RETRY_BUDGETS.filter((candidate) => candidate.counted).flatMap((candidate) => candidate.errors);
    expect(counted.filter((error, index) => counted.indexOf(error) !== index)).toEqual([]);
    expect(counted.filter((error) => error.startsWith('States.'))).toEqual([]);
  });

  it('gives a counted error the tries of its budget, and none to an error that is not retried', () => {
    expect(attemptsBefore('ServiceCatalog.ServiceCatalogException')).toBe(budget('ServiceCatalogThrottled').tries);
    expect(attemptsBefore('ServiceCatalog.InvalidStateException')).toBe(budget('ServiceCatalogBusy').tries);
    expect(attemptsBefore('TooManyRequestsException')).toBe(budget('StepCallsFailed').tries);
    expect(attemptsBefore('ServiceCatalog.ResourceNotFoundException')).toBeUndefined();
    expect(attemptsBefore('MemberRoleUnavailableError')).toBeUndefined();
  });
});

describe.each(files)('%s', (file) => {
  it('retries every fault its Tasks can meet, with the retrier that budgets it', () => {
    const problems = aslStates(readSource(file) as AslDefinition).flatMap(({ name, state }) => {
      if (state.Type !== 'Task') return [];
      const used = retriersOf(state.Retry);
      const missing = requiredRetriers(String(state.Resource)).filter((retrier) => !used.includes(retrier));
      // A step that calls no AWS API cannot meet AWS's faults: retrying them would only hide a bug.
      const needless = used.includes('StepCallsFailed') && !requiredRetriers(String(state.Resource)).includes('StepCallsFailed');
      return [
        ...(missing.length > 0 ? [`${name}: ${state.Retry} lacks ${missing.join(', ')}`] : []),
        ...(needless ? [`${name}: ${state.Retry} retries AWS faults its function cannot meet`] : []),
      ];
    });
    expect(problems).toEqual([]);
  });
});

describe('docs/operations.md#retry-budgets', () => {
  const page = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
  const section = page.slice(page.indexOf('## Retry budgets'), page.indexOf('\n## ', page.indexOf('## Retry budgets') + 1));
  const rows = new Map(
    section
      .split('\n')
      .filter((line) => /^\| `\w+` \|/.test(line))
      .map((line) => {
        const cells = line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim());
        return [(cells[0] as string).replaceAll('`', ''), cells.slice(1)] as const;
      }),
  );

  const duration = (seconds: number): string => {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    if (minutes === 0) return `${rest} s`;
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  };
  const growth = (rate: number) => (rate === 2 ? 'doubling' : `× ${rate}`);

  it('has one row for every retrier', () => {
    expect([...rows.keys()].sort()).toEqual(RETRY_BUDGETS.map((candidate) => candidate.name).sort());
  });

  it.each(RETRY_BUDGETS.map((candidate) => [candidate.name, candidate] as const))('states the budget of %s', (name, counted) => {
    const { value } = policies.Retrier[name as keyof typeof policies.Retrier];
    const [errors, tries, waits, longest, inAttempts] = rows.get(name) ?? [];
    expect(errors).toBe(counted.errors.map((error) => `\`${error}\``).join(', '));
    expect(tries).toBe(String(counted.tries));
    expect(waits).toBe(`${duration(value.IntervalSeconds)}, ${growth(value.BackoffRate)} up to ${duration(value.MaxDelaySeconds)}`);
    expect(longest).toBe(duration(counted.longestWaitSeconds));
    expect(inAttempts?.split(':')[0]).toBe(counted.counted ? 'yes' : 'no');
  });

  it('quotes a retrier in prose with the longest wait it has', () => {
    const quoted = [...page.matchAll(/up to (\d+) minutes \(the\s+`(\w+)` retrier/g)];
    expect(quoted.length).toBeGreaterThan(0);
    for (const [, minutes, name] of quoted) expect(Number(minutes) * 60, name).toBe(budget(name as string).longestWaitSeconds);
  });

  it("states the member accounts' own budget, which fits the member-actions function's timeout", () => {
    const prose = section.replace(/\s+/g, ' ');
    const stated = (pattern: RegExp): string[] => {
      const match = pattern.exec(prose);
      if (!match) throw new Error(`docs/operations.md#retry-budgets does not say ${pattern}`);
      return match.slice(1);
    };
    const seconds = (ms: number) => ms / 1000;

    const [first, cap, budgetSeconds] = stated(/waits below (\d+) s, doubling up to (\d+) s, and up to (\d+) s in all per account/);
    expect([first, cap, budgetSeconds].map(Number)).toEqual([
      seconds(MEMBER_CALL_RETRIES.firstWaitMs),
      seconds(MEMBER_CALL_RETRIES.maxWaitMs),
      seconds(MEMBER_CALL_RETRIES.budgetMs),
    ]);

    const [batchSize, atOnce] = stated(/A batch of (\d+) accounts \(`Tuning.MemberBatchSize`\) works on (\d+) at a time/);
    expect(Number(batchSize)).toBe(policies.Tuning.MemberBatchSize.value);
    expect(Number(atOnce)).toBe(MEMBER_ACCOUNTS_AT_ONCE);

    // AssumeRole for a role not there yet waits MEMBER_ROLE_RETRY_DELAY_MS × retry before each retry.
    const roleWaitMs = Array.from({ length: MEMBER_ROLE_ATTEMPTS - 1 }, (_, retry) => MEMBER_ROLE_RETRY_DELAY_MS * (retry + 1)).reduce(
      (sum, wait) => sum + wait,
      0,
    );
    expect(Number(stated(/its ([\d.]+) s of AssumeRole tries/)[0])).toBe(seconds(roleWaitMs));

    const timeout = functions.runMemberActions?.timeout as number;
    const accountsInTurn = Math.ceil(policies.Tuning.MemberBatchSize.value / MEMBER_ACCOUNTS_AT_ONCE);
    const longestWaitSeconds = seconds(accountsInTurn * (MEMBER_CALL_RETRIES.budgetMs + roleWaitMs));
    const [longest, timeoutMinutes] = stated(/the batch waits at most (.+?), half of the function's (\d+) min timeout/);
    expect(longest).toBe(duration(longestWaitSeconds));
    expect(Number(timeoutMinutes) * 60).toBe(timeout);
    expect(longestWaitSeconds).toBeLessThanOrEqual(timeout / 2);
  });
});
