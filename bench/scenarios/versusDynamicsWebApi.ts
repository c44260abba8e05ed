/**
 * Scenario 2: this project's page iterator against dynamics-web-api's retrieveAll, same
 * simulator, same rows, same $select and page size, each run in its own fresh process.
 * Runs alternate (ours, theirs, ours, theirs) and each client keeps its better run, so a
 * burst of load from the machine's other users hurts both alike.
 */
import { ENV } from '../support/bed';
import { runChild } from '../support/child';
import { connectionTo } from '../support/connection';
import { type BenchContext, count } from '../support/context';
import { atMost, type Figure, reported, round } from '../support/figures';
import { PAGE_SIZE } from '../support/profile';
import type { ReadChildOutput, Reader } from '../support/readRun';
import { SYNC_COLUMNS } from '../support/syncRun';

const SCENARIO = '2 vs dynamics-web-api';
const RUNS_PER_CLIENT = 2;

interface Best {
  elapsedInMs: number;
  peakRssInMb: number;
}

function better(a: Best | undefined, b: ReadChildOutput): Best {
  return a === undefined
    ? { elapsedInMs: b.elapsedInMs, peakRssInMb: b.peakRssInMb }
    : {
        elapsedInMs: Math.min(a.elapsedInMs, b.elapsedInMs),
        peakRssInMb: Math.min(a.peakRssInMb, b.peakRssInMb),
      };
}

export async function versusDynamicsWebApi(context: BenchContext): Promise<Figure[]> {
  const environment = context.bed.dataverse.environment(ENV.compare);
  const rows = environment.accountCount();
  const read = async (reader: Reader): Promise<ReadChildOutput> => {
    const output = await runChild('read', {
      reader,
      connection: connectionTo(context.bed, environment),
      columns: SYNC_COLUMNS,
      pageSize: PAGE_SIZE,
    });
    if (output.rows !== rows)
      throw new Error(`${reader} read ${String(output.rows)} of ${String(rows)} rows`);
    context.log(
      `  ${reader}: ${round(output.elapsedInMs / 1000, 2)} s, peak RSS ${round(output.peakRssInMb, 0)} MB`,
    );
    return output;
  };
  context.log(`  ${count(rows)} accounts, ${String(PAGE_SIZE)}/page, no modelled latency`);
  let ours: Best | undefined;
  let theirs: Best | undefined;
  for (let run = 0; run < RUNS_PER_CLIENT; run += 1) {
    ours = better(ours, await read('project'));
    theirs = better(theirs, await read('dynamics-web-api'));
  }
  const floor = await read('bare');
  if (ours === undefined || theirs === undefined) throw new Error('no runs');
  const seconds = (b: Best): string => `${String(round(b.elapsedInMs / 1000, 2))} s`;
  const megabytes = (b: Best): string => `${String(round(b.peakRssInMb, 0))} MB`;
  return [
    atMost(
      {
        scenario: SCENARIO,
        figure: `time, ${count(rows)} rows: ours / dynamics-web-api`,
        value: round(ours.elapsedInMs / theirs.elapsedInMs, 2),
        unit: '×',
        detail: `queryPages ${seconds(ours)} vs retrieveAll ${seconds(theirs)} (better of ${String(RUNS_PER_CLIENT)} runs each)`,
      },
      1.0,
      '≤ 1.0×',
    ),
    atMost(
      {
        scenario: SCENARIO,
        figure: `peak RSS, ${count(rows)} rows: ours / dynamics-web-api`,
        value: round(ours.peakRssInMb / theirs.peakRssInMb, 2),
        unit: '×',
        detail: `queryPages ${megabytes(ours)} vs retrieveAll ${megabytes(theirs)}`,
      },
      0.5,
      '≤ 0.5×',
    ),
    reported({
      scenario: SCENARIO,
      figure: 'floor: bare node:https + JSON.parse reader, peak RSS / dynamics-web-api',
      value: round(floor.peakRssInMb / theirs.peakRssInMb, 2),
      unit: '×',
      detail: `bare reader ${String(round(floor.peakRssInMb, 0))} MB, ${String(round(floor.elapsedInMs / 1000, 2))} s: what any ${String(PAGE_SIZE)}-row page-at-a-time reader costs here`,
    }),
  ];
}
