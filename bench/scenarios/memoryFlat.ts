/**
 * Scenario 3: peak RSS of a full sync (discarding target) of a small and a large table, each
 * in its own fresh process: streaming pages means the large one costs no more memory.
 */
import { ENV } from '../support/bed';
import { runChild } from '../support/child';
import { connectionTo } from '../support/connection';
import { type BenchContext, count } from '../support/context';
import { atMost, type Figure, reported, round } from '../support/figures';
import { PAGE_SIZE } from '../support/profile';
import type { SyncChildOutput } from '../support/syncRun';

const SCENARIO = '3 memory vs table size';
/** An old-space cap that the sync fits in: shows whether the default-run growth is retention or GC slack. */
const HEAP_CAP = '--max-old-space-size=64';

export async function memoryFlat(context: BenchContext): Promise<Figure[]> {
  const measure = async (
    name: string,
    nodeArguments: readonly string[] = [],
  ): Promise<SyncChildOutput & { expected: number }> => {
    const environment = context.bed.dataverse.environment(name);
    const expected = environment.accountCount();
    const output = await runChild(
      'sync',
      {
        connection: connectionTo(context.bed, environment),
        sink: 'discard',
        pageSize: PAGE_SIZE,
      },
      nodeArguments,
    );
    if (output.outcome !== 'synced' || output.rows !== expected)
      throw new Error(`memory sync of ${name}: ${output.outcome}, ${String(output.rows)} rows`);
    context.log(
      `  ${count(expected)} accounts${nodeArguments.length > 0 ? ` (${nodeArguments.join(' ')})` : ''}: peak RSS ${round(output.peakRssInMb, 0)} MB in ${round(output.elapsedInMs / 1000, 1)} s`,
    );
    return { ...output, expected };
  };
  const small = await measure(ENV.memorySmall);
  const large = await measure(ENV.memoryLarge);
  const cappedSmall = await measure(ENV.memorySmall, [HEAP_CAP]);
  const cappedLarge = await measure(ENV.memoryLarge, [HEAP_CAP]);
  return [
    atMost(
      {
        scenario: SCENARIO,
        figure: `peak RSS growth, ${count(small.expected)} → ${count(large.expected)} rows`,
        value: round(large.peakRssInMb - small.peakRssInMb, 1),
        unit: 'MB',
        detail: `${String(round(small.peakRssInMb, 0))} MB vs ${String(round(large.peakRssInMb, 0))} MB (discarding target, ${String(PAGE_SIZE)}/page)`,
      },
      50,
      '≤ 50 MB',
    ),
    reported({
      scenario: SCENARIO,
      figure: `same pair with ${HEAP_CAP}: peak RSS growth`,
      value: round(cappedLarge.peakRssInMb - cappedSmall.peakRssInMb, 1),
      unit: 'MB',
      detail: `${String(round(cappedSmall.peakRssInMb, 0))} MB vs ${String(round(cappedLarge.peakRssInMb, 0))} MB, large sync ${String(round(cappedLarge.elapsedInMs / large.elapsedInMs, 2))}× the uncapped time: the default growth is heap slack V8 allows itself, not rows kept`,
    }),
  ];
}
