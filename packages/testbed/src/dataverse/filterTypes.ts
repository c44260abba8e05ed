import { queryError } from './errors';
import type { ValueKind } from './metadata/attributeKinds';

/** A literal of a `$filter` comparison. */
export interface Literal {
  type: 'string' | 'number' | 'guid' | 'datetime' | 'date' | 'boolean' | 'null';
  value: string | number | boolean | null;
}

/** How two values of a column compare (and which literals fit it). */
export type ColumnType =
  'guid' | 'string' | 'number' | 'int' | 'bigint' | 'double' | 'boolean' | 'datetime' | 'date';

/** The comparison type of a column kind. */
export function columnTypeOf(kind: ValueKind): ColumnType {
  switch (kind) {
    case 'guid':
    case 'lookup':
      return 'guid';
    case 'int':
    case 'choice':
      return 'int';
    case 'decimal':
    case 'money':
      return 'number';
    case 'bigint':
    case 'double':
    case 'boolean':
    case 'datetime':
    case 'date':
      return kind;
    default:
      return 'string';
  }
}

const EDM_NAMES: Record<ColumnType, string> = {
  guid: 'Edm.Guid',
  string: 'Edm.String',
  number: 'Edm.Decimal',
  int: 'Edm.Int32',
  bigint: 'Edm.Int64',
  double: 'Edm.Double',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  date: 'Edm.Date',
};

const LITERAL_EDM_NAMES: Record<Literal['type'], string> = {
  string: 'Edm.String',
  number: 'Edm.Int32',
  guid: 'Edm.Guid',
  datetime: 'Edm.DateTimeOffset',
  date: 'Edm.Date',
  boolean: 'Edm.Boolean',
  null: 'null',
};

const NUMERIC = new Set<ColumnType>(['number', 'int', 'bigint', 'double']);

/** Fails like Dataverse when a literal does not fit the column (400, 0x80060888). */
export function checkCompatible(columnType: ColumnType, literal: Literal): void {
  if (literal.type === 'null') return;
  const fits =
    (NUMERIC.has(columnType) && literal.type === 'number') ||
    (!NUMERIC.has(columnType) && columnType === literal.type);
  if (!fits) {
    throw queryError(
      `A binary operator with incompatible types was detected. Found operand types '${EDM_NAMES[columnType]}' and '${LITERAL_EDM_NAMES[literal.type]}'.`,
    );
  }
}
