import type { EnvironmentSyncResult } from './types';

/** One message naming every environment that failed and why (each error already says the fix). */
export function failedEnvironmentsMessage(results: readonly EnvironmentSyncResult[]): string {
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'aborted');
  const lines = failed.map(
    (r) => `${r.environment}: ${r.outcome}${r.error === undefined ? '' : ` — ${r.error}`}`,
  );
  return `Account sync failed for ${failed.length} of ${results.length} environment(s): ${lines.join('; ')}`;
}
