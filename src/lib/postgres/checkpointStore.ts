import { randomUUID } from 'node:crypto';

import type pg from 'pg';

import {
  CheckpointConflictError,
  type CheckpointStore,
  parseCheckpoint,
  type StoredCheckpoint,
  type SyncCheckpoint,
} from '../sync';
import { CHECKPOINTS_TABLE, qualified } from './identifiers';

/** SQLSTATE undefined_table: the target never ran, so no checkpoint exists yet. */
const UNDEFINED_TABLE = '42P01';

/**
 * Writes a checkpoint row on `client` (inside the page's transaction, or alone), conditional on
 * the ETag read, like the blob store: a stale writer gets CheckpointConflictError.
 */
export async function writeCheckpoint(
  client: pg.ClientBase,
  schema: string,
  job: string,
  checkpoint: SyncCheckpoint,
  expectedEtag: string | undefined,
): Promise<string> {
  const etag = randomUUID();
  const table = qualified(schema, CHECKPOINTS_TABLE);
  const body = JSON.stringify(checkpoint);
  const result =
    expectedEtag === undefined
      ? await client.query(
          `INSERT INTO ${table} (job, body, etag, updated_at) VALUES ($1, $2::jsonb, $3, now())
           ON CONFLICT (job) DO NOTHING`,
          [job, body, etag],
        )
      : await client.query(
          `UPDATE ${table} SET body = $2::jsonb, etag = $3, updated_at = now()
            WHERE job = $1 AND etag = $4`,
          [job, body, etag, expectedEtag],
        );
  if (result.rowCount !== 1) {
    throw new CheckpointConflictError(
      'Another run changed the checkpoint since this run read it; nothing of this page was committed',
      {
        step: 'PostgreSQL checkpoint',
        environment: job,
        code: 'CheckpointConflict',
        hint: 'Two runs of the same table overlapped (a lease lost and taken over). The run that wrote last continues; nothing to do.',
      },
    );
  }
  return etag;
}

/** Reads a checkpoint row; undefined when the job (or the target) never ran. */
export async function readCheckpoint(
  client: pg.ClientBase,
  schema: string,
  job: string,
): Promise<StoredCheckpoint | undefined> {
  let result;
  try {
    result = await client.query<{ body: string; etag: string }>(
      `SELECT body::text AS body, etag FROM ${qualified(schema, CHECKPOINTS_TABLE)} WHERE job = $1`,
      [job],
    );
  } catch (error) {
    // Reading never creates anything (health reads too): no table yet means no checkpoint yet.
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return undefined;
    throw error;
  }
  const [row] = result.rows;
  if (row === undefined) return undefined;
  try {
    return { checkpoint: parseCheckpoint(row.body, job), etag: row.etag };
  } catch (error) {
    // Like a damaged blob: the engine resyncs in full and replaces it (ETag-conditional).
    const message = error instanceof Error ? error.message : 'unreadable checkpoint';
    return {
      checkpoint: { version: 2, generation: 0, lastRunAt: '' },
      etag: row.etag,
      damaged: message,
    };
  }
}

/** The CheckpointStore the engine uses for writes outside pages (reserving a generation, errors). */
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(
    private readonly run: <T>(
      step: string,
      job: string,
      work: (client: pg.ClientBase) => Promise<T>,
      prepare: boolean,
    ) => Promise<T>,
    private readonly schema: string,
  ) {}

  async read(job: string): Promise<StoredCheckpoint | undefined> {
    return await this.run(
      'read checkpoint',
      job,
      (c) => readCheckpoint(c, this.schema, job),
      false,
    );
  }

  async write(
    job: string,
    checkpoint: SyncCheckpoint,
    expectedEtag: string | undefined,
  ): Promise<string> {
    return await this.run(
      'write checkpoint',
      job,
      (c) => writeCheckpoint(c, this.schema, job, checkpoint, expectedEtag),
      true,
    );
  }
}
