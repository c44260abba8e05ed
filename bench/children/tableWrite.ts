/**
 * Child process: the table sink alone writing the rows a full sync would deliver (generated
 * from the simulator's seeded generator, projected like the engine does) into an empty
 * partition on Azurite. Times only applyPage, so the figure is the target's write rate.
 */
import { TableClient } from '@azure/data-tables';
import { generateBaseAccount } from '@dataverse-s2s/testbed';

import { projectRow, type SyncRow, TableSink } from '../../src/lib/sync';
import { childInput, peakRssInMb, reportFromChild } from '../support/child';
import {
  SYNC_COLUMNS,
  type TableWriteChildInput,
  type TableWriteChildOutput,
} from '../support/syncRun';

function page(input: TableWriteChildInput, start: number, columns: readonly string[]): SyncRow[] {
  const rows: SyncRow[] = [];
  const end = Math.min(input.rows, start + input.pageSize);
  for (let position = start; position < end; position += 1) {
    const account = generateBaseAccount(input.seed, position) as unknown as Record<string, unknown>;
    const row = projectRow(
      { ...account, '@odata.etag': `W/"${String(account.versionnumber)}"` },
      columns,
    );
    if (row !== undefined) rows.push(row);
  }
  return rows;
}

reportFromChild('tableWrite', async (): Promise<TableWriteChildOutput> => {
  const input = childInput('tableWrite');
  const table = TableClient.fromConnectionString(input.connectionString, input.tableName, {
    allowInsecureConnection: true,
  });
  const sink = new TableSink(table);
  const columns = [...new Set(['accountid', 'versionnumber', ...SYNC_COLUMNS])];
  const signal = new AbortController().signal;
  let writeInMs = 0;
  let rows = 0;
  for (let start = 0, sequence = 0; start < input.rows; start += input.pageSize, sequence += 1) {
    const upserts = page(input, start, columns);
    const began = performance.now();
    await sink.applyPage(
      {
        environment: input.environment,
        upserts,
        deletes: [],
        generation: 1,
        roundKind: 'full',
        sequence,
      },
      signal,
    );
    writeInMs += performance.now() - began;
    rows += upserts.length;
  }
  return { rows, writeInMs, peakRssInMb: peakRssInMb() };
});
