import type { TableEntity, TransactionAction } from '@azure/data-tables';

import { compareVersions } from './rows';
import { edmProperty } from './tableEdm';
import type { SinkTable, SyncRow } from './types';

/** What the mirror holds for a row, as far as the version guard needs to know. */
export interface ExistingRow {
  readonly version: string;
  readonly generation: number;
  readonly etag: string;
}

/** One row's planned change: the transaction action plus how it counts. */
export interface PlannedAction {
  readonly action: TransactionAction;
  readonly counts: 'created' | 'updated' | 'deleted' | 'skipped';
}

export type MirrorEntity = TableEntity;

/**
 * The generation mark as stored: always Edm.Double, so a sweep filter (which must compare equal
 * types) finds every mark, whatever its size (generations are millisecond timestamps).
 */
export function generationMark(generation: number): { value: number; type: 'Double' } {
  return { value: generation, type: 'Double' };
}

/** The id of a row: its primary id column's value (lowercase GUID). */
export function rowId(table: SinkTable, row: SyncRow): string {
  return String(row[table.primaryIdAttribute]);
}

/**
 * Table entity of a row: PartitionKey = environment, RowKey = primary id, one property per
 * target column typed from metadata (see tableEdm.ts), nulls omitted (absence is how Table
 * storage says null), and the generation mark.
 */
export function toEntity(
  environment: string,
  table: SinkTable,
  row: SyncRow,
  generation: number,
): MirrorEntity {
  const entity: MirrorEntity = { partitionKey: environment, rowKey: rowId(table, row) };
  for (const column of table.columns) {
    const value = row[column.name];
    if (value === null || value === undefined) continue;
    entity[column.name] = edmProperty(value, column.type);
  }
  entity.syncGeneration = generationMark(generation);
  return entity;
}

/**
 * Plans the change for one upserted row. A row is written only if its version is newer than
 * the mirror's, so a replayed page never moves a row backwards. Seen again by a newer full
 * round, an equal version is rewritten (same data, perhaps more or fewer columns) and an older
 * one only gets the generation mark: the sweep after that round must keep both.
 */
export function planUpsert(
  environment: string,
  table: SinkTable,
  row: SyncRow,
  generation: number,
  existing: ExistingRow | undefined,
): PlannedAction | undefined {
  if (existing === undefined) {
    return { action: ['create', toEntity(environment, table, row, generation)], counts: 'created' };
  }
  const order = compareVersions(String(row.versionnumber), existing.version);
  if (order > 0) {
    const entity = toEntity(environment, table, row, Math.max(generation, existing.generation));
    return { action: ['update', entity, 'Replace', { etag: existing.etag }], counts: 'updated' };
  }
  if (generation <= existing.generation) return undefined;
  if (order === 0) {
    // The same row state, seen by a newer full round: refresh the values too, because that
    // round may select other columns (a column added to the configuration gets filled here).
    const entity = toEntity(environment, table, row, generation);
    return { action: ['update', entity, 'Replace', { etag: existing.etag }], counts: 'skipped' };
  }
  const mark = {
    partitionKey: environment,
    rowKey: rowId(table, row),
    syncGeneration: generationMark(generation),
  };
  return { action: ['update', mark, 'Merge', { etag: existing.etag }], counts: 'skipped' };
}

/** Plans a deletion: only rows the mirror holds (a transaction fails on a missing row). */
export function planDelete(
  environment: string,
  id: string,
  existing: ExistingRow | undefined,
): PlannedAction | undefined {
  if (existing === undefined) return undefined;
  return { action: ['delete', { partitionKey: environment, rowKey: id }], counts: 'deleted' };
}

/**
 * Collapses a page to one operation per id: the newest version of repeated upserts, and a
 * deletion wins over an upsert of the same id (Dataverse lists deletions after changes).
 */
export function normalisePage(
  table: SinkTable,
  upserts: readonly SyncRow[],
  deletes: readonly string[],
): { upserts: Map<string, SyncRow>; deletes: Set<string> } {
  const deleteSet = new Set(deletes.map((id) => id.toLowerCase()));
  const upsertMap = new Map<string, SyncRow>();
  for (const row of upserts) {
    const id = rowId(table, row);
    if (deleteSet.has(id)) continue;
    const previous = upsertMap.get(id);
    if (
      previous === undefined ||
      compareVersions(String(row.versionnumber), String(previous.versionnumber)) > 0
    ) {
      upsertMap.set(id, row);
    }
  }
  return { upserts: upsertMap, deletes: deleteSet };
}
