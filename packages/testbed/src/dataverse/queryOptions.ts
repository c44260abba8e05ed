import { isAccountColumn, unknownPropertyError } from './accountColumns';
import { queryError } from './errors';
import { type FilterExpression, parseFilter } from './filterExpression';
import type { AccountRow } from './types';

/** The system query options of a request, parsed and validated. */
export interface QueryOptions {
  select: (keyof AccountRow)[] | undefined;
  filter: FilterExpression | undefined;
  orderBy: { column: keyof AccountRow; descending: boolean } | undefined;
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
export function parseQueryOptions(params: URLSearchParams): QueryOptions {
  const present = new Set<string>();
  for (const key of params.keys()) {
    if (!key.startsWith('$')) continue;
    if (key === '$skip') throw queryError('The query parameter $skip is not supported');
    if (!SUPPORTED.has(key)) throw queryError(`The query parameter ${key} is not supported`);
    present.add(key);
  }
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
  if (select !== null) options.select = parseSelect(select);
  const filter = params.get('$filter');
  if (filter !== null) options.filter = parseFilter(filter);
  const orderBy = params.get('$orderby');
  if (orderBy !== null) options.orderBy = parseOrderBy(orderBy);
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
    // Dataverse supports $expand; the simulator's account table has no navigation data.
    throw queryError('The simulator does not support $expand.');
  }
  return options;
}

export function parseSelect(value: string): (keyof AccountRow)[] {
  const columns: (keyof AccountRow)[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (!isAccountColumn(name)) throw unknownPropertyError(name);
    if (!columns.includes(name)) columns.push(name);
  }
  return columns;
}

function parseOrderBy(value: string): { column: keyof AccountRow; descending: boolean } {
  const clauses = value.split(',').map((clause) => clause.trim());
  if (clauses.length !== 1) throw queryError('The simulator supports $orderby on one column only.');
  const [name = '', direction = 'asc', extra] = (clauses[0] ?? '').split(/\s+/);
  if (extra !== undefined || (direction !== 'asc' && direction !== 'desc')) {
    throw queryError(`Syntax error in $orderby '${value}'.`);
  }
  if (!isAccountColumn(name)) throw unknownPropertyError(name);
  return { column: name, descending: direction === 'desc' };
}

/** The preferences of a request's Prefer header(s) the simulator acts on. */
export interface Preferences {
  maxPageSize: number | undefined;
  trackChanges: boolean;
  returnRepresentation: boolean;
  continueOnError: boolean;
}

export function parsePreferences(header: string | undefined): Preferences {
  const preferences: Preferences = {
    maxPageSize: undefined,
    trackChanges: false,
    returnRepresentation: false,
    continueOnError: false,
  };
  for (const raw of (header ?? '').split(',')) {
    const item = raw.trim();
    const pageSize = /^odata\.maxpagesize\s*=\s*"?(\d+)"?$/i.exec(item);
    if (pageSize) preferences.maxPageSize = Number(pageSize[1]);
    else if (/^odata\.track-changes$/i.test(item)) preferences.trackChanges = true;
    else if (/^return\s*=\s*representation$/i.test(item)) preferences.returnRepresentation = true;
    else if (/^odata\.continue-on-error$/i.test(item)) preferences.continueOnError = true;
  }
  return preferences;
}
