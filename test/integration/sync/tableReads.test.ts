import { type RunningAzurite, startAzurite } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSyncStorageClients, type MirrorTable, TableSink } from '../../../src/lib/sync';
import { accountTable } from '../../lib/sync/accountTable';

/**
 * TableSink reads the rows it is about to write by point lookups (PartitionKey + RowKey). A
 * filter that ORs RowKeys would be a partition scan in Azure Table storage ("Design for
 * querying", learn.microsoft.com/azure/storage/tables/table-storage-design-for-query), which
 * would make a full load of N rows O(N²). This test records every query the sink makes.
 */
let azurite: RunningAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

/** The mirror table with every listEntities filter recorded. */
function recordingTable(filters: string[]): MirrorTable {
  const table = createSyncStorageClients({
    settingName: 'AzureWebJobsStorage',
    connectionString: azurite.connectionString,
  }).table('mirrorReads');
  return {
    tableName: table.tableName,
    createTable: (...args) => table.createTable(...args),
    getEntity: (...args) => table.getEntity(...args),
    submitTransaction: (...args) => table.submitTransaction(...args),
    listEntities: (options) => {
      filters.push(options?.queryOptions?.filter ?? '');
      return table.listEntities(options);
    },
  };
}

describe('table sink reads before it writes', () => {
  it('uses point lookups, never OR-ed RowKey filters (a partition scan each)', async () => {
    const filters: string[] = [];
    const sink = new TableSink(recordingTable(filters));
    const upserts = Array.from({ length: 40 }, (_, i) => ({
      accountid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      versionnumber: String(i + 1),
      name: `row ${String(i)}`,
    }));

    const result = await sink.applyPage(
      {
        environment: 'reads',
        table: accountTable(['name']),
        upserts,
        deletes: [],
        generation: 1,
        roundKind: 'full',
        sequence: 0,
      },
      new AbortController().signal,
    );

    expect(result.created).toBe(40);
    const scans = filters.filter((filter) => /RowKey eq .* or RowKey eq /.test(filter));
    expect(scans).toEqual([]);
  });
});
