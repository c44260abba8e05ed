import { deltaLinkFor } from './changeTokens';
import { deltaResponse } from './deltaQuery';
import { changeTrackingNotEnabled, trackChangesNotSupported } from './errors';
import { compareValues, type FilterExpression, matchesFilter } from './filterExpression';
import { columnTypeOf } from './filterTypes';
import { decodeSkipToken, nextLinkFor, type PageCursor } from './pagingCookie';
import type { Preferences } from './preferences';
import type { QueryOptions } from './queryOptions';
import {
  annotatorFor,
  appliedPreferences,
  MAX_PAGE_SIZE,
  type ResourceContext,
} from './resourceContext';
import { jsonResponse, type SimResponse } from './response';
import { contextUrl, projectionFor, projectRow } from './rowProjection';
import type { SimTable } from './simTable';
import type { SimRow } from './tableTypes';

/**
 * `GET <entity set>`: plain queries, change-tracking rounds and delta responses. Pages in
 * internal order resume from the position in the paging cookie, so each page costs O(page)
 * however large the table; `$orderby` sorts the matching rows and pages by offset.
 */
export function queryTable(
  context: ResourceContext,
  table: SimTable,
  url: URL,
  options: QueryOptions,
  preferences: Preferences,
): SimResponse {
  const { schema, store } = table;
  const cursor = options.skipToken === undefined ? undefined : decodeSkipToken(options.skipToken);
  const tracking =
    preferences.trackChanges ||
    options.deltaToken !== undefined ||
    cursor?.trackingVersion !== undefined;
  if (tracking) {
    if (!schema.changeTrackingEnabled) throw changeTrackingNotEnabled(schema.logicalName);
    for (const option of ['$filter', '$orderby', '$expand', '$top']) {
      if (options.present.has(option)) throw trackChangesNotSupported(option);
    }
  }
  const requested = preferences.maxPageSize;
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, requested ?? context.defaultPageSize));
  const applied: string[] = [];
  if (preferences.trackChanges) applied.push('odata.track-changes');
  if (requested !== undefined) applied.push(`odata.maxpagesize=${pageSize}`);
  const headers = appliedPreferences(preferences, applied);
  const projection = projectionFor(schema, options.select, annotatorFor(context, preferences));

  if (options.deltaToken !== undefined)
    return deltaResponse(context, table, url, options, { pageSize, projection, headers });

  // $top counts only without odata.maxpagesize; then it is the whole result (no nextLink).
  const topOnly = requested === undefined && options.top !== undefined;
  const limit = topOnly ? Math.min(options.top ?? 0, pageSize) : pageSize;
  const page =
    options.orderBy === undefined
      ? scanPage(table, cursor?.position ?? 0, limit, options.filter)
      : sortedPage(table, cursor?.offset ?? 0, limit, options);

  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(context.serviceRoot, schema.entitySetName, options.select),
  };
  if (options.count) body['@odata.count'] = countMatching(table, options.filter);
  body.value = page.rows.map((row) => projectRow(row, projection));

  const trackingVersion = tracking ? (cursor?.trackingVersion ?? store.currentVersion) : undefined;
  const hasMore = !topOnly && page.next !== undefined;
  if (hasMore) {
    const next: PageCursor = {
      pageNumber: (cursor?.pageNumber ?? 1) + 1,
      firstId: String(page.rows[0]?.[schema.primaryId] ?? ''),
      lastId: String(page.rows[page.rows.length - 1]?.[schema.primaryId] ?? ''),
      ...(options.orderBy === undefined ? { position: page.next } : { offset: page.next }),
      ...(trackingVersion === undefined ? {} : { trackingVersion }),
    };
    body['@odata.nextLink'] = nextLinkFor(url, next, schema.primaryId);
  } else if (trackingVersion !== undefined) {
    // The version at the START of the round: changes made while it was paged come again.
    const token = context.changeTokens.issue(trackingVersion);
    body['@odata.deltaLink'] = deltaLinkFor(
      context.serviceRoot,
      schema.entitySetName,
      options.select,
      token,
    );
  }
  return jsonResponse(200, body, page.rows.length, headers);
}

interface Page {
  rows: SimRow[];
  /** Where the next page starts (position or offset), undefined on the last page. */
  next: number | undefined;
}

function scanPage(
  table: SimTable,
  from: number,
  limit: number,
  filter: FilterExpression | undefined,
): Page {
  const rows: SimRow[] = [];
  const { store } = table;
  const end = store.endPosition;
  for (let position = from; position < end; position++) {
    const row = store.rowAt(position);
    if (row === undefined || (filter !== undefined && !matchesFilter(filter, row))) continue;
    if (rows.length === limit) return { rows, next: position };
    rows.push(row);
  }
  return { rows, next: undefined };
}

function sortedPage(table: SimTable, offset: number, limit: number, options: QueryOptions): Page {
  const orderBy = options.orderBy;
  const column = orderBy === undefined ? undefined : table.schema.column(orderBy.column);
  if (orderBy === undefined || column === undefined) throw new Error('sortedPage needs $orderby');
  const type = columnTypeOf(column.kind);
  const matching: SimRow[] = [];
  for (const row of table.liveRows()) {
    if (options.filter === undefined || matchesFilter(options.filter, row)) matching.push(row);
  }
  const direction = orderBy.descending ? -1 : 1;
  // Nulls sort first ascending, as in SQL Server; ties keep the internal order (stable sort).
  matching.sort((a, b) => {
    const left = a[orderBy.column] ?? null;
    const right = b[orderBy.column] ?? null;
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
export function countMatching(table: SimTable, filter: FilterExpression | undefined): number {
  if (filter === undefined) return Math.min(MAX_PAGE_SIZE, table.store.liveCount);
  let count = 0;
  for (const row of table.liveRows()) {
    if (matchesFilter(filter, row) && ++count >= MAX_PAGE_SIZE) break;
  }
  return count;
}
