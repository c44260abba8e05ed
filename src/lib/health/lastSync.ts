import type { HealthCheckResult } from './types';

/** How many schedule intervals may pass without a successful sync before health warns. */
export const MISSED_INTERVALS_BEFORE_WARNING = 3;

export interface LastSyncFacts {
  readonly lastSuccessAt: Date | undefined;
  readonly lastError: string | undefined;
  /** The last full resync: when, and why. Shown so that an operator sees why a load ran. */
  readonly lastResync?: { readonly at: string; readonly reason: string } | undefined;
  /** Rows the target could not hold (too large): they are missing from it, so health warns. */
  readonly rejectedRows?:
    | {
        readonly count: number;
        readonly more: boolean;
        readonly examples: readonly { readonly id: string; readonly reason: string }[];
      }
    | undefined;
}

/**
 * Warns when a table's last successful sync is older than three schedule intervals, or never
 * happened. The last run's error is quoted only with `detailedErrors` (HEALTH_DETAILED_ERRORS):
 * it is a full description, which the syncJob function logged when the run failed.
 */
export function lastSyncCheck(
  job: string,
  facts: LastSyncFacts,
  intervalInMs: number,
  now: Date,
  detailedErrors: boolean,
): HealthCheckResult {
  const base = {
    componentId: job,
    componentType: 'table sync',
    time: now.toISOString(),
    ...(facts.lastResync === undefined
      ? {}
      : { lastResyncAt: facts.lastResync.at, lastResyncReason: facts.lastResync.reason }),
  };
  const lastError =
    facts.lastError === undefined
      ? ''
      : detailedErrors
        ? ` Last error: ${facts.lastError}`
        : " The last run failed: details and the fix are in the syncJob function's log.";
  if (facts.lastSuccessAt === undefined) {
    return { ...base, status: 'warn', output: `No successful sync of this table yet.${lastError}` };
  }
  const ageInSeconds = Math.max(
    0,
    Math.round((now.getTime() - facts.lastSuccessAt.getTime()) / 1000),
  );
  const result = {
    ...base,
    observedValue: ageInSeconds,
    observedUnit: 's',
    lastSuccessAt: facts.lastSuccessAt.toISOString(),
  };
  if (ageInSeconds * 1000 > MISSED_INTERVALS_BEFORE_WARNING * intervalInMs) {
    return {
      ...result,
      status: 'warn',
      output: `Last successful sync was ${ageInSeconds} s ago, more than ${MISSED_INTERVALS_BEFORE_WARNING} schedule intervals.${lastError} Check the syncDispatch and syncJob functions' recent invocations, and the poison queue.`,
    };
  }
  const rejected = facts.rejectedRows;
  if (rejected !== undefined && rejected.count > 0) {
    const examples = rejected.examples.map((row) => `${row.id}: ${row.reason}`).join('; ');
    const count = `${String(rejected.count)}${rejected.more ? '+' : ''}`;
    return {
      ...result,
      status: 'warn',
      rejectedRows: rejected.count,
      output: `${count} rows are missing from the target because it cannot hold them (${examples}). Shorten the values in Dataverse or leave the columns out of the table's column list in SYNC_TABLES; they are written again once they fit.`,
    };
  }
  return { ...result, status: 'pass' };
}
