import { odata, type TableClient } from '@azure/data-tables';
import type { AccountRow, SimEnvironment } from '@dataverse-s2s/testbed';

/** A mirrored row as a target holds it: column → value. */
export type MirrorRow = Record<string, string | number | boolean | null>;

/** How a target says "null": Table storage omits the property, the webhook sends null. */
export type NullStyle = 'omit' | 'keep';

/**
 * What the mirror of one row must be: exactly the synced columns of the source row, with
 * accountid lower-case and versionnumber as a decimal string (Int64-safe), nothing else.
 */
export function expectedRow(
  row: AccountRow,
  columns: readonly string[],
  nulls: NullStyle,
): MirrorRow {
  const source = row as unknown as Record<string, unknown>;
  const expected: MirrorRow = {};
  for (const column of columns) {
    const value = source[column];
    if (value === null || value === undefined) {
      if (nulls === 'keep') expected[column] = null;
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`column ${column} of the simulator is not a scalar`);
    }
    expected[column] = value;
  }
  expected.accountid = row.accountid.toLowerCase();
  expected.versionnumber = String(row.versionnumber);
  return expected;
}

/** The whole source table of an environment as its mirror must look, keyed by accountid. */
export function expectedMirror(
  environment: SimEnvironment,
  columns: readonly string[],
  nulls: NullStyle,
): Map<string, MirrorRow> {
  const rows = new Map<string, MirrorRow>();
  for (const row of environment.allAccounts()) {
    rows.set(row.accountid.toLowerCase(), expectedRow(row, columns, nulls));
  }
  return rows;
}

/** The table mirror of one environment (one partition), without keys and bookkeeping. */
export async function readTableMirror(
  table: TableClient,
  environment: string,
): Promise<Map<string, MirrorRow>> {
  const rows = new Map<string, MirrorRow>();
  for await (const entity of table.listEntities({
    queryOptions: { filter: odata`PartitionKey eq ${environment}` },
  })) {
    const {
      partitionKey: _partitionKey,
      rowKey,
      etag: _etag,
      timestamp: _timestamp,
      syncGeneration: _syncGeneration,
      ...columns
    } = entity;
    rows.set(String(rowKey), columns as MirrorRow);
  }
  return rows;
}

/** Differences between a mirror and what it must be: counts plus a few readable examples. */
export interface MirrorDiff {
  readonly missing: number;
  readonly extra: number;
  readonly changed: number;
  readonly examples: readonly string[];
}

/** The diff of a correct mirror, for `expect(diff).toEqual(NO_DIFFERENCE)`. */
export const NO_DIFFERENCE: MirrorDiff = { missing: 0, extra: 0, changed: 0, examples: [] };

const MAX_EXAMPLES = 5;

/**
 * Compares every row and every column (no extra or missing property allowed). The examples
 * name the first few differing ids, so a failure says what is wrong without a 10,000-row dump.
 */
export function mirrorDiff(
  expected: ReadonlyMap<string, MirrorRow>,
  actual: ReadonlyMap<string, MirrorRow>,
): MirrorDiff {
  let missing = 0;
  let extra = 0;
  let changed = 0;
  const examples: string[] = [];
  const note = (text: string): void => {
    if (examples.length < MAX_EXAMPLES) examples.push(text);
  };
  for (const [id, row] of expected) {
    const mirrored = actual.get(id);
    if (mirrored === undefined) {
      missing += 1;
      note(`missing ${id}`);
    } else if (!sameRow(row, mirrored)) {
      changed += 1;
      note(`changed ${id}: expected ${JSON.stringify(row)}, mirror ${JSON.stringify(mirrored)}`);
    }
  }
  for (const id of actual.keys()) {
    if (!expected.has(id)) {
      extra += 1;
      note(`extra ${id}`);
    }
  }
  return { missing, extra, changed, examples };
}

function sameRow(expected: MirrorRow, actual: MirrorRow): boolean {
  const keys = Object.keys(expected);
  if (keys.length !== Object.keys(actual).length) return false;
  return keys.every((key) => key in actual && actual[key] === expected[key]);
}
