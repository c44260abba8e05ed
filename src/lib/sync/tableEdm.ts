import type { TableEntity } from '@azure/data-tables';

import type { ColumnType } from '../schema';

type PropertyValue = TableEntity[string];

/**
 * A target column's value as an Azure Table property, typed by the column's metadata type so
 * every row of a column has the same EDM type (untyped, a whole-number Money would be stored
 * as Edm.Int32 and a fractional one as Edm.Double in the same column). Dates (DateOnly) stay
 * `YYYY-MM-DD` strings: an Edm.DateTime would invent a time and a time zone.
 */
export function edmProperty(value: string | number | boolean, type: ColumnType): PropertyValue {
  switch (type.name) {
    case 'guid':
      return { value: String(value), type: 'Guid' };
    case 'int64':
      return { value: String(value), type: 'Int64' };
    case 'decimal':
    case 'double':
      return { value: Number(value), type: 'Double' };
    case 'int32':
      return { value: Number(value), type: 'Int32' };
    case 'boolean':
      return { value: Boolean(value), type: 'Boolean' };
    case 'timestamp':
      return { value: String(value), type: 'DateTime' };
    case 'text':
    case 'date':
    case 'choices':
    case 'version':
      // versionnumber stays a decimal string: the sink compares it as a big integer.
      return String(value);
  }
}

/** Which EDM type each column type is stored as (for docs and the mirror's readers). */
export const EDM_TYPE_OF: Readonly<Record<ColumnType['name'], string>> = {
  guid: 'Edm.Guid',
  int64: 'Edm.Int64',
  decimal: 'Edm.Double',
  double: 'Edm.Double',
  int32: 'Edm.Int32',
  boolean: 'Edm.Boolean',
  timestamp: 'Edm.DateTime',
  text: 'Edm.String',
  date: 'Edm.String',
  choices: 'Edm.String',
  version: 'Edm.String',
};
