import type { DataverseRow } from '../dataverse';
import type { ColumnType, SelectedAttribute, TableDefinition } from './types';

/** A row as targets receive it: the target columns' values, JSON-shaped. */
export type TargetRow = Readonly<Record<string, string | number | boolean | null>>;

type Value = string | number | boolean | null;

/** A value that does not fit its column: names the column and what it expected. */
export class ValueMismatch {
  constructor(
    readonly column: string,
    readonly expected: string,
    readonly got: string,
  ) {}
}

const ETAG_VERSION = /^W\/"(\d+)"$/;
const LOOKUP_TABLE_ANNOTATION = '@Microsoft.Dynamics.CRM.lookuplogicalname';

/**
 * The row's versionnumber as a decimal string. Dataverse's versionnumber is a rowversion
 * (Int64); the ETag `W/"<version>"` carries it exactly, while the JSON number may already
 * have lost precision past 2^53, so the ETag wins when present.
 */
export function rowVersion(row: DataverseRow): string | undefined {
  const etag = row['@odata.etag'];
  if (typeof etag === 'string') {
    const match = ETAG_VERSION.exec(etag);
    if (match?.[1] !== undefined) return match[1];
  }
  const value = row.versionnumber;
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

function kindName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A wire value converted for its column type, or a mismatch. */
function convert(value: unknown, type: ColumnType, column: string): Value | ValueMismatch {
  if (value === null || value === undefined) return null;
  const mismatch = (expected: string): ValueMismatch =>
    new ValueMismatch(column, expected, kindName(value));
  switch (type.name) {
    case 'guid':
      return typeof value === 'string' ? value.toLowerCase() : mismatch('a GUID string');
    case 'text':
      return typeof value === 'string' ? value : mismatch('a string');
    case 'int32':
      return typeof value === 'number' && Number.isInteger(value)
        ? value
        : mismatch('a whole number');
    case 'int64':
      // Edm.Int64: a number below 2^53 keeps every digit; beyond, Dataverse must send a string.
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      return typeof value === 'string' && /^-?\d+$/.test(value)
        ? value
        : mismatch('a whole number');
    case 'decimal':
    case 'double':
      if (typeof value === 'number') return value;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : mismatch('a number');
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch('true or false');
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? value
        : mismatch('a date and time');
    case 'date': {
      // Edm.Date is YYYY-MM-DD; some clients and versions send a midnight timestamp instead.
      const day = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})/.exec(value)?.[1] : undefined;
      return day ?? mismatch('a date (YYYY-MM-DD)');
    }
    case 'choices':
      return typeof value === 'string' && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(value)
        ? value.replace(/\s+/g, '')
        : mismatch('option values such as "1,3"');
    case 'version':
      return mismatch('a version'); // never converted here: see rowVersion
  }
}

function choiceLabel(attribute: SelectedAttribute, value: Value): string | null {
  if (value === null) return null;
  const labels = attribute.labels;
  if (typeof value === 'number') return labels?.get(value) ?? null;
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((option) => labels?.get(Number(option)) ?? option)
      .join('; ');
  }
  return null;
}

function lookupTable(attribute: SelectedAttribute, row: DataverseRow, value: Value): string | null {
  if (value === null) return null;
  const annotated = row[`${attribute.wireName}${LOOKUP_TABLE_ANNOTATION}`];
  if (typeof annotated === 'string') return annotated;
  const [only, ...others] = attribute.targets ?? [];
  return only !== undefined && others.length === 0 ? only : null;
}

/**
 * The target row of a Dataverse row: the id, each column's converted value, choice labels
 * from metadata, lookup tables from the lookuplogicalname annotation (or the lookup's only
 * target), and the version. Returns a mismatch for the first value that does not fit.
 */
export function toTargetRow(
  row: DataverseRow,
  table: TableDefinition,
): TargetRow | ValueMismatch | 'no id' | 'no version' {
  const byName = new Map(table.attributes.map((attribute) => [attribute.logicalName, attribute]));
  const result: Record<string, Value> = {};
  const values = new Map<string, Value>();
  for (const column of table.columns) {
    const attribute = byName.get(column.attribute);
    switch (column.role) {
      case 'id': {
        const id = row[table.primaryIdAttribute];
        if (typeof id !== 'string' || id === '') return 'no id';
        result[column.name] = id.toLowerCase();
        break;
      }
      case 'version': {
        const version = rowVersion(row);
        if (version === undefined) return 'no version';
        result[column.name] = version;
        break;
      }
      case 'value': {
        if (attribute === undefined) break;
        const converted = convert(row[attribute.wireName], column.type, column.name);
        if (converted instanceof ValueMismatch) return converted;
        values.set(attribute.logicalName, converted);
        result[column.name] = converted;
        break;
      }
      case 'label':
        if (attribute !== undefined)
          result[column.name] = choiceLabel(attribute, values.get(attribute.logicalName) ?? null);
        break;
      case 'lookupTable':
        if (attribute !== undefined)
          result[column.name] = lookupTable(
            attribute,
            row,
            values.get(attribute.logicalName) ?? null,
          );
        break;
    }
  }
  return result;
}
