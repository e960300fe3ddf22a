import type { ShareTarget } from '../contracts/identifiers.js';
import type { PortfolioReconcilePlan, ReconcilePlan } from '../contracts/reconcile.js';
import { hasDrift } from './plan-reconciliation.js';

/** One line per difference, marked as `terraform plan` marks changes. */
const SYMBOLS = {
  '+': 'share (create)',
  '-': 'unshare (remove: the policy prunes)',
  '~': 'share options differ (reported only)',
  '!': 'extra share, kept (prune is off)',
  '?': 'shared, not accepted yet by the account',
  '=': 'member account share covered by a policy target, kept',
} as const;
type SymbolKey = keyof typeof SYMBOLS;

interface Line {
  symbol: SymbolKey;
  target: ShareTarget;
  note: string;
}

const describeTarget = (target: ShareTarget): string => `${target.type} ${target.id}`;

const linesOf = (portfolio: PortfolioReconcilePlan, accessStatus: string): Line[] => {
  const blocked = new Set(portfolio.blocked.map(describeTarget));
  return [
    ...portfolio.missing.map(
      (target): Line => ({
        symbol: '+',
        target,
        note: blocked.has(describeTarget(target))
          ? `share — blocked: Organizations access is ${accessStatus}`
          : target.type === 'EXTERNAL_ACCOUNT'
            ? 'share (the account accepts it)'
            : 'share',
      }),
    ),
    ...portfolio.extra.map(
      (target): Line =>
        portfolio.prune ? { symbol: '-', target, note: 'unshare' } : { symbol: '!', target, note: 'extra, kept (prune: false)' },
    ),
    ...portfolio.optionDrift.map(
      (drift): Line => ({
        symbol: '~',
        target: drift.target,
        note: `${drift.option}: ${drift.actual} → ${drift.expected} in policy (reported only)`,
      }),
    ),
    ...portfolio.unaccepted.map((target): Line => ({ symbol: '?', target, note: 'shared, not accepted yet' })),
    ...portfolio.covered.map(
      (entry): Line => ({ symbol: '=', target: entry.target, note: `covered by ${describeTarget(entry.coveredBy)}, kept` }),
    ),
  ];
};

const plural = (count: number, word: string) => `${count} ${word}`;

/** The summary line, e.g. `Plan: 2 to share, 1 to unshare, 1 extra kept.` */
export const planSummaryLine = (plan: ReconcilePlan): string => {
  const { summary } = plan;
  const more = [
    summary.optionDrift ? plural(summary.optionDrift, 'option drift reported') : '',
    summary.unaccepted ? plural(summary.unaccepted, 'not accepted') : '',
    summary.blocked ? plural(summary.blocked, 'blocked') : '',
  ].filter(Boolean);
  return `Plan: ${summary.toShare} to share, ${summary.toUnshare} to unshare, ${summary.extraKept} extra kept${more.map((part) => `, ${part}`).join('')}.`;
};

/** The plan as a readable table, like `terraform plan`: a legend, one block per portfolio, a summary line. */
export const renderPlan = (plan: ReconcilePlan): string => {
  const access = plan.organizationsAccess;
  const out: string[] = [`Organizations access for Service Catalog: ${access.status}`];
  if (access.message) out.push(`  ${access.message}`);
  out.push('');

  // A portfolio in sync gets one line; shares covered by a policy target are not drift.
  const blocks = plan.portfolios.map((portfolio) => ({ portfolio, lines: hasDrift(portfolio) ? linesOf(portfolio, access.status) : [] }));
  const used = new Set(blocks.flatMap((block) => block.lines.map((line) => line.symbol)));
  if (used.size === 0) {
    out.push(
      `No changes. The shares of ${plural(plan.portfolios.length, plan.portfolios.length === 1 ? 'portfolio' : 'portfolios')} match the sharing policy.`,
      '',
    );
  } else {
    out.push('Symbols:');
    for (const symbol of Object.keys(SYMBOLS) as SymbolKey[]) if (used.has(symbol)) out.push(`  ${symbol} ${SYMBOLS[symbol]}`);
    out.push('');
  }

  const typeWidth = Math.max(0, ...blocks.flatMap((block) => block.lines.map((line) => line.target.type.length)));
  const idWidth = Math.max(0, ...blocks.flatMap((block) => block.lines.map((line) => line.target.id.length)));
  for (const { portfolio, lines } of blocks) {
    const title = [portfolio.portfolioId, portfolio.name ? `(${portfolio.name})` : '', `prune: ${portfolio.prune}`]
      .filter(Boolean)
      .join('  ');
    if (lines.length === 0) out.push(`  ${title}  — in sync`);
    else {
      out.push(`  ${title}`);
      for (const line of lines)
        out.push(`    ${line.symbol} ${line.target.type.padEnd(typeWidth)}  ${line.target.id.padEnd(idWidth)}  ${line.note}`);
    }
    for (const warning of portfolio.warnings) out.push(`    warning: ${warning}`);
  }
  out.push('', planSummaryLine(plan));
  return `${out.join('\n')}\n`;
};
