import { IntegrationError } from '../errors';
import type { ChangePage, DataverseRow, QueryPage } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Throws on a body that is not an OData collection; the client adds the environment. */
function rowsOf(body: unknown): { body: Record<string, unknown>; rows: DataverseRow[] } {
  if (!isRecord(body) || !Array.isArray(body.value)) {
    throw new IntegrationError('response is not an OData collection (no "value" array)', {
      step: 'parse page',
      code: 'InvalidResponse',
    });
  }
  return { body, rows: body.value.filter(isRecord) };
}

export function parseQueryPage(json: unknown): QueryPage {
  const { body, rows } = rowsOf(json);
  return { rows, nextLink: optionalString(body, '@odata.nextLink') };
}

/**
 * A deletion entry in a delta response:
 * `{"@odata.context":"<root>$metadata#accounts/$deletedEntity","id":"<guid>","reason":"deleted"}`.
 * The context suffix is decisive; without it, an entry whose only non-annotation properties are
 * `id` and `reason` is a deletion too (a real row always carries its own primary key column).
 */
export function isDeletedEntity(row: DataverseRow): boolean {
  const context = row['@odata.context'];
  if (typeof context === 'string' && context.endsWith('$deletedEntity')) return true;
  const properties = Object.keys(row).filter((key) => !key.startsWith('@'));
  return (
    typeof row.id === 'string' &&
    typeof row.reason === 'string' &&
    properties.every((key) => key === 'id' || key === 'reason')
  );
}

/** Splits a change-tracking page into upserts and deleted ids, with its next or delta link. */
export function parseChangePage(json: unknown): ChangePage {
  const { body, rows } = rowsOf(json);
  const upserts: DataverseRow[] = [];
  const deletes: string[] = [];
  for (const row of rows) {
    if (!isDeletedEntity(row)) upserts.push(row);
    else if (typeof row.id === 'string') deletes.push(row.id);
  }
  return {
    upserts,
    deletes,
    nextLink: optionalString(body, '@odata.nextLink'),
    deltaLink: optionalString(body, '@odata.deltaLink'),
  };
}
