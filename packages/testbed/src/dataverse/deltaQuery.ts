import { deltaLinkFor } from './changeTokens';
import { changeTrackingNotEnabled } from './errors';
import { decodeSkipToken, nextLinkFor, type PageCursor } from './pagingCookie';
import type { QueryOptions } from './queryOptions';
import type { ResourceContext } from './resourceContext';
import { jsonResponse, type SimResponse } from './response';
import { contextUrl, type Projection, projectRow } from './rowProjection';
import type { SimTable } from './simTable';

/** How a delta page is cut and written, settled by the query that asked for it. */
export interface DeltaPaging {
  pageSize: number;
  projection: Projection;
  headers: Record<string, string>;
}

/**
 * A delta response (GET of a deltaLink): rows changed since the token's version first (current
 * state), then deletions, paged with nextLink when larger than the page size, ending with a
 * new deltaLink. The version range is fixed on the first page so that later pages are stable.
 */
export function deltaResponse(
  context: ResourceContext,
  table: SimTable,
  url: URL,
  options: QueryOptions,
  paging: DeltaPaging,
): SimResponse {
  const { store, schema } = table;
  const fromVersion = context.changeTokens.check(options.deltaToken ?? '', context.shared.clock);
  const cursor = options.skipToken === undefined ? undefined : decodeSkipToken(options.skipToken);
  const toVersion = cursor?.deltaToVersion ?? store.currentVersion;
  const changes = store.changesBetween(fromVersion, toVersion);
  const entries = [
    ...changes.upserts.map((p) => ({ p, deleted: false })),
    ...changes.deletions.map((p) => ({ p, deleted: true })),
  ];
  const offset = cursor?.offset ?? 0;
  const slice = entries.slice(offset, offset + paging.pageSize);
  const deletedContext = `${context.serviceRoot}$metadata#${schema.entitySetName}/$deletedEntity`;
  const value: Record<string, unknown>[] = [];
  for (const entry of slice) {
    if (entry.deleted) {
      value.push({ '@odata.context': deletedContext, id: store.idAt(entry.p), reason: 'deleted' });
      continue;
    }
    // Deleted after the range's end: its deletion comes with the next delta.
    const row = store.rowAt(entry.p);
    if (row !== undefined) value.push(projectRow(row, paging.projection));
  }
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(
      context.serviceRoot,
      schema.entitySetName,
      options.select,
      '/$delta',
    ),
    value,
  };
  const end = offset + slice.length;
  if (end < entries.length) {
    const next: PageCursor = {
      pageNumber: (cursor?.pageNumber ?? 1) + 1,
      offset: end,
      deltaToVersion: toVersion,
      firstId: store.idAt(slice[0]?.p ?? 0),
      lastId: store.idAt(slice[slice.length - 1]?.p ?? 0),
    };
    body['@odata.nextLink'] = nextLinkFor(url, next, schema.primaryId);
  } else {
    body['@odata.deltaLink'] = deltaLinkFor(
      context.serviceRoot,
      schema.entitySetName,
      options.select,
      context.changeTokens.issue(toVersion),
    );
  }
  return jsonResponse(200, body, value.length, paging.headers);
}

/** `GET <set>/$count?$deltatoken=...`: the number of changes since the token (max 5000). */
export function deltaCount(context: ResourceContext, table: SimTable, deltaToken: string): number {
  if (!table.schema.changeTrackingEnabled) throw changeTrackingNotEnabled(table.logicalName);
  const fromVersion = context.changeTokens.check(deltaToken, context.shared.clock);
  const changes = table.store.changesBetween(fromVersion, table.store.currentVersion);
  return Math.min(5000, changes.upserts.length + changes.deletions.length);
}
