import { notFoundById, queryError, type SimHttpError } from './errors';
import { lookupTargetKey, type SimTable } from './simTable';
import type { TableRegistry } from './tableRegistry';
import { toDataverseDateTime } from './tables/seededValues';
import type { ColumnSpec } from './tableSchema';
import type { SimLookupInput, SimRowInput, SimValue } from './tableTypes';

/** A write's column values (wire names) and the id it names, if any. */
export interface ParsedRow {
  values: Record<string, SimValue>;
  id: string | undefined;
}

const BIND_SUFFIX = '@odata.bind';

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function typeError(value: unknown, type: string): SimHttpError {
  return queryError(
    `Cannot convert the literal '${String(value)}' to the expected type '${type}'.`,
  );
}

/**
 * A JSON request body of a create or update, checked like Dataverse: unknown properties and
 * wrongly typed values fail (400, 0x80060888); lookups are written only through
 * `<navigation>@odata.bind` (a `_x_value` in a body fails); other annotations and columns the
 * platform maintains are ignored.
 */
export function parseWireBody(body: unknown, table: SimTable, tables: TableRegistry): ParsedRow {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw queryError('The request body must be a JSON object.');
  const { schema } = table;
  const parsed: ParsedRow = { values: {}, id: undefined };
  for (const [key, value] of Object.entries(body)) {
    if (key.endsWith(BIND_SUFFIX)) {
      bind(parsed, table, tables, key.slice(0, -BIND_SUFFIX.length), value);
      continue;
    }
    if (key.includes('@')) continue;
    const column = schema.column(key);
    if (column === undefined) {
      throw queryError(
        `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${schema.logicalName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    if (column.kind === 'lookup') {
      throw queryError(
        'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
      );
    }
    if (key === schema.primaryId) parsed.id = String(checkValue(column, value)).toLowerCase();
    else if (column.writable) parsed.values[key] = checkValue(column, value);
  }
  return parsed;
}

/** `<navigation>@odata.bind: "/accounts(<guid>)"` (or a full URL, or null to clear). */
function bind(
  parsed: ParsedRow,
  table: SimTable,
  tables: TableRegistry,
  navigation: string,
  value: unknown,
): void {
  const property = table.schema.navigationProperty(navigation);
  if (property === undefined) {
    throw queryError(
      `An undeclared property '${navigation}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
    );
  }
  const wireName = property.column.wireName;
  if (value === null) {
    parsed.values[wireName] = null;
    parsed.values[lookupTargetKey(wireName)] = null;
    return;
  }
  const match =
    typeof value === 'string' ? /(?:^|\/)([A-Za-z_0-9]+)\(([0-9a-fA-F-]{36})\)$/.exec(value) : null;
  const target = match === null ? undefined : tables.logicalNameOfEntitySet(match[1] ?? '');
  const id = (match?.[2] ?? '').toLowerCase();
  const allowed =
    property.target === undefined ? property.column.lookup?.targets : [property.target];
  if (target === undefined || !isGuid(id) || !(allowed ?? []).includes(target))
    throw queryError(
      `The value ${JSON.stringify(value)} of '${navigation}@odata.bind' is not a valid reference to ${(allowed ?? []).join(' or ')}.`,
    );
  const referenced = tables.byLogicalName(target);
  if (referenced !== undefined && referenced.store.positionOfId(id) === undefined)
    throw notFoundById(target, id);
  parsed.values[wireName] = id;
  parsed.values[lookupTargetKey(wireName)] = target;
}

/**
 * Control-API input (`table(x).create({...})`): wire names, lookups as a GUID (first target) or
 * `{ id, logicalName }`. Columns the platform maintains are ignored, like in a body.
 */
export function parseControlInput(input: SimRowInput, table: SimTable): ParsedRow {
  const { schema } = table;
  const parsed: ParsedRow = { values: {}, id: undefined };
  for (const [key, value] of Object.entries(input)) {
    const column = schema.column(key);
    if (column === undefined) {
      const names = [...schema.columns()].map((item) => item.wireName).join(', ');
      throw new Error(`'${key}' is not a column of '${schema.logicalName}' (columns: ${names})`);
    }
    if (column.kind === 'lookup') {
      lookupInput(parsed, column, value);
    } else if (typeof value === 'object' && value !== null) {
      throw new Error(`'${key}' of '${schema.logicalName}' is not a lookup`);
    } else if (key === schema.primaryId) {
      parsed.id = String(checkValue(column, value)).toLowerCase();
    } else if (column.writable) {
      parsed.values[key] = checkValue(column, value);
    }
  }
  return parsed;
}

function lookupInput(
  parsed: ParsedRow,
  column: ColumnSpec,
  value: SimValue | SimLookupInput,
): void {
  const targets = column.lookup?.targets ?? [];
  const reference =
    value === null || typeof value === 'object'
      ? value
      : { id: String(value), logicalName: targets[0] ?? '' };
  if (reference !== null && (!isGuid(reference.id) || !targets.includes(reference.logicalName)))
    throw new Error(
      `'${column.wireName}' takes a GUID of ${targets.join(' or ')}, not ${JSON.stringify(value)}`,
    );
  parsed.values[column.wireName] = reference === null ? null : reference.id.toLowerCase();
  parsed.values[lookupTargetKey(column.wireName)] = reference?.logicalName ?? null;
}

function roundTo(value: number, precision: number): number {
  const factor = 10 ** precision;
  return Math.round(value * factor) / factor;
}

/** Checks a value against its column's type and normalises it the way Dataverse stores it. */
export function checkValue(column: ColumnSpec, value: unknown): SimValue {
  if (value === null) return null;
  switch (column.kind) {
    case 'string':
    case 'image':
      if (typeof value !== 'string') throw typeError(value, 'Edm.String');
      return value;
    case 'guid':
    case 'lookup':
      if (typeof value !== 'string' || !isGuid(value)) throw typeError(value, 'Edm.Guid');
      return value.toLowerCase();
    case 'money':
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw typeError(value, 'Edm.Decimal');
      return roundTo(value, column.attribute.Precision ?? 2);
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw typeError(value, 'Edm.Double');
      return value;
    case 'int':
    case 'choice':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw typeError(value, 'Edm.Int32');
      return value;
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw typeError(value, 'Edm.Int64');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(value, 'Edm.Boolean');
      return value;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        throw typeError(value, 'Edm.DateTimeOffset');
      return toDataverseDateTime(Date.parse(value));
    case 'date':
      if (typeof value !== 'string' || !isDate(value)) throw typeError(value, 'Edm.Date');
      return value;
    case 'choices':
      // Written as "1, 9" (PD multi-select-picklist.md); read back as "1,9".
      if (typeof value !== 'string' || !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(value))
        throw typeError(value, 'Edm.String');
      return value
        .split(',')
        .map((item) => item.trim())
        .join(',');
  }
}

function isDate(value: string): boolean {
  const ms = Date.parse(value);
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(ms) &&
    toDataverseDateTime(ms).startsWith(value)
  );
}
