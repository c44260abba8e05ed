/**
 * Child process: the table sink alone writing the rows a full sync would deliver (generated
 * from the simulator's seeded generator, projected like the engine does) into an empty
 * partition on Azurite. Times only applyPage, so the figure is the target's write rate.
 */
import { TableClient } from '@azure/data-tables';
import { generateBaseAccount } from '@dataverse-s2s/testbed';

import { readTableDefinition, type TableDefinition } from '../../src/lib/schema';
import { projectPageRows, type SyncRow, TableSink } from '../../src/lib/sync';
import { childInput, peakRssInMb, reportFromChild } from '../support/child';
import { projectClient } from '../support/connection';
import {
  SYNC_COLUMNS,
  type TableWriteChildInput,
  type TableWriteChildOutput,
} from '../support/syncRun';

function page(input: TableWriteChildInput, start: number, table: TableDefinition): SyncRow[] {
  const rows: Record<string, unknown>[] = [];
  const end = Math.min(input.rows, start + input.pageSize);
  for (let position = start; position < end; position += 1) {
    const account = generateBaseAccount(input.seed, position) as unknown as Record<string, unknown>;
    rows.push({ ...account, '@odata.etag': `W/"${String(account.versionnumber)}"` });
  }
  return projectPageRows(rows, table, input.environment);
}

/** account's definition as the engine reads it, so rows are shaped exactly like in a sync. */
async function accountDefinition(input: TableWriteChildInput): Promise<TableDefinition> {
  const client = projectClient(input.connection);
  try {
    return await readTableDefinition(
      client,
      { logicalName: 'account', columns: SYNC_COLUMNS },
      { setting: 'SYNC_TABLES' },
    );
  } finally {
    client.close();
  }
}

reportFromChild('tableWrite', async (): Promise<TableWriteChildOutput> => {
  const input = childInput('tableWrite');
  const table = TableClient.fromConnectionString(input.connectionString, input.tableName, {
    allowInsecureConnection: true,
  });
  const sink = new TableSink(table);
  const definition = await accountDefinition(input);
  const signal = new AbortController().signal;
  let writeInMs = 0;
  let rows = 0;
  for (let start = 0, sequence = 0; start < input.rows; start += input.pageSize, sequence += 1) {
    const upserts = page(input, start, definition);
    const began = performance.now();
    await sink.applyPage(
      {
        environment: input.environment,
        table: definition,
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
