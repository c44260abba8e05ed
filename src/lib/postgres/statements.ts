import type pg from 'pg';

import type { SinkTable, SyncRow } from '../sync';
import {
  ENVIRONMENT_COLUMN,
  GENERATION_COLUMN,
  LABELS_TABLE,
  qualified,
  quoteIdent,
  SYNCED_AT_COLUMN,
} from './identifiers';
import { fromWire, toWire, wireArrayType } from './sqlTypes';

/** Rows per statement: large enough to amortise a round trip, small enough to bound memory. */
export const ROWS_PER_STATEMENT = 1000;

/**
 * The upsert of one chunk, with the version guard in the statement itself: a row is written
 * only when its version is newer; a newer full round (higher generation) rewrites an equal
 * version and only re-marks an older one, so the sweep after that round keeps both (the table
 * target's planUpsert, in SQL). Rows travel as one array per column through `unnest`, so a
 * chunk of any size is one statement with a fixed number of parameters.
 *
 * `prior` reads the versions before the insert (all CTEs see one snapshot) so the result can
 * tell created, updated (newer version) and skipped apart.
 */
export function upsertStatement(schema: string, table: SinkTable): string {
  const t = qualified(schema, table.logicalName);
  const id = quoteIdent(table.primaryIdAttribute);
  const version = quoteIdent('versionnumber');
  const refs = table.columns.map((_, index) => `c${String(index)}`);
  const idRef = refs[table.columns.findIndex((column) => column.role === 'id')] ?? 'c0';
  const arrays = table.columns.map(
    (column, index) => `$${String(index + 3)}::${wireArrayType(column.type)}`,
  );
  const names = table.columns.map((column) => quoteIdent(column.name));
  const values = table.columns.map((column, index) => fromWire(column.type, refs[index] ?? ''));
  const newer = `excluded.${version} >= t.${version}`;
  const sets = table.columns
    .filter((column) => column.role !== 'id' && column.role !== 'version')
    .map((column) => {
      const name = quoteIdent(column.name);
      return `${name} = CASE WHEN ${newer} THEN excluded.${name} ELSE t.${name} END`;
    });
  const generation = quoteIdent(GENERATION_COLUMN);
  const syncedAt = quoteIdent(SYNCED_AT_COLUMN);
  const environment = quoteIdent(ENVIRONMENT_COLUMN);
  return `WITH incoming AS (
  SELECT * FROM unnest(${arrays.join(', ')}) AS u(${refs.join(', ')})
), prior AS (
  SELECT p.${id} AS id, p.${version} AS v FROM ${t} p
   WHERE p.${environment} = $1 AND p.${id} IN (SELECT ${idRef} FROM incoming)
), written AS (
  INSERT INTO ${t} AS t (${environment}, ${names.join(', ')}, ${generation}, ${syncedAt})
  SELECT $1, ${values.join(', ')}, $2, now() FROM incoming
  ON CONFLICT (${environment}, ${id}) DO UPDATE SET
    ${[...sets, `${version} = GREATEST(excluded.${version}, t.${version})`, `${generation} = GREATEST(excluded.${generation}, t.${generation})`, `${syncedAt} = CASE WHEN ${newer} THEN excluded.${syncedAt} ELSE t.${syncedAt} END`].join(',\n    ')}
  WHERE excluded.${version} > t.${version} OR excluded.${generation} > t.${generation}
  RETURNING t.${id} AS id, (t.xmax = 0) AS inserted, t.${version} AS v
)
SELECT count(*) FILTER (WHERE w.inserted)::int AS created,
       count(*) FILTER (WHERE NOT w.inserted AND w.v > p.v)::int AS updated
  FROM written w LEFT JOIN prior p ON p.id = w.id`;
}

/** The statement's column arrays for a chunk of rows ($3 onwards). */
export function upsertParameters(table: SinkTable, rows: readonly SyncRow[]): unknown[] {
  return table.columns.map((column) => rows.map((row) => toWire(row[column.name])));
}

export interface ChunkCounts {
  readonly created: number;
  readonly updated: number;
}

export async function upsertChunk(
  client: pg.ClientBase,
  statement: string,
  table: SinkTable,
  environment: string,
  generation: number,
  rows: readonly SyncRow[],
): Promise<ChunkCounts> {
  const result = await client.query<{ created: number; updated: number }>(statement, [
    environment,
    String(generation),
    ...upsertParameters(table, rows),
  ]);
  const [counts] = result.rows;
  return { created: counts?.created ?? 0, updated: counts?.updated ?? 0 };
}

/** Deletes rows by id; returns how many existed. */
export async function deleteRows(
  client: pg.ClientBase,
  schema: string,
  table: SinkTable,
  environment: string,
  ids: readonly string[],
): Promise<number> {
  const result = await client.query(
    `DELETE FROM ${qualified(schema, table.logicalName)}
      WHERE ${quoteIdent(ENVIRONMENT_COLUMN)} = $1 AND ${quoteIdent(table.primaryIdAttribute)} = ANY($2::uuid[])`,
    [environment, ids],
  );
  return result.rowCount ?? 0;
}

/** The sweep after a full round, inside the database: rows the round did not mark. */
export async function sweepRows(
  client: pg.ClientBase,
  schema: string,
  table: string,
  environment: string,
  generation: number,
): Promise<number> {
  const result = await client.query(
    `DELETE FROM ${qualified(schema, table)}
      WHERE ${quoteIdent(ENVIRONMENT_COLUMN)} = $1 AND ${quoteIdent(GENERATION_COLUMN)} < $2`,
    [environment, String(generation)],
  );
  return result.rowCount ?? 0;
}

/**
 * Replaces an environment's labels of one table with those of its metadata (one language: the
 * run's label language), so a renamed option shows its new label in joins at once.
 */
export async function refreshLabels(
  client: pg.ClientBase,
  schema: string,
  table: SinkTable,
  environment: string,
): Promise<void> {
  const labels = qualified(schema, LABELS_TABLE);
  const environmentColumn = quoteIdent(ENVIRONMENT_COLUMN);
  await client.query(`DELETE FROM ${labels} WHERE ${environmentColumn} = $1 AND table_name = $2`, [
    environment,
    table.logicalName,
  ]);
  const columns: string[] = [];
  const values: number[] = [];
  const texts: string[] = [];
  for (const attribute of table.attributes ?? []) {
    for (const [value, label] of attribute.labels ?? []) {
      columns.push(attribute.logicalName);
      values.push(value);
      texts.push(label);
    }
  }
  if (columns.length === 0 || table.labelLanguage === undefined) return;
  await client.query(
    `INSERT INTO ${labels} (${environmentColumn}, table_name, column_name, value, language, label)
     SELECT $1, $2, u.column_name, u.value, $3, u.label
       FROM unnest($4::text[], $5::integer[], $6::text[]) AS u(column_name, value, label)`,
    [environment, table.logicalName, table.labelLanguage, columns, values, texts],
  );
}
