import { ACCOUNT_COLUMNS } from './accountColumns';
import type { AccountStore } from './accountStore';
import { deltaLinkFor } from './changeTokens';
import { deltaResponse } from './deltaQuery';
import { trackChangesNotSupported } from './errors';
import { compareValues, type FilterExpression, matchesFilter } from './filterExpression';
import { decodeSkipToken, nextLinkFor, type PageCursor } from './pagingCookie';
import { type Preferences, type QueryOptions } from './queryOptions';
import { MAX_PAGE_SIZE, type ResourceContext } from './resourceContext';
import { jsonResponse, type SimResponse } from './response';
import { contextUrl, projectRow } from './rowProjection';
import type { AccountRow } from './types';

/**
 * `GET accounts`: plain queries, change-tracking rounds and delta responses. Pages in internal
 * order resume from the position in the paging cookie, so each page costs O(page) however
 * large the table; `$orderby` sorts the matching rows and pages by offset.
 */
export function queryAccounts(
  context: ResourceContext,
  url: URL,
  options: QueryOptions,
  preferences: Preferences,
): SimResponse {
  const cursor = options.skipToken === undefined ? undefined : decodeSkipToken(options.skipToken);
  const tracking =
    preferences.trackChanges ||
    options.deltaToken !== undefined ||
    cursor?.trackingVersion !== undefined;
  if (tracking) {
    for (const option of ['$filter', '$orderby', '$expand', '$top']) {
      if (options.present.has(option)) throw trackChangesNotSupported(option);
    }
  }
  const requested = preferences.maxPageSize;
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, requested ?? context.defaultPageSize));
  const applied: string[] = [];
  if (preferences.trackChanges) applied.push('odata.track-changes');
  if (requested !== undefined) applied.push(`odata.maxpagesize=${pageSize}`);
  const preferenceApplied = applied.join(',');

  if (options.deltaToken !== undefined)
    return deltaResponse(context, url, options, pageSize, preferenceApplied);

  // $top counts only without odata.maxpagesize; then it is the whole result (no nextLink).
  const topOnly = requested === undefined && options.top !== undefined;
  const limit = topOnly ? Math.min(options.top ?? 0, pageSize) : pageSize;
  const page =
    options.orderBy === undefined
      ? scanPage(context.store, cursor?.position ?? 0, limit, options.filter)
      : sortedPage(context.store, cursor?.offset ?? 0, limit, options);

  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(context.serviceRoot, options.select),
  };
  if (options.count) body['@odata.count'] = countMatching(context.store, options.filter);
  body.value = page.rows.map((row) => projectRow(row, options.select));

  const trackingVersion = tracking
    ? (cursor?.trackingVersion ?? context.store.currentVersion)
    : undefined;
  const hasMore = !topOnly && page.next !== undefined;
  if (hasMore) {
    const next: PageCursor = {
      pageNumber: (cursor?.pageNumber ?? 1) + 1,
      firstId: page.rows[0]?.accountid ?? '',
      lastId: page.rows[page.rows.length - 1]?.accountid ?? '',
      ...(options.orderBy === undefined ? { position: page.next } : { offset: page.next }),
      ...(trackingVersion === undefined ? {} : { trackingVersion }),
    };
    body['@odata.nextLink'] = nextLinkFor(url, next);
  } else if (trackingVersion !== undefined) {
    // The version at the START of the round: changes made while it was paged come again.
    const token = context.changeTokens.issue(trackingVersion);
    body['@odata.deltaLink'] = deltaLinkFor(context.serviceRoot, options.select, token);
  }
  const headers: Record<string, string> = preferenceApplied
    ? { 'Preference-Applied': preferenceApplied }
    : {};
  return jsonResponse(200, body, page.rows.length, headers);
}

interface Page {
  rows: AccountRow[];
  /** Where the next page starts (position or offset), undefined on the last page. */
  next: number | undefined;
}

function scanPage(
  store: AccountStore,
  from: number,
  limit: number,
  filter: FilterExpression | undefined,
): Page {
  const rows: AccountRow[] = [];
  const end = store.endPosition;
  for (let position = from; position < end; position++) {
    const row = store.rowAt(position);
    if (row === undefined || (filter !== undefined && !matchesFilter(filter, row))) continue;
    if (rows.length === limit) return { rows, next: position };
    rows.push(row);
  }
  return { rows, next: undefined };
}

function sortedPage(
  store: AccountStore,
  offset: number,
  limit: number,
  options: QueryOptions,
): Page {
  const orderBy = options.orderBy;
  if (orderBy === undefined) throw new Error('sortedPage needs $orderby');
  const type = ACCOUNT_COLUMNS[orderBy.column];
  const matching: AccountRow[] = [];
  for (const row of liveRows(store)) {
    if (options.filter === undefined || matchesFilter(options.filter, row)) matching.push(row);
  }
  const direction = orderBy.descending ? -1 : 1;
  // Nulls sort first ascending, as in SQL Server; ties keep the internal order (stable sort).
  matching.sort((a, b) => {
    const left = a[orderBy.column];
    const right = b[orderBy.column];
    if (left === right) return 0;
    if (left === null) return -direction;
    if (right === null) return direction;
    return direction * compareValues(left, right, type);
  });
  const rows = matching.slice(offset, offset + limit);
  const next = offset + limit < matching.length ? offset + limit : undefined;
  return { rows, next };
}

/** `@odata.count`: the number of matching rows, capped at 5000 like Dataverse. */
export function countMatching(store: AccountStore, filter: FilterExpression | undefined): number {
  if (filter === undefined) return Math.min(MAX_PAGE_SIZE, store.liveCount);
  let count = 0;
  for (const row of liveRows(store)) {
    if (matchesFilter(filter, row) && ++count >= MAX_PAGE_SIZE) break;
  }
  return count;
}

/** Every live row in internal order, generated lazily. */
export function* liveRows(store: AccountStore): IterableIterator<AccountRow> {
  const end = store.endPosition;
  for (let position = 0; position < end; position++) {
    const row = store.rowAt(position);
    if (row !== undefined) yield row;
  }
}
