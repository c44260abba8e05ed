/**
 * Scenario 1: full-sync throughput against the limit the latency model sets for a sequential
 * change-tracking reader, into a discarding target and into the mirror table on Azurite.
 */
import { type LatencyModel, theoreticalRowsPerSecond } from '@dataverse-s2s/testbed';

import { ENV } from '../support/bed';
import { runChild } from '../support/child';
import { connectionTo } from '../support/connection';
import { type BenchContext, count } from '../support/context';
import { atLeast, type Figure, reported, round } from '../support/figures';
import { EXAMPLE_LATENCY, EXPORT_LATENCY, PAGE_SIZE, TABLE_PAGE_SIZE } from '../support/profile';
import type { SyncChildInput, SyncChildOutput } from '../support/syncRun';

const SCENARIO = '1 export throughput';

function describeModel(model: LatencyModel, pageSize: number): string {
  return `${String(model.perRequestMs)} ms + ${String(model.perRowMs)} ms/row, ${String(pageSize)}/page`;
}

async function sync(
  context: BenchContext,
  environment: string,
  input: Omit<SyncChildInput, 'connection'>,
): Promise<SyncChildOutput> {
  const { bed } = context;
  const output = await runChild('sync', {
    ...input,
    connection: connectionTo(bed, bed.dataverse.environment(environment)),
  });
  const expected = bed.dataverse.environment(environment).accountCount();
  if (output.outcome !== 'synced' || output.rows !== expected) {
    throw new Error(
      `sync of ${environment} ended ${output.outcome} with ${String(output.rows)}/${String(expected)} rows: ${output.error ?? ''}`,
    );
  }
  return output;
}

function rowsPerSecond(output: { rows: number; elapsedInMs: number }): number {
  return (output.rows * 1000) / output.elapsedInMs;
}

async function discardingTarget(context: BenchContext): Promise<Figure[]> {
  const rows = context.profile.exportRows;
  context.log(
    `  discarding target: ${count(rows)} accounts, ${describeModel(EXPORT_LATENCY, PAGE_SIZE)}`,
  );
  const modelled = await sync(context, ENV.export, { sink: 'discard', pageSize: PAGE_SIZE });
  context.log('  same rows, no modelled latency (what the model leaves out)');
  const bare = await sync(context, ENV.calibration, { sink: 'discard', pageSize: PAGE_SIZE });
  context.log(
    `  same rows, the issue's example model ${describeModel(EXAMPLE_LATENCY, PAGE_SIZE)}`,
  );
  const example = await sync(context, ENV.example, { sink: 'discard', pageSize: PAGE_SIZE });

  const limit = theoreticalRowsPerSecond(PAGE_SIZE, EXPORT_LATENCY);
  const rate = rowsPerSecond(modelled);
  const unmodelledPerPageInMs = bare.elapsedInMs / bare.pages;
  const exampleLimit = theoreticalRowsPerSecond(PAGE_SIZE, EXAMPLE_LATENCY);
  const exampleRate = rowsPerSecond(example);
  const modelledPageInMs = 1000 * (PAGE_SIZE / limit);
  return [
    atLeast(
      {
        scenario: SCENARIO,
        figure: `discarding target, ${count(rows)} rows: rate / source limit`,
        value: round((100 * rate) / limit, 1),
        unit: '%',
        detail: `${count(Math.round(rate))} rows/s in ${round(modelled.elapsedInMs / 1000, 1)} s vs limit ${count(Math.round(limit))} rows/s (${describeModel(EXPORT_LATENCY, PAGE_SIZE)})`,
      },
      90,
      '≥ 90%',
    ),
    reported({
      scenario: SCENARIO,
      figure: 'cost per page the model leaves out (same sync, zero latency)',
      value: round(unmodelledPerPageInMs, 1),
      unit: 'ms',
      detail: `simulator JSON + TLS + client parse, sequential with the fetch; predicts ≤ ${round((100 * modelledPageInMs) / (modelledPageInMs + unmodelledPerPageInMs), 1)}% of the limit`,
    }),
    reported({
      scenario: SCENARIO,
      figure: 'discarding target: rate / (modelled + unmodelled cost per page)',
      value: round(
        (100 * rate * (modelledPageInMs + unmodelledPerPageInMs)) / (PAGE_SIZE * 1000),
        1,
      ),
      unit: '%',
      detail: `the sequential floor both runs of this scenario measured: ${String(round(modelledPageInMs, 0))} + ${String(round(unmodelledPerPageInMs, 0))} ms per ${String(PAGE_SIZE)}-row page`,
    }),
    reported({
      scenario: SCENARIO,
      figure: "discarding target with the issue's example model: rate / limit",
      value: round((100 * exampleRate) / exampleLimit, 1),
      unit: '%',
      detail: `${count(Math.round(exampleRate))} rows/s vs limit ${count(Math.round(exampleLimit))} rows/s (${describeModel(EXAMPLE_LATENCY, PAGE_SIZE)})`,
    }),
  ];
}

async function tableTarget(context: BenchContext): Promise<Figure[]> {
  const azurite = context.bed.azurite;
  if (azurite === undefined) throw new Error('the table scenario needs Azurite');
  const environment = context.bed.dataverse.environment(ENV.table);
  const rows = environment.accountCount();
  context.log(`  table sink alone writing the same ${count(rows)} rows to Azurite`);
  const alone = await runChild('tableWrite', {
    connection: connectionTo(context.bed, environment),
    connectionString: azurite.connectionString,
    tableName: 'benchsinkalone',
    environment: ENV.table,
    seed: 2,
    rows,
    pageSize: TABLE_PAGE_SIZE,
  });
  context.log(
    `  full sync into the table target, ${describeModel(EXPORT_LATENCY, TABLE_PAGE_SIZE)}`,
  );
  const synced = await sync(context, ENV.table, {
    sink: 'table',
    pageSize: TABLE_PAGE_SIZE,
    storage: { connectionString: azurite.connectionString, tableName: 'benchsync' },
  });
  const sourceLimit = theoreticalRowsPerSecond(TABLE_PAGE_SIZE, EXPORT_LATENCY);
  const writeRate = (alone.rows * 1000) / alone.writeInMs;
  const slower = Math.min(sourceLimit, writeRate);
  const rate = rowsPerSecond(synced);
  return [
    atLeast(
      {
        scenario: SCENARIO,
        figure: `table target on Azurite, ${count(rows)} rows: rate / slower limit`,
        value: round((100 * rate) / slower, 1),
        unit: '%',
        detail: `${count(Math.round(rate))} rows/s vs min(source ${count(Math.round(sourceLimit))}, table sink alone ${count(Math.round(writeRate))}) rows/s`,
      },
      85,
      '≥ 85%',
    ),
  ];
}

export async function exportThroughput(context: BenchContext): Promise<Figure[]> {
  return [...(await discardingTarget(context)), ...(await tableTarget(context))];
}
