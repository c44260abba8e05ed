import { odata } from '@azure/data-tables';
import type { SimTableName, TestBed } from '@dataverse-s2s/testbed';

import { statusOf } from '../../src/lib/errors';
import { mirrorTableName } from '../../src/lib/settings';
import { checkpointBlobName, createSyncStorageClients, lockBlobName } from '../../src/lib/sync';
import { mapWithConcurrency } from '../../src/lib/util';

/** Storage calls in flight while resetting or counting (Azurite is one process). */
const CONCURRENCY = 8;

/** A mirror partition whose row count differs from its source table. */
export interface CountMismatch {
  readonly environment: string;
  readonly table: string;
  readonly source: number;
  readonly mirror: number;
}

function storageOf(bed: TestBed): ReturnType<typeof createSyncStorageClients> {
  const connectionString = bed.azurite?.connectionString;
  if (connectionString === undefined) throw new Error('the fan-out scenario needs Azurite');
  return createSyncStorageClients({ settingName: 'AzureWebJobsStorage', connectionString });
}

function jobsOf(
  environments: readonly string[],
  tables: readonly SimTableName[],
): { environment: string; table: SimTableName }[] {
  return environments.flatMap((environment) => tables.map((table) => ({ environment, table })));
}

/**
 * Removes the checkpoints and lock blobs of these jobs, so the next dispatch is a first full
 * load again (without it, a new mirror prefix would still start a full round, but as a resync
 * with a sweep: not the same work as the run it is compared with).
 */
export async function forgetSyncState(
  bed: TestBed,
  environments: readonly string[],
  tables: readonly SimTableName[],
): Promise<void> {
  const { container } = storageOf(bed);
  if (!(await container.exists())) return;
  await mapWithConcurrency(jobsOf(environments, tables), CONCURRENCY, async (job) => {
    const key = `${job.environment}/${job.table}`;
    await container
      .deleteBlob(checkpointBlobName(key), { deleteSnapshots: 'include' })
      .catch(ignoreNotFound);
    await container.deleteBlob(lockBlobName(key)).catch(ignoreNotFound);
  });
}

function ignoreNotFound(error: unknown): void {
  if (statusOf(error) !== 404) throw error;
}

/**
 * Every (environment, table) whose mirror partition under `prefix` holds a different number of
 * rows than the simulated table: empty when every mirror equals its source.
 */
export async function mirrorCountMismatches(
  bed: TestBed,
  prefix: string,
  environments: readonly string[],
  tables: readonly SimTableName[],
): Promise<CountMismatch[]> {
  const storage = storageOf(bed);
  const counts = await mapWithConcurrency(
    jobsOf(environments, tables),
    CONCURRENCY,
    async (job) => {
      const source = bed.dataverse.environment(job.environment).table(job.table).count();
      let mirror = 0;
      const entities = storage.table(mirrorTableName(prefix, job.table)).listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${job.environment}`, select: ['RowKey'] },
      });
      for await (const _ of entities) mirror += 1;
      return { ...job, source, mirror };
    },
  );
  return counts.filter((count) => count.source !== count.mirror);
}

/** Deletes the mirror tables under `prefix` (the next run starts with the same Azurite). */
export async function deleteMirrors(
  bed: TestBed,
  prefix: string,
  tables: readonly string[],
): Promise<void> {
  const storage = storageOf(bed);
  for (const table of tables) await storage.table(mirrorTableName(prefix, table)).deleteTable();
}
