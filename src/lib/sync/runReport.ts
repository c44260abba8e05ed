import type { SyncRunReport } from './types';

/** One message naming every environment that failed and why (each error already says the fix). */
export function failedEnvironmentsMessage(report: SyncRunReport): string {
  const failed = report.results.filter((r) => r.outcome === 'failed' || r.outcome === 'aborted');
  const lines = failed.map(
    (r) => `${r.environment}: ${r.outcome}${r.error === undefined ? '' : ` — ${r.error}`}`,
  );
  return `Account sync failed for ${failed.length} of ${report.results.length} environment(s): ${lines.join('; ')}`;
}
