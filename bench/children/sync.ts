/**
 * Child process: one full change-tracking sync of one environment into a discarding, counting
 * or Azurite table target, with this project's engine (syncTable) and client. Reports
 * rows, wall time, the client's throttling stats and the process's peak RSS.
 */
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';

import { readTableDefinition } from '../../src/lib/schema';
import {
  BlobCheckpointStore,
  BlobLeaseProvider,
  type CheckpointStore,
  type LeaseProvider,
  SYNC_CONTAINER_NAME,
  type SyncSink,
  syncTable,
  TableSink,
} from '../../src/lib/sync';
import { silentLogger } from '../../src/lib/util';
import { childInput, peakRssInMb, reportFromChild } from '../support/child';
import { projectClient } from '../support/connection';
import { FreeLeaseProvider, MemoryCheckpointStore } from '../support/memoryStores';
import { CountingSink, DiscardingSink } from '../support/sinks';
import { SYNC_COLUMNS, type SyncChildInput, type SyncChildOutput } from '../support/syncRun';

interface Wiring {
  readonly sink: SyncSink;
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseProvider;
}

/** The table target runs with its real companions (blob checkpoints and lease); the others in memory. */
function wire(input: SyncChildInput): Wiring {
  if (input.sink !== 'table') {
    return {
      sink: input.sink === 'count' ? new CountingSink() : new DiscardingSink(),
      checkpoints: new MemoryCheckpointStore(),
      leases: new FreeLeaseProvider(),
    };
  }
  const storage = input.storage;
  if (storage === undefined) throw new Error('the table sink needs storage');
  const container = BlobServiceClient.fromConnectionString(
    storage.connectionString,
  ).getContainerClient(SYNC_CONTAINER_NAME);
  const table = TableClient.fromConnectionString(storage.connectionString, storage.tableName, {
    allowInsecureConnection: true,
  });
  return {
    sink: new TableSink(table),
    checkpoints: new BlobCheckpointStore(container),
    leases: new BlobLeaseProvider(container, { logger: silentLogger }),
  };
}

reportFromChild('sync', async (): Promise<SyncChildOutput> => {
  const input = childInput('sync');
  const client = projectClient(input.connection);
  const { sink, checkpoints, leases } = wire(input);
  const started = performance.now();
  const result = await syncTable({
    client,
    table: 'account',
    describeTable: (signal) =>
      readTableDefinition(
        client,
        { logicalName: 'account', columns: SYNC_COLUMNS },
        { setting: 'SYNC_TABLES', signal },
      ),
    target: { sinkFor: () => sink },
    checkpoints,
    leases,
    logger: silentLogger,
    options: { pageSize: input.pageSize, full: true },
  });
  const elapsedInMs = performance.now() - started;
  client.close();
  const { requests, throttledResponses, throttledWaitInMs, retries } = client.stats();
  return {
    outcome: result.outcome,
    error: result.error,
    rows: result.rows,
    pages: result.pages,
    distinctRows: sink instanceof CountingSink ? sink.ids.size : undefined,
    elapsedInMs,
    peakRssInMb: peakRssInMb(),
    stats: { requests, throttledResponses, throttledWaitInMs, retries },
  };
});
