import {
  duplicateRecord,
  notFoundByAlternateKey,
  notFoundById,
  queryError,
  SimHttpError,
  versionMismatch,
} from './errors';
import type { Preferences } from './preferences';
import { annotatorFor, type ResourceContext } from './resourceContext';
import { emptyResponse, jsonResponse, type SimResponse } from './response';
import { isGuid, type ParsedRow, parseWireBody } from './rowBody';
import { contextUrl, etagOf, projectionFor, projectRow } from './rowProjection';
import type { SimTable } from './simTable';
import type { SimRow } from './tableTypes';

/** The key of a single-row URL: `set(<guid>)` or, where the table has one, `set(key='X')`. */
export type RowKey =
  { kind: 'id'; id: string } | { kind: 'alternate'; column: string; value: string };

/** Parses the text between the parentheses of `<set>(...)` (already URL-decoded). */
export function parseRowKey(text: string, table: SimTable): RowKey {
  const { primaryId } = table.schema;
  const bare = new RegExp(`^(?:${primaryId}=)?\\{?([0-9a-fA-F-]{36})\\}?$`).exec(text);
  if (bare && isGuid(bare[1] ?? '')) return { kind: 'id', id: (bare[1] ?? '').toLowerCase() };
  const column = table.store.alternateKeyColumn;
  const alternate =
    column === undefined ? null : new RegExp(`^${column}='((?:[^']|'')*)'$`).exec(text);
  if (column !== undefined && alternate)
    return { kind: 'alternate', column, value: (alternate[1] ?? '').replace(/''/g, "'") };
  const keys = column === undefined ? primaryId : `${primaryId} or the alternate key ${column}`;
  throw new SimHttpError(400, '0x80060888', `Invalid key '${text}': the key must be the ${keys}.`);
}

export function findPosition(table: SimTable, key: RowKey): number | undefined {
  return key.kind === 'id'
    ? table.store.positionOfId(key.id)
    : table.store.positionOfAlternateKey(key.value);
}

export function notFound(table: SimTable, key: RowKey): SimHttpError {
  return key.kind === 'id'
    ? notFoundById(table.logicalName, key.id)
    : notFoundByAlternateKey(table.logicalName, key.column, key.value);
}

function entityIdUrl(context: ResourceContext, table: SimTable, id: string): string {
  return `${context.serviceRoot}${table.schema.entitySetName}(${id})`;
}

function parseBody(context: ResourceContext, table: SimTable, body: string): ParsedRow {
  let json: unknown;
  try {
    json = JSON.parse(body === '' ? '{}' : body) as unknown;
  } catch {
    throw queryError('The request body is not valid JSON.');
  }
  return parseWireBody(json, table, context.tables);
}

/** What a write needs from its request besides the body. */
export interface WriteRequest {
  preferences: Preferences;
  select: string[] | undefined;
  headers: Record<string, string | undefined>;
}

/** A single row (GET, or a write with return=representation). */
export function rowResponse(
  context: ResourceContext,
  table: SimTable,
  status: number,
  row: SimRow,
  request: Omit<WriteRequest, 'headers'>,
  headers: Record<string, string>,
): SimResponse {
  const projection = projectionFor(
    table.schema,
    request.select,
    annotatorFor(context, request.preferences),
  );
  const body = {
    '@odata.context': contextUrl(
      context.serviceRoot,
      table.schema.entitySetName,
      request.select,
      '/$entity',
    ),
    ...projectRow(row, projection),
  };
  return jsonResponse(status, body, 1, { ...headers, ETag: etagOf(row) });
}

function written(
  context: ResourceContext,
  table: SimTable,
  status: 200 | 201,
  row: SimRow,
  request: WriteRequest,
): SimResponse {
  const entityId = entityIdUrl(context, table, String(row[table.schema.primaryId]));
  if (!request.preferences.returnRepresentation)
    return emptyResponse(204, { 'OData-EntityId': entityId }, 1);
  return rowResponse(context, table, status, row, request, {
    'Preference-Applied': 'return=representation',
    'OData-EntityId': entityId,
  });
}

/** `POST <set>`: 204 + OData-EntityId, or 201 + row with return=representation. */
export function createRow(
  context: ResourceContext,
  table: SimTable,
  body: string,
  request: WriteRequest,
): SimResponse {
  const { values, id } = parseBody(context, table, body);
  const row = table.store.transaction(() => table.store.create(values, id));
  return written(context, table, 201, row, request);
}

/**
 * `PATCH <set>(key)`: upsert. `If-Match: *` = update only (404 when missing),
 * `If-None-Match: *` = create only (412 when present), `If-Match: W/"v"` = optimistic
 * concurrency (412 on mismatch).
 */
export function upsertRow(
  context: ResourceContext,
  table: SimTable,
  key: RowKey,
  body: string,
  request: WriteRequest,
): SimResponse {
  const { values, id: bodyId } = parseBody(context, table, body);
  const { primaryId } = table.schema;
  if (key.kind === 'id' && bodyId !== undefined && bodyId !== key.id) {
    throw queryError(`The ${primaryId} in the request body does not match the key in the URL.`);
  }
  if (key.kind === 'alternate' && values[key.column] != null && values[key.column] !== key.value) {
    throw queryError(
      `The ${key.column} in the request body does not match the alternate key in the URL.`,
    );
  }
  const ifMatch = request.headers['if-match']?.trim();
  const ifNoneMatch = request.headers['if-none-match']?.trim();
  const { store } = table;
  const position = findPosition(table, key);
  if (position === undefined) {
    if (ifMatch !== undefined) throw notFound(table, key);
    const created = store.transaction(() =>
      key.kind === 'id'
        ? store.create(values, key.id)
        : store.create({ ...values, [key.column]: key.value }),
    );
    return written(context, table, 201, created, request);
  }
  if (ifNoneMatch === '*') throw duplicateRecord();
  const current = store.rowAt(position);
  if (current === undefined) throw notFound(table, key);
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(current))
    throw versionMismatch();
  const updated = store.transaction(() => store.update(position, values));
  return written(context, table, 200, updated, request);
}

/** `DELETE <set>(key)`: 204; 404 when missing; `If-Match: W/"v"` honoured. */
export function deleteRow(
  table: SimTable,
  key: RowKey,
  headers: Record<string, string | undefined>,
): SimResponse {
  const position = findPosition(table, key);
  const current = position === undefined ? undefined : table.store.rowAt(position);
  if (position === undefined || current === undefined) throw notFound(table, key);
  const ifMatch = headers['if-match']?.trim();
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(current))
    throw versionMismatch();
  table.store.transaction(() => {
    table.store.delete(position);
  });
  return emptyResponse(204, {}, 1);
}
