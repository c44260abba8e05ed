import type { DataverseRow } from '../dataverse';
import { IntegrationError } from '../errors';
import { type TableDefinition, toTargetRow, ValueMismatch } from '../schema';
import type { SyncRow } from './types';

/** Compares two decimal version strings numerically (BigInt): <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Converts every row of a page to the table's target columns, or fails the whole page naming
 * the first row a target could not guard or hold (no id, no exact version, a value of another
 * type than the metadata says) and the rule it breaks. Dropping such a row and moving the
 * checkpoint would lose its change for good.
 */
export function projectPageRows(
  rows: readonly DataverseRow[],
  table: TableDefinition,
  job: string,
): SyncRow[] {
  const idName = table.primaryIdAttribute;
  return rows.map((row, index) => {
    const converted = toTargetRow(row, table);
    if (typeof converted === 'object' && !(converted instanceof ValueMismatch)) return converted;
    const idValue = row[idName];
    const id = typeof idValue === 'string' ? ` (${idName} ${idValue})` : '';
    const rule =
      converted === 'no id'
        ? `has no ${idName}`
        : converted === 'no version'
          ? 'has no exact versionnumber (neither an @odata.etag W/"<n>" nor an integer below 2^53)'
          : `holds ${converted.got} in ${converted.column}, whose metadata type expects ${converted.expected}`;
    return failRow(`row ${String(index + 1)} of the page${id} ${rule}`, job);
  });
}

function failRow(what: string, job: string): never {
  throw new IntegrationError(`Dataverse sent a row the sync cannot apply: ${what}`, {
    step: 'read page',
    environment: job,
    code: 'InvalidRow',
    hint: 'Nothing was applied from this page and the checkpoint stays before it; the next run reads it again (and re-reads the table metadata). If it persists, report the row (the id above) to the Dataverse administrator.',
  });
}
