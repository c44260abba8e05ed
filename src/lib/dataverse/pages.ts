import { IntegrationError } from '../errors';
import type { ChangePage, DataverseRow, QueryPage } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function invalidPage(what: string): IntegrationError {
  return new IntegrationError(what, { step: 'parse page', code: 'InvalidResponse' });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Throws on a body that is not an OData collection of row objects; the client adds the
 * environment. An entry that is not a row fails the whole page: dropping it silently would let
 * the checkpoint move past a change nobody applied.
 */
function rowsOf(body: unknown): { body: Record<string, unknown>; rows: DataverseRow[] } {
  if (!isRecord(body) || !Array.isArray(body.value)) {
    throw invalidPage('response is not an OData collection (no "value" array)');
  }
  const entries: unknown[] = body.value;
  entries.forEach((entry, index) => {
    if (!isRecord(entry)) {
      throw invalidPage(`value[${String(index)}] is ${kindOf(entry)}, not a row object`);
    }
  });
  return { body, rows: entries as DataverseRow[] };
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
  rows.forEach((row, index) => {
    if (!isDeletedEntity(row)) upserts.push(row);
    else if (typeof row.id === 'string') deletes.push(row.id);
    else throw invalidPage(`value[${String(index)}] is a $deletedEntity without a string id`);
  });
  const nextLink = optionalString(body, '@odata.nextLink');
  const deltaLink = optionalString(body, '@odata.deltaLink');
  if (nextLink !== undefined && deltaLink !== undefined) {
    // Which one to follow is undefined: a round either continues or ends.
    throw invalidPage('a change page carries both @odata.nextLink and @odata.deltaLink');
  }
  return { upserts, deletes, nextLink, deltaLink };
}
