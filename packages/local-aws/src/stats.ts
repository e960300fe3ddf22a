// API call counters by service and operation, for benchmarks ("API calls by operation") and tests.

export interface OperationStats {
  service: string;
  operation: string;
  calls: number;
  /** Error code → count, for calls that failed. */
  errors: Record<string, number>;
}

export interface ApiStats {
  total: number;
  failed: number;
  /** Sorted by service, then operation. */
  operations: OperationStats[];
}

export class ApiCallStats {
  readonly #operations = new Map<string, OperationStats>();

  record(service: string, operation: string, errorCode?: string): void {
    const key = `${service}:${operation}`;
    let entry = this.#operations.get(key);
    if (!entry) {
      entry = { service, operation, calls: 0, errors: {} };
      this.#operations.set(key, entry);
    }
    entry.calls += 1;
    if (errorCode) entry.errors[errorCode] = (entry.errors[errorCode] ?? 0) + 1;
  }

  snapshot(): ApiStats {
    const operations = [...this.#operations.values()]
      .map((entry) => ({ ...entry, errors: { ...entry.errors } }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
    const failed = operations.reduce((sum, entry) => sum + Object.values(entry.errors).reduce((a, b) => a + b, 0), 0);
    return { total: operations.reduce((sum, entry) => sum + entry.calls, 0), failed, operations };
  }

  reset(): void {
    this.#operations.clear();
  }
}

/** A plain-text table: one line per operation, calls and errors by code. */
export function formatApiStats(stats: ApiStats): string {
  const rows = stats.operations.map((entry) => {
    const errors = Object.entries(entry.errors)
      .map(([code, count]) => `${code}×${count}`)
      .join(', ');
    return { name: `${entry.service}:${entry.operation}`, calls: String(entry.calls), errors };
  });
  const width = Math.max(9, ...rows.map((row) => row.name.length));
  const lines = [`${'operation'.padEnd(width)}  ${'calls'.padStart(7)}  errors`];
  for (const row of rows) lines.push(`${row.name.padEnd(width)}  ${row.calls.padStart(7)}  ${row.errors}`.trimEnd());
  lines.push(`${'total'.padEnd(width)}  ${String(stats.total).padStart(7)}  ${stats.failed ? `${stats.failed} failed` : ''}`.trimEnd());
  return lines.join('\n');
}
