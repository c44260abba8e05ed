import { ConfigurationError } from '../errors';
import type { ColumnType, SelectedAttribute, TargetColumn } from './types';

/** Decimal places when metadata does not say (Money defaults to 4 in Dataverse). */
const DEFAULT_SCALE = 4;

function valueType(attribute: SelectedAttribute): ColumnType {
  switch (attribute.kind) {
    case 'uniqueidentifier':
    case 'lookup':
      return { name: 'guid' };
    case 'string':
    case 'memo':
    case 'entityname':
      return { name: 'text' };
    case 'integer':
    case 'choice':
      return { name: 'int32' };
    case 'bigint':
      return { name: 'int64' };
    case 'decimal':
    case 'money':
      return { name: 'decimal', scale: attribute.precision ?? DEFAULT_SCALE };
    case 'double':
      return { name: 'double' };
    case 'boolean':
      return { name: 'boolean' };
    case 'datetime':
      return attribute.dateBehavior === 'DateOnly' ? { name: 'date' } : { name: 'timestamp' };
    case 'choices':
      return { name: 'choices' };
  }
}

/**
 * The target's columns for the selected attributes: the primary id, each attribute's value,
 * a `<name>_label` text beside every choice (labels from metadata), a `<name>_table` beside
 * every lookup (which table its id belongs to: Customer and Owner point at several), and
 * `versionnumber` last.
 */
export function targetColumns(
  table: string,
  attributes: readonly SelectedAttribute[],
): TargetColumn[] {
  const [primary, ...rest] = attributes;
  if (primary === undefined) return [];
  const columns: TargetColumn[] = [
    {
      name: primary.logicalName,
      type: { name: 'guid' },
      role: 'id',
      attribute: primary.logicalName,
    },
  ];
  for (const attribute of rest) {
    const name = attribute.logicalName;
    columns.push({ name, type: valueType(attribute), role: 'value', attribute: name });
    if (attribute.kind === 'choice' || attribute.kind === 'choices') {
      columns.push({
        name: `${name}_label`,
        type: { name: 'text' },
        role: 'label',
        attribute: name,
      });
    }
    if (attribute.kind === 'lookup') {
      columns.push({
        name: `${name}_table`,
        type: { name: 'text' },
        role: 'lookupTable',
        attribute: name,
      });
    }
  }
  columns.push({
    name: 'versionnumber',
    type: { name: 'version' },
    role: 'version',
    attribute: 'versionnumber',
  });
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) {
      // e.g. an attribute literally named "statecode_label" next to statecode's label column.
      throw new ConfigurationError(
        `table ${table}: the target column ${column.name} would be written twice`,
        {
          step: 'read table metadata',
          hint: `Leave ${column.attribute} out of the table's column list in SYNC_TABLES.`,
        },
      );
    }
    seen.add(column.name);
  }
  return columns;
}
