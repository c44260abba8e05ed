import type { LatencyModel } from './types';

/**
 * The latency model: a request costs `perRequestMs + rows * perRowMs`, where rows are the rows
 * returned (reads) or written (writes, $batch parts summed). The simulator waits that long with
 * a timer before answering, so concurrent requests overlap like on a real server and the
 * throughput of one sequential reader is {@link theoreticalRowsPerSecond}.
 */
export function modelledLatencyMs(latency: LatencyModel, rows: number): number {
  return latency.perRequestMs + rows * latency.perRowMs;
}

/**
 * Rows per second one sequential pager can reach against the model with full pages of
 * `pageSize` rows (network and JSON costs excluded). Infinity when the model costs nothing.
 */
export function theoreticalRowsPerSecond(pageSize: number, latency: LatencyModel): number {
  const perPageMs = modelledLatencyMs(latency, pageSize);
  return perPageMs <= 0 ? Infinity : (pageSize * 1000) / perPageMs;
}

/** Resolves after `ms` (at once for 0) without blocking the event loop. */
export async function sleep(ms: number): Promise<void> {
  if (ms <= 0) return;
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
}
