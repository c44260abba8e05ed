import { isGuid, parseAccountBody } from './accountColumns';
import {
  duplicateRecord,
  notFoundByAlternateKey,
  notFoundById,
  queryError,
  SimHttpError,
  versionMismatch,
} from './errors';
import type { ResourceContext } from './resourceContext';
import { emptyResponse, jsonResponse, type SimResponse } from './response';
import { contextUrl, etagOf, projectRow } from './rowProjection';
import type { AccountRow } from './types';

/** The key of a single-row URL: `accounts(<guid>)` or `accounts(accountnumber='X')`. */
export type AccountKey = { kind: 'id'; id: string } | { kind: 'alternate'; accountNumber: string };

/** Parses the text between the parentheses of `accounts(...)` (already URL-decoded). */
export function parseAccountKey(text: string): AccountKey {
  const bare = /^(?:accountid=)?\{?([0-9a-fA-F-]{36})\}?$/.exec(text);
  if (bare && isGuid(bare[1] ?? '')) return { kind: 'id', id: (bare[1] ?? '').toLowerCase() };
  const alternate = /^accountnumber='((?:[^']|'')*)'$/.exec(text);
  if (alternate)
    return { kind: 'alternate', accountNumber: (alternate[1] ?? '').replace(/''/g, "'") };
  throw new SimHttpError(
    400,
    '0x80060888',
    `Invalid key '${text}': the key must be the accountid or the alternate key accountnumber.`,
  );
}

export function findPosition(context: ResourceContext, key: AccountKey): number | undefined {
  return key.kind === 'id'
    ? context.store.positionOfId(key.id)
    : context.store.positionOfAccountNumber(key.accountNumber);
}

export function notFound(key: AccountKey): SimHttpError {
  return key.kind === 'id' ? notFoundById(key.id) : notFoundByAlternateKey(key.accountNumber);
}

export function entityIdUrl(context: ResourceContext, id: string): string {
  return `${context.serviceRoot}accounts(${id})`;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body === '' ? '{}' : body) as unknown;
  } catch {
    throw queryError('The request body is not valid JSON.');
  }
}

function representation(
  context: ResourceContext,
  status: number,
  row: AccountRow,
  select: (keyof AccountRow)[] | undefined,
): SimResponse {
  const body = {
    '@odata.context': contextUrl(context.serviceRoot, select, '/$entity'),
    ...projectRow(row, select),
  };
  return jsonResponse(status, body, 1, {
    'Preference-Applied': 'return=representation',
    ETag: etagOf(row),
    'OData-EntityId': entityIdUrl(context, row.accountid),
  });
}

/** `POST accounts`: 204 + OData-EntityId, or 201 + row with return=representation. */
export function createAccount(
  context: ResourceContext,
  body: string,
  returnRepresentation: boolean,
  select: (keyof AccountRow)[] | undefined,
): SimResponse {
  const { accountid, ...values } = parseAccountBody(parseJson(body));
  const row = context.store.transaction(() => context.store.create(values, accountid ?? undefined));
  if (returnRepresentation) return representation(context, 201, row, select);
  return emptyResponse(204, { 'OData-EntityId': entityIdUrl(context, row.accountid) }, 1);
}

/**
 * `PATCH accounts(key)`: upsert. `If-Match: *` = update only (404 when missing),
 * `If-None-Match: *` = create only (412 when present), `If-Match: W/"v"` = optimistic
 * concurrency (412 on mismatch).
 */
export function upsertAccount(
  context: ResourceContext,
  key: AccountKey,
  body: string,
  headers: Record<string, string | undefined>,
  returnRepresentation: boolean,
  select: (keyof AccountRow)[] | undefined,
): SimResponse {
  const changes = parseAccountBody(parseJson(body));
  const { accountid: bodyId, ...values } = changes;
  if (key.kind === 'id' && bodyId != null && bodyId !== key.id) {
    throw queryError('The accountid in the request body does not match the key in the URL.');
  }
  if (
    key.kind === 'alternate' &&
    values.accountnumber != null &&
    values.accountnumber !== key.accountNumber
  ) {
    throw queryError(
      'The accountnumber in the request body does not match the alternate key in the URL.',
    );
  }
  const ifMatch = headers['if-match']?.trim();
  const ifNoneMatch = headers['if-none-match']?.trim();
  const { store } = context;
  const position = findPosition(context, key);
  if (position === undefined) {
    if (ifMatch !== undefined) throw notFound(key);
    const created = store.transaction(() =>
      key.kind === 'id'
        ? store.create(values, key.id)
        : store.create({ ...values, accountnumber: key.accountNumber }),
    );
    if (returnRepresentation) return representation(context, 201, created, select);
    return emptyResponse(204, { 'OData-EntityId': entityIdUrl(context, created.accountid) }, 1);
  }
  if (ifNoneMatch === '*') throw duplicateRecord();
  const current = store.rowAt(position);
  if (current === undefined) throw notFound(key);
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(current))
    throw versionMismatch();
  const updated = store.transaction(() => store.update(position, values));
  if (returnRepresentation) return representation(context, 200, updated, select);
  return emptyResponse(204, { 'OData-EntityId': entityIdUrl(context, updated.accountid) }, 1);
}

/** `DELETE accounts(key)`: 204; 404 when missing; `If-Match: W/"v"` honoured. */
export function deleteAccount(
  context: ResourceContext,
  key: AccountKey,
  headers: Record<string, string | undefined>,
): SimResponse {
  const position = findPosition(context, key);
  const current = position === undefined ? undefined : context.store.rowAt(position);
  if (position === undefined || current === undefined) throw notFound(key);
  const ifMatch = headers['if-match']?.trim();
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(current))
    throw versionMismatch();
  context.store.transaction(() => {
    context.store.delete(position);
  });
  return emptyResponse(204, {}, 1);
}
