import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { odata, type TableClient } from '@azure/data-tables';
import { type RunningAzurite, startAzurite } from '@dataverse-s2s/testbed';
import { expect } from 'vitest';

import { BlobLeaseProvider } from '../../../src/lib/sync/blobLease';
import { BlobCheckpointStore } from '../../../src/lib/sync/checkpointStore';
import { HttpSink, type HttpSinkOptions, WebhookTarget } from '../../../src/lib/sync/httpSink';
import {
  createSyncStorageClients,
  type SyncStorageClients,
} from '../../../src/lib/sync/storageClients';
import type { SyncTableDeps } from '../../../src/lib/sync/syncTable';
import { TableSink } from '../../../src/lib/sync/tableSink';
import type { SyncSink, SyncTarget } from '../../../src/lib/sync/types';
import type { Logger } from '../../../src/lib/util';
import { accountTable } from './accountTable';
import { type FakeAccountSource } from './fakeSource';

type Row = Record<string, string | number | boolean | null>;

/** Azurite in a temp folder (so `restart()` keeps data) plus clients with short retries. */
export interface StorageHarness {
  azurite: RunningAzurite;
  storage: SyncStorageClients;
  checkpoints: BlobCheckpointStore;
  dispose(): Promise<void>;
}

export async function startStorageHarness(): Promise<StorageHarness> {
  const location = mkdtempSync(join(tmpdir(), 'azurite-sync-'));
  const azurite = await startAzurite({ location });
  // Short retries: tests stop storage on purpose and must fail in seconds, not minutes.
  const storage = createSyncStorageClients(
    { settingName: 'AzureWebJobsStorage', connectionString: azurite.connectionString },
    {
      blobPipeline: {
        retryOptions: {
          maxTries: 2,
          retryDelayInMs: 50,
          maxRetryDelayInMs: 200,
          tryTimeoutInMs: 5_000,
        },
      },
      tableRetry: { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
    },
  );
  return {
    azurite,
    storage,
    checkpoints: new BlobCheckpointStore(storage.container),
    dispose: async () => {
      await azurite.stop();
      rmSync(location, { recursive: true, force: true });
    },
  };
}

let environmentCounter = 0;
/** A fresh environment name per test: its own partition, checkpoint and lock blob. */
export function newEnvironment(prefix: string): string {
  environmentCounter += 1;
  return `${prefix}-${String(environmentCounter)}-${String(process.pid)}`;
}

/** Captures log lines for assertions. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

/** A target whose every table goes to `sink` (the engine asks for one sink per table). */
export function targetOf(sink: SyncSink): SyncTarget {
  return { sinkFor: () => sink };
}

/** Deps for the account table of one environment against the harness storage. */
export function syncDeps(
  harness: StorageHarness,
  source: FakeAccountSource,
  environment: string,
  sink: SyncSink,
  overrides: Partial<SyncTableDeps> = {},
): SyncTableDeps {
  const logger = overrides.logger ?? captureLogger();
  return {
    client: source.client(environment),
    table: 'account',
    describeTable: () => Promise.resolve(accountTable()),
    target: targetOf(sink),
    checkpoints: harness.checkpoints,
    leases: new BlobLeaseProvider(harness.storage.container, { logger }),
    logger,
    options: { pageSize: 25 },
    ...overrides,
  };
}

/** The checkpoint key of the account table of `environment`. */
export function accountJob(environment: string): string {
  return `${environment}/account`;
}

/** The webhook target's sink for the account table. */
export function webhookSink(options: HttpSinkOptions): HttpSink {
  return new WebhookTarget(options).sinkFor(accountTable());
}

export function tableSink(harness: StorageHarness): TableSink {
  return new TableSink(harness.storage.table('accounts'));
}

/** A typed table property as a test compares it: the Guid's text, an Int64's digits. */
function plainValue(value: unknown): string | number | boolean | null {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'object' && value !== null && 'value' in value)
    return plainValue(value.value);
  return value as string | number | boolean | null;
}

/** The table mirror of one environment, shaped like FakeAccountSource.snapshot(). */
export async function readTableMirror(
  table: TableClient,
  environment: string,
): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  for await (const entity of table.listEntities({
    queryOptions: { filter: odata`PartitionKey eq ${environment}` },
  })) {
    const {
      partitionKey: _pk,
      rowKey,
      etag: _etag,
      timestamp: _ts,
      syncGeneration: _gen,
      ...columns
    } = entity;
    rows.set(
      String(rowKey),
      Object.fromEntries(Object.entries(columns).map(([name, value]) => [name, plainValue(value)])),
    );
  }
  return rows;
}

/** Source snapshot as Table storage can hold it: nulls are absent properties. */
export function withoutNulls(rows: Map<string, Row>): Map<string, Row> {
  const result = new Map<string, Row>();
  for (const [id, row] of rows) {
    result.set(id, Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)));
  }
  return result;
}

/** Sorted entries, so a failed comparison shows a readable diff. */
export function sorted(rows: Map<string, Row>): [string, Row][] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The mirror partition of `environment` holds exactly the source's rows (nulls omitted). */
export async function expectTableMirrorEqualsSource(
  harness: StorageHarness,
  source: { snapshot(): Map<string, Row> },
  environment: string,
): Promise<void> {
  const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
  expect(sorted(mirror)).toEqual(sorted(withoutNulls(source.snapshot())));
}
