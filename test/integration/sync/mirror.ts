import { odata, type TableClient } from '@azure/data-tables';
import type { AccountRow, SimEnvironment, SimTableDefinition } from '@dataverse-s2s/testbed';

/** A mirrored row as a target holds it: column → value. */
export type MirrorRow = Record<string, string | number | boolean | null>;

/** How a target says "null": Table storage omits the property, the webhook sends null. */
export type NullStyle = 'omit' | 'keep';

/** Choice labels of a table in one language, by column then option value (from the simulator). */
export type ChoiceLabels = ReadonlyMap<string, ReadonlyMap<number, string>>;

const CHOICE_TYPES = new Set([
  'PicklistType',
  'StateType',
  'StatusType',
  'MultiSelectPicklistType',
]);

/** The labels a faithful replica shows beside each choice column, read from the table's definition. */
export function choiceLabels(definition: SimTableDefinition, language = 1033): ChoiceLabels {
  const labels = new Map<string, Map<number, string>>();
  for (const attribute of definition.Attributes) {
    if (!CHOICE_TYPES.has(attribute.AttributeTypeName.Value)) continue;
    const set = attribute.GlobalOptionSet ?? attribute.OptionSet;
    const options = set !== null && set !== undefined && 'Options' in set ? set.Options : [];
    labels.set(
      attribute.LogicalName,
      new Map(
        options.map((option) => [
          option.Value,
          option.Label.LocalizedLabels.find((label) => label.LanguageCode === language)?.Label ??
            '',
        ]),
      ),
    );
  }
  return labels;
}

/**
 * What the mirror of one account row must be: exactly the synced columns of the source row, a
 * `<column>_label` beside each choice, accountid lower-case and versionnumber as a decimal
 * string (Int64-safe), nothing else.
 */
export function expectedRow(
  row: AccountRow,
  columns: readonly string[],
  nulls: NullStyle,
  labels: ChoiceLabels,
): MirrorRow {
  const source = row as unknown as Record<string, unknown>;
  const expected: MirrorRow = {};
  const put = (column: string, value: string | number | boolean | null): void => {
    if (value === null && nulls === 'omit') return;
    expected[column] = value;
  };
  for (const column of columns) {
    const value = source[column] ?? null;
    if (
      value !== null &&
      typeof value !== 'string' &&
      typeof value !== 'number' &&
      typeof value !== 'boolean'
    ) {
      throw new Error(`column ${column} of the simulator is not a scalar`);
    }
    put(column, value);
    const options = labels.get(column);
    if (options !== undefined)
      put(`${column}_label`, typeof value === 'number' ? (options.get(value) ?? null) : null);
  }
  expected.accountid = row.accountid.toLowerCase();
  expected.versionnumber = String(row.versionnumber);
  return expected;
}

/** The whole account table of an environment as its mirror must look, keyed by accountid. */
export function expectedMirror(
  environment: SimEnvironment,
  columns: readonly string[],
  nulls: NullStyle,
): Map<string, MirrorRow> {
  const labels = choiceLabels(environment.table('account').definition());
  const rows = new Map<string, MirrorRow>();
  for (const row of environment.allAccounts()) {
    rows.set(row.accountid.toLowerCase(), expectedRow(row, columns, nulls, labels));
  }
  return rows;
}

/** A typed table property as the mirror's reader sees it: a Guid's text, an Int64's digits. */
export function plainValue(value: unknown): string | number | boolean | null {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'object' && value !== null && 'value' in value)
    return plainValue(value.value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  return null;
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
    rows.set(
      String(rowKey),
      Object.fromEntries(Object.entries(columns).map(([name, value]) => [name, plainValue(value)])),
    );
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
