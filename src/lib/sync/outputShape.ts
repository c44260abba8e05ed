import { createHash } from 'node:crypto';

import type { ColumnType, TableDefinition } from '../schema';
import type { OutputShape, StoredCheckpoint } from './types';

/** A column type as the checkpoint records it, e.g. `decimal(4)`, `text`. */
export function typeText(type: ColumnType): string {
  return type.name === 'decimal' ? `decimal(${String(type.scale)})` : type.name;
}

/**
 * The shape a run writes: the entity set, its target columns with types (sorted), the
 * destination, and the language of its label columns (when it has any).
 */
export function outputShape(table: TableDefinition, destination: string): OutputShape {
  const columns = table.columns.map((column) => `${column.name}:${typeText(column.type)}`);
  const hasLabels = table.columns.some((column) => column.role === 'label');
  const labels = labelDigests(table);
  return {
    entitySet: table.entitySet,
    columns: [...new Set(columns)].sort(),
    destination,
    ...(hasLabels ? { labelLanguage: table.labelLanguage } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
  };
}

/**
 * A short digest of each choice column's value → label map: renaming an option changes no
 * row's version, so without it unchanged rows would keep the old label for good.
 */
function labelDigests(table: TableDefinition): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const attribute of table.attributes) {
    if (attribute.labels === undefined) continue;
    const entries = [...attribute.labels].sort(([a], [b]) => a - b);
    digests[attribute.logicalName] = createHash('sha256')
      .update(JSON.stringify(entries))
      .digest('hex')
      .slice(0, 12);
  }
  return digests;
}

/** What a run must do about the difference between the stored shape and its own. */
export interface ShapeChange {
  /** Why a full round must start (the position cannot be continued), or undefined. */
  readonly resync: string | undefined;
  /** Columns the stored shape wrote that this run no longer writes (no resync needed). */
  readonly removed: readonly string[];
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown} and ${String(names.length - 10)} more` : shown;
}

/** `name:type` → [name, type]; earlier versions recorded bare names (type unknown). */
function splitColumn(column: string): [string, string | undefined] {
  const colon = column.indexOf(':');
  return colon === -1 ? [column, undefined] : [column.slice(0, colon), column.slice(colon + 1)];
}

/**
 * Why a stored checkpoint cannot be continued into `shape` — and so a full round must start —
 * and which columns stop being written. A position (deltaLink, nextLink) only means
 * "everything before it is in the target" for the shape it was made with: a new column would
 * stay empty (a full round backfills it), a column of another type would hold both, a new
 * destination would get only later changes. A removed column needs nothing: it stops being
 * written and the position stays valid.
 */
export function shapeChange(stored: StoredCheckpoint | undefined, shape: OutputShape): ShapeChange {
  const resync = (reason: string): ShapeChange => ({ resync: reason, removed: [] });
  if (stored === undefined)
    return resync('no checkpoint yet (a first sync, or the checkpoint was deleted)');
  if (stored.damaged !== undefined) return resync(`the checkpoint is damaged (${stored.damaged})`);
  const { deltaLink, round } = stored.checkpoint;
  if (deltaLink === undefined && round?.nextLink === undefined) {
    return resync(
      round === undefined
        ? 'no position yet (every earlier run failed before its first page)'
        : 'the previous full round stopped before its first page was saved',
    );
  }
  const before = stored.checkpoint.shape;
  if (before === undefined) {
    return resync(
      'the checkpoint was written by an earlier version that did not record its columns and destination',
    );
  }
  if (before.entitySet !== shape.entitySet)
    return resync(`the table changed (${before.entitySet} → ${shape.entitySet})`);
  if (before.destination !== shape.destination)
    return resync(`the destination changed (${before.destination} → ${shape.destination})`);
  const beforeTypes = new Map(before.columns.map(splitColumn));
  const nowTypes = new Map(shape.columns.map(splitColumn));
  const added = [...nowTypes.keys()].filter((name) => !beforeTypes.has(name));
  const retyped = [...nowTypes].filter(
    ([name, type]) => beforeTypes.has(name) && beforeTypes.get(name) !== type,
  );
  const removed = [...beforeTypes.keys()].filter((name) => !nowTypes.has(name));
  const parts = [
    ...(added.length === 0 ? [] : [`added ${listed(added)}`]),
    ...(retyped.length === 0
      ? []
      : [
          `retyped ${listed(
            retyped.map(
              ([name, type]) => `${name} (${beforeTypes.get(name) ?? 'untyped'} → ${type ?? '?'})`,
            ),
          )}`,
        ]),
  ];
  const relabelled = Object.keys(shape.labels ?? {}).filter(
    (column) =>
      before.labels?.[column] !== undefined && before.labels[column] !== shape.labels?.[column],
  );
  if (parts.length === 0 && relabelled.length > 0 && before.labelLanguage === shape.labelLanguage)
    return resync(`the choice labels changed (${listed(relabelled.sort())})`);
  // Labels in another language (SYNC_LABEL_LANGUAGE, or the organisation's base language
  // changed): unchanged rows would keep the old ones until they next change.
  if (
    parts.length === 0 &&
    before.labelLanguage !== undefined &&
    shape.labelLanguage !== undefined &&
    before.labelLanguage !== shape.labelLanguage
  )
    return resync(
      `the label language changed (${String(before.labelLanguage)} → ${String(shape.labelLanguage)})`,
    );
  if (parts.length > 0)
    return resync(
      `the columns changed (${[...parts, ...(removed.length === 0 ? [] : [`removed ${listed(removed)}`])].join('; ')})`,
    );
  return { resync: undefined, removed };
}
