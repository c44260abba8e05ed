import { ACCOUNT_COLUMN_NAMES } from './accountColumns';
import type { AccountRow } from './types';

/**
 * A row as Dataverse returns it: `@odata.etag` first, then the selected columns (all columns
 * without `$select`), and the primary key `accountid` always.
 */
export function projectRow(
  row: AccountRow,
  select: readonly (keyof AccountRow)[] | undefined,
): Record<string, unknown> {
  const projected: Record<string, unknown> = { '@odata.etag': etagOf(row) };
  for (const column of select ?? ACCOUNT_COLUMN_NAMES) projected[column] = row[column];
  projected.accountid = row.accountid;
  return projected;
}

export function etagOf(row: AccountRow): string {
  return `W/"${row.versionnumber}"`;
}

/** `@odata.context` of a collection (`suffix` e.g. `/$delta` or `/$entity`). */
export function contextUrl(
  serviceRoot: string,
  select: readonly string[] | undefined,
  suffix = '',
): string {
  const columns = select === undefined ? '' : `(${select.join(',')})`;
  return `${serviceRoot}$metadata#accounts${columns}${suffix}`;
}
