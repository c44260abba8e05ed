import { Cron } from 'croner';

import type { HealthCheckResult } from './types';

/** How many schedule intervals may pass without a successful sync before health warns. */
export const MISSED_INTERVALS_BEFORE_WARNING = 3;

/**
 * The interval between two consecutive occurrences of an NCRONTAB schedule (6 fields,
 * seconds first) after `from`. Irregular schedules (e.g. weekdays only) use the next gap,
 * which is what a poller looking right now cares about.
 */
export function scheduleIntervalInMs(schedule: string, from: Date): number {
  const cron = new Cron(schedule, { paused: true, timezone: 'UTC' });
  const first = cron.nextRun(from);
  const second = first === null ? null : cron.nextRun(first);
  if (first === null || second === null) return Number.POSITIVE_INFINITY;
  return second.getTime() - first.getTime();
}

export interface LastSyncFacts {
  readonly lastSuccessAt: Date | undefined;
  readonly lastError: string | undefined;
}

/**
 * Warns when the last successful sync is older than three schedule intervals, or never happened.
 * The last run's error is quoted only with `detailedErrors` (HEALTH_DETAILED_ERRORS): it is a full
 * description, which the accountSync function logged when the run failed.
 */
export function lastSyncCheck(
  environment: string,
  facts: LastSyncFacts,
  intervalInMs: number,
  now: Date,
  detailedErrors: boolean,
): HealthCheckResult {
  const base = { componentId: environment, componentType: 'account sync', time: now.toISOString() };
  const lastError =
    facts.lastError === undefined
      ? ''
      : detailedErrors
        ? ` Last error: ${facts.lastError}`
        : " The last run failed: details and the fix are in the accountSync function's log.";
  if (facts.lastSuccessAt === undefined) {
    return { ...base, status: 'warn', output: `No successful account sync yet.${lastError}` };
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
      output: `Last successful sync was ${ageInSeconds} s ago, more than ${MISSED_INTERVALS_BEFORE_WARNING} schedule intervals.${lastError} Check the accountSync function's recent invocations.`,
    };
  }
  return { ...result, status: 'pass' };
}
