/**
 * Scenario 4: a full sync against an environment whose request window forces Retry-After
 * waits, compared with the same sync of the same rows unthrottled: nothing lost, and the only
 * extra time is the waits the service demanded (the client's throttledWaitInMs).
 */
import { ENV, THROTTLE_LIMITS } from '../support/bed';
import { runChild } from '../support/child';
import { connectionTo } from '../support/connection';
import { type BenchContext, count } from '../support/context';
import { atMost, type Figure, reported, round } from '../support/figures';
import type { SyncChildOutput } from '../support/syncRun';

const SCENARIO = '4 throttled sync';
const PAGE_SIZE = 1000;

export async function throttledSync(context: BenchContext): Promise<Figure[]> {
  const run = async (name: string): Promise<SyncChildOutput> =>
    await runChild('sync', {
      connection: connectionTo(context.bed, context.bed.dataverse.environment(name)),
      sink: 'count',
      pageSize: PAGE_SIZE,
    });
  const throttledEnvironment = context.bed.dataverse.environment(ENV.throttled);
  const expected = throttledEnvironment.accountCount();
  context.log(
    `  ${count(expected)} accounts, ${String(PAGE_SIZE)}/page, unthrottled, then limited to ${String(THROTTLE_LIMITS.requestsPerWindow)} requests / ${String(THROTTLE_LIMITS.windowMs)} ms and ${String(THROTTLE_LIMITS.concurrent)} concurrent`,
  );
  // Unthrottled before and after, averaged: the first run of a bed also pays its warm-up.
  const before = await run(ENV.unthrottled);
  throttledEnvironment.resetStats();
  const throttled = await run(ENV.throttled);
  const after = await run(ENV.unthrottled);
  const free = { elapsedInMs: (before.elapsedInMs + after.elapsedInMs) / 2 };
  const counts = throttledEnvironment.requestCounts();
  const lost = expected - (throttled.distinctRows ?? 0);
  const allowed = throttled.stats.throttledWaitInMs + free.elapsedInMs;
  context.log(
    `  unthrottled ${round(free.elapsedInMs / 1000, 2)} s; throttled ${round(throttled.elapsedInMs / 1000, 2)} s with ${String(throttled.stats.throttledResponses)} × 429 and ${round(throttled.stats.throttledWaitInMs / 1000, 2)} s of Retry-After waits; outcome ${throttled.outcome}`,
  );
  return [
    atMost(
      {
        scenario: SCENARIO,
        figure: 'rows lost',
        value: throttled.outcome === 'synced' ? lost : expected,
        unit: 'rows',
        detail: `${count(throttled.distinctRows ?? 0)} distinct of ${count(expected)} accounts received; outcome ${throttled.outcome}`,
      },
      0,
      '0',
    ),
    atMost(
      {
        scenario: SCENARIO,
        figure: 'wall time / (enforced waits + unthrottled time)',
        value: round(throttled.elapsedInMs / allowed, 3),
        unit: '×',
        detail: `${round(throttled.elapsedInMs / 1000, 2)} s vs ${round(throttled.stats.throttledWaitInMs / 1000, 2)} s waits + ${round(free.elapsedInMs / 1000, 2)} s unthrottled (mean of a run before and after)`,
      },
      1.1,
      '≤ 1.1×',
    ),
    reported({
      scenario: SCENARIO,
      figure: 'throttled responses (simulator) / waits honoured (client)',
      value: counts['accounts 429'] ?? 0,
      unit: `429s / ${String(throttled.stats.throttledResponses)}`,
      detail: `peak concurrency seen by the simulator ${String(throttledEnvironment.peakConcurrency)} (limit ${String(THROTTLE_LIMITS.concurrent)})`,
    }),
  ];
}
