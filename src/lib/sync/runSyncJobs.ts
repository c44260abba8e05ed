import { describeError } from '../errors';
import { mapWithConcurrency } from '../util';
import { jobKey } from './jobs';
import { failedJobsMessage } from './runReport';
import { syncTable, type SyncTableDeps } from './syncTable';
import type { SyncJob, SyncRunReport, TableSyncResult } from './types';

/** One job to run: the deps of `syncTable` for one table of one environment. */
export type JobDeps = SyncTableDeps;

/**
 * Runs jobs in this process, a bounded number at a time (the CLI's `sync`, tests). One job's
 * failure never stops the others; the report lists each outcome and the caller decides whether
 * to throw. In Azure, jobs run one per queue message instead (see functions/syncJob.ts).
 */
export async function runSyncJobs(
  jobs: readonly JobDeps[],
  logger: SyncTableDeps['logger'],
  concurrency = 4,
): Promise<SyncRunReport> {
  const results = await mapWithConcurrency(
    jobs,
    concurrency,
    async (deps): Promise<TableSyncResult> => {
      const job = { environment: deps.client.environment.name, table: deps.table };
      try {
        return await syncTable(deps);
      } catch (error) {
        // syncTable reports failures itself; this only guards against a bug there.
        logger.error(`sync ${jobKey(job)}: unexpected failure: ${describeError(error)}`);
        return failedResult(job, describeError(error));
      }
    },
  );
  return reportOf(results);
}

/** The report of finished jobs: whether any failed, and one message naming each that did. */
export function reportOf(results: readonly TableSyncResult[]): SyncRunReport {
  const anyFailed = results.some((r) => r.outcome === 'failed' || r.outcome === 'aborted');
  return {
    results,
    anyFailed,
    failureSummary: anyFailed ? failedJobsMessage(results) : undefined,
  };
}

function failedResult(job: SyncJob, error: string): TableSyncResult {
  return {
    environment: job.environment,
    table: job.table,
    outcome: 'failed',
    roundKind: undefined,
    generation: undefined,
    pages: 0,
    rows: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    skipped: 0,
    swept: 0,
    rejected: 0,
    checkpointMoved: false,
    expiredTokenRecovered: false,
    throttledResponses: 0,
    throttledWaitInMs: 0,
    durationInMs: 0,
    error,
  };
}
