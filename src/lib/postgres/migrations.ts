import type pg from 'pg';

import { IntegrationError } from '../errors';
import type { SinkTable } from '../sync';
import {
  CHECKPOINTS_TABLE,
  ENVIRONMENT_COLUMN,
  GENERATION_COLUMN,
  LABELS_TABLE,
  qualified,
  quoteIdent,
  SYNCED_AT_COLUMN,
} from './identifiers';
import { sameType, sqlType } from './sqlTypes';

/**
 * Every migration takes this advisory lock (key: the schema) inside its transaction, so two
 * instances starting at once migrate one after the other; the second finds the work done.
 */
const LOCK_NAMESPACE = 0x64767332; // "dvs2"

/** Runs `work` in a transaction holding the schema's migration lock. */
export async function withMigrationLock(
  client: pg.ClientBase,
  schema: string,
  work: () => Promise<void>,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, schema]);
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * The schema and the target's own tables: checkpoints (one row per job, ETag-conditional like
 * the blobs) and choice labels. Created only when missing, so a role that lacks CREATE still
 * works against tables an administrator created.
 */
export async function ensureBaseTables(client: pg.ClientBase, schema: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.rowCount === 0)
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const present = await existingColumns(client, schema, CHECKPOINTS_TABLE);
  if (present.size === 0) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${qualified(schema, CHECKPOINTS_TABLE)} (
        job text PRIMARY KEY, body jsonb NOT NULL, etag text NOT NULL,
        updated_at timestamp with time zone NOT NULL DEFAULT now())`,
    );
  }
  if ((await existingColumns(client, schema, LABELS_TABLE)).size === 0) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${qualified(schema, LABELS_TABLE)} (
        ${quoteIdent(ENVIRONMENT_COLUMN)} text NOT NULL, table_name text NOT NULL,
        column_name text NOT NULL, value integer NOT NULL, language integer NOT NULL,
        label text NOT NULL,
        PRIMARY KEY (${quoteIdent(ENVIRONMENT_COLUMN)}, table_name, column_name, language, value))`,
    );
  }
}

/**
 * One table per Dataverse table: created when missing, a column added when the table gains one
 * (additive only: a column no longer copied is kept, never dropped). A column whose type changed
 * in Dataverse is not converted behind anyone's back: the job fails naming it and the fix.
 */
export async function ensureTable(
  client: pg.ClientBase,
  schema: string,
  table: SinkTable,
  job: string,
): Promise<void> {
  const name = qualified(schema, table.logicalName);
  const present = await existingColumns(client, schema, table.logicalName);
  if (present.size === 0) {
    const columns = table.columns.map(
      (column) =>
        `${quoteIdent(column.name)} ${sqlType(column.type)}${column.role === 'id' || column.role === 'version' ? ' NOT NULL' : ''}`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${name} (
        ${quoteIdent(ENVIRONMENT_COLUMN)} text NOT NULL,
        ${columns.join(',\n        ')},
        ${quoteIdent(GENERATION_COLUMN)} bigint NOT NULL,
        ${quoteIdent(SYNCED_AT_COLUMN)} timestamp with time zone NOT NULL,
        PRIMARY KEY (${quoteIdent(ENVIRONMENT_COLUMN)}, ${quoteIdent(table.primaryIdAttribute)}))`,
    );
    return;
  }
  for (const column of table.columns) {
    const wanted = sqlType(column.type);
    const reported = present.get(column.name);
    if (reported === undefined) {
      await client.query(
        `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${wanted}`,
      );
    } else if (!sameType(reported, wanted)) {
      throw new IntegrationError(
        `Column ${column.name} of ${schema}.${table.logicalName} is ${reported}, but the Dataverse metadata now needs ${wanted}`,
        {
          step: 'PostgreSQL migration',
          environment: job,
          code: 'ColumnTypeChanged',
          hint: `Columns are never converted or dropped automatically. Convert it (ALTER TABLE ${schema}.${table.logicalName} ALTER COLUMN ${column.name} TYPE ${wanted} USING ...) or rename it away, then run the job again; it resyncs the table in full.`,
        },
      );
    }
  }
}

/** Column name → type (format_type) of a table; empty when the table does not exist. */
async function existingColumns(
  client: pg.ClientBase,
  schema: string,
  table: string,
): Promise<Map<string, string>> {
  const result = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema, table],
  );
  return new Map(result.rows.map((row) => [row.name, row.type]));
}
