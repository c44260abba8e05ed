import type { DataverseRow } from '../dataverse';
import { IntegrationError } from '../errors';
import type { SyncRow } from './types';

const ETAG_VERSION = /^W\/"(\d+)"$/;

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

/** Compares two decimal version strings numerically (BigInt): <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Flattens every row of a page, or fails the whole page naming the first row a target could not
 * guard (no id, no exact version) and the rule it breaks. Dropping such a row and moving the
 * checkpoint would lose its change for good.
 */
export function projectPageRows(
  rows: readonly DataverseRow[],
  columns: readonly string[],
  environment: string,
): SyncRow[] {
  return rows.map((row, index) => {
    const projected = projectRow(row, columns);
    if (projected !== undefined) return projected;
    const id = typeof row.accountid === 'string' ? ` (accountid ${row.accountid})` : '';
    const rule =
      typeof row.accountid !== 'string'
        ? 'has no accountid'
        : 'has no exact versionnumber (neither an @odata.etag W/"<n>" nor an integer below 2^53)';
    return failRow(`row ${String(index + 1)} of the page${id} ${rule}`, environment);
  });
}

function failRow(what: string, environment: string): never {
  throw new IntegrationError(`Dataverse sent a row the sync cannot apply: ${what}`, {
    step: 'read page',
    environment,
    code: 'InvalidRow',
    hint: 'Nothing was applied from this page and the checkpoint stays before it; the next run reads it again. If it persists, report the row (the id above) to the Dataverse administrator.',
  });
}

/**
 * Flattens a Dataverse row to the selected columns. Annotations (`@odata.etag`, formatted
 * values) are dropped; objects and arrays (not produced by a plain $select) are JSON text.
 * Returns undefined for a row without an id or version, which a target cannot guard.
 */
export function projectRow(row: DataverseRow, columns: readonly string[]): SyncRow | undefined {
  const accountid = row.accountid;
  const version = rowVersion(row);
  if (typeof accountid !== 'string' || version === undefined) return undefined;
  const projected: Record<string, string | number | boolean | null> = {};
  for (const column of columns) {
    if (column.includes('@')) continue;
    const value = row[column];
    if (value === undefined || value === null) projected[column] = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      projected[column] = value;
    } else projected[column] = JSON.stringify(value);
  }
  projected.accountid = accountid.toLowerCase();
  projected.versionnumber = version;
  return projected;
}
