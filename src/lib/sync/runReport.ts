import { jobKey } from './jobs';
import type { TableSyncResult } from './types';

/** One message naming every job that failed and why (each error already says the fix). */
export function failedJobsMessage(results: readonly TableSyncResult[]): string {
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'aborted');
  const lines = failed.map(
    (r) => `${jobKey(r)}: ${r.outcome}${r.error === undefined ? '' : ` — ${r.error}`}`,
  );
  return `Sync failed for ${String(failed.length)} of ${String(results.length)} table(s): ${lines.join('; ')}`;
}
