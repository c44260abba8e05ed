import type { SyncJob } from './types';

/**
 * The key of a job's checkpoint and lease: `<environment>/<table>`. Environment names are
 * letters, digits and hyphens and table logical names letters, digits and underscores (both
 * validated in settings), so the key is unambiguous and safe in a blob name.
 */
export function jobKey(job: SyncJob): string {
  return `${job.environment}/${job.table}`;
}
