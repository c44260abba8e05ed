import type { OutputShape, StoredCheckpoint } from './types';

/** The shape a run writes: the entity set, its selected columns (sorted), the destination. */
export function outputShape(
  entitySet: string,
  columns: readonly string[],
  destination: string,
): OutputShape {
  return { entitySet, columns: [...new Set(columns)].sort(), destination };
}

function listed(names: readonly string[]): string {
  return names.join(', ');
}

/**
 * Why a stored checkpoint cannot be continued into `shape` — and so a full round must start —
 * or undefined when it can. A position (deltaLink, nextLink) only means "everything before it
 * is in the target" for the shape it was made with: a new column would stay empty, a new
 * destination would get only later changes.
 */
export function resyncReason(
  stored: StoredCheckpoint | undefined,
  shape: OutputShape,
): string | undefined {
  if (stored === undefined)
    return 'no checkpoint yet (a first sync, or the checkpoint was deleted)';
  if (stored.damaged !== undefined) return `the checkpoint is damaged (${stored.damaged})`;
  const before = stored.checkpoint.shape;
  if (before === undefined) {
    return stored.checkpoint.deltaLink === undefined && stored.checkpoint.round === undefined
      ? undefined
      : 'the checkpoint was written by an earlier version that did not record its columns and destination';
  }
  if (before.entitySet !== shape.entitySet)
    return `the table changed (${before.entitySet} → ${shape.entitySet})`;
  if (before.destination !== shape.destination)
    return `the destination changed (${before.destination} → ${shape.destination})`;
  const added = shape.columns.filter((column) => !before.columns.includes(column));
  const removed = before.columns.filter((column) => !shape.columns.includes(column));
  if (added.length === 0 && removed.length === 0) return undefined;
  const parts = [
    ...(added.length === 0 ? [] : [`added ${listed(added)}`]),
    ...(removed.length === 0 ? [] : [`removed ${listed(removed)}`]),
  ];
  return `the columns changed (${parts.join('; ')})`;
}
