/** Input of `children/healthLoad.ts`: bursts of concurrent GETs, one burst per second. */
export interface StormInput {
  readonly url: string;
  readonly requestsPerSecond: number;
  readonly seconds: number;
}

export interface StormOutput {
  readonly sent: number;
  /** Answers with HTTP 200 (pass or warn). */
  readonly ok: number;
  /** Errors and non-200 answers, by status or error code. */
  readonly failures: Readonly<Record<string, number>>;
  readonly p50InMs: number;
  readonly p99InMs: number;
  readonly maxInMs: number;
}

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Most timestamps that fall into any half-open window of `windowInMs` (sorted input). */
export function maxInAnyWindow(sortedTimesInMs: readonly number[], windowInMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < sortedTimesInMs.length; end += 1) {
    const endTime = sortedTimesInMs[end] ?? 0;
    while ((sortedTimesInMs[start] ?? 0) <= endTime - windowInMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
