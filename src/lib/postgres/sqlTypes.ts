import type { ColumnType } from '../schema';

/**
 * A target column's PostgreSQL type. Choices (multi-select) are an integer array of the option
 * values, so `3 = any(colour)` works; the version is bigint (Dataverse's versionnumber is an
 * Int64 rowversion) and so compares numerically.
 */
export function sqlType(type: ColumnType): string {
  switch (type.name) {
    case 'guid':
      return 'uuid';
    case 'text':
      return 'text';
    case 'int32':
      return 'integer';
    case 'int64':
    case 'version':
      return 'bigint';
    case 'decimal':
      return `numeric(38,${String(Math.min(Math.max(type.scale, 0), 38))})`;
    case 'double':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamp with time zone';
    case 'date':
      return 'date';
    case 'choices':
      return 'integer[]';
  }
}

/**
 * The array type a column's values travel in (one `unnest` parameter per column). Choices travel
 * as text ("1,3") and become integer[] in the statement: unnest flattens a 2-D array.
 */
export function wireArrayType(type: ColumnType): string {
  if (type.name === 'choices') return 'text[]';
  const base = sqlType(type);
  return `${base.startsWith('numeric') ? 'numeric' : base}[]`;
}

/** The expression that turns the wire value `ref` into the column's type. */
export function fromWire(type: ColumnType, ref: string): string {
  return type.name === 'choices' ? `string_to_array(${ref}, ',')::integer[]` : ref;
}

/** A row value as the driver sends it inside a typed array (numbers as text keep their digits). */
export function toWire(
  value: string | number | boolean | null | undefined,
): string | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  return String(value);
}

/**
 * The type PostgreSQL reports for a column (format_type), as {@link sqlType} writes it: to tell
 * an existing column of another type from one that only needs nothing.
 */
export function sameType(reported: string, wanted: string): boolean {
  const normal = (text: string): string => text.replace(/\s+/g, '').toLowerCase();
  return normal(reported) === normal(wanted);
}
