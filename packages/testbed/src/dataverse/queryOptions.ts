import { queryError, unknownProperty } from './errors';
import { type FilterExpression, parseFilter } from './filterExpression';
import type { TableSchema } from './tableSchema';

/** The system query options of a request to a table, parsed and validated against its schema. */
export interface QueryOptions {
  /** Wire names, in the order asked for. */
  select: string[] | undefined;
  filter: FilterExpression | undefined;
  orderBy: { column: string; descending: boolean } | undefined;
  top: number | undefined;
  count: boolean;
  skipToken: string | undefined;
  deltaToken: string | undefined;
  /** Which options were present, for the track-changes restrictions. */
  present: Set<string>;
}

const SUPPORTED = new Set([
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$count',
  '$skiptoken',
  '$deltatoken',
  '$expand',
]);

/** Parses `$select`, `$filter`, `$orderby`, `$top`, `$count`, `$skiptoken`, `$deltatoken`. */
export function parseQueryOptions(params: URLSearchParams, schema: TableSchema): QueryOptions {
  const present = checkOptionNames(params, SUPPORTED);
  const options: QueryOptions = {
    select: undefined,
    filter: undefined,
    orderBy: undefined,
    top: undefined,
    count: false,
    skipToken: params.get('$skiptoken') ?? undefined,
    deltaToken: params.get('$deltatoken') ?? undefined,
    present,
  };
  const select = params.get('$select');
  if (select !== null) options.select = parseSelect(select, schema);
  const filter = params.get('$filter');
  if (filter !== null) options.filter = parseFilter(filter, schema);
  const orderBy = params.get('$orderby');
  if (orderBy !== null) options.orderBy = parseOrderBy(orderBy, schema);
  const top = params.get('$top');
  if (top !== null) {
    if (!/^\d+$/.test(top)) throw queryError(`Invalid value '${top}' for $top query option found.`);
    options.top = Number(top);
  }
  const count = params.get('$count');
  if (count !== null) {
    if (count !== 'true' && count !== 'false') {
      throw queryError(`'${count}' is not a valid count option.`);
    }
    options.count = count === 'true';
  }
  if (present.has('$expand')) {
    // Dataverse supports $expand; the simulator keeps no navigation data for rows.
    throw queryError('The simulator does not support $expand.');
  }
  return options;
}

/** The `$` options of a request; `$skip` and unknown ones fail like Dataverse. */
export function checkOptionNames(
  params: URLSearchParams,
  supported: ReadonlySet<string>,
): Set<string> {
  const present = new Set<string>();
  for (const key of params.keys()) {
    if (!key.startsWith('$')) continue;
    if (!supported.has(key)) throw queryError(`The query parameter ${key} is not supported`);
    present.add(key);
  }
  return present;
}

function entityType(schema: TableSchema): string {
  return `Microsoft.Dynamics.CRM.${schema.logicalName}`;
}

export function parseSelect(value: string, schema: TableSchema): string[] {
  const columns: string[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (schema.column(name) === undefined) throw unknownProperty(name, entityType(schema));
    if (!columns.includes(name)) columns.push(name);
  }
  return columns;
}

function parseOrderBy(value: string, schema: TableSchema): { column: string; descending: boolean } {
  const clauses = value.split(',').map((clause) => clause.trim());
  if (clauses.length !== 1) throw queryError('The simulator supports $orderby on one column only.');
  const [name = '', direction = 'asc', extra] = (clauses[0] ?? '').split(/\s+/);
  if (extra !== undefined || (direction !== 'asc' && direction !== 'desc')) {
    throw queryError(`Syntax error in $orderby '${value}'.`);
  }
  if (schema.column(name) === undefined) throw unknownProperty(name, entityType(schema));
  return { column: name, descending: direction === 'desc' };
}
