import { deltaLinkFor } from './changeTokens';
import { decodeSkipToken, nextLinkFor, type PageCursor } from './pagingCookie';
import type { QueryOptions } from './queryOptions';
import type { ResourceContext } from './resourceContext';
import { jsonResponse, type SimResponse } from './response';
import { contextUrl, projectRow } from './rowProjection';

/**
 * A delta response (GET of a deltaLink): rows changed since the token's version first (current
 * state), then deletions, paged with nextLink when larger than the page size, ending with a
 * new deltaLink. The version range is fixed on the first page so that later pages are stable.
 */
export function deltaResponse(
  context: ResourceContext,
  url: URL,
  options: QueryOptions,
  pageSize: number,
  preferenceApplied: string,
): SimResponse {
  const { store } = context;
  const fromVersion = context.changeTokens.check(options.deltaToken ?? '', store);
  const cursor = options.skipToken === undefined ? undefined : decodeSkipToken(options.skipToken);
  const toVersion = cursor?.deltaToVersion ?? store.currentVersion;
  const changes = store.changesBetween(fromVersion, toVersion);
  const entries = [
    ...changes.upserts.map((p) => ({ p, deleted: false })),
    ...changes.deletions.map((p) => ({ p, deleted: true })),
  ];
  const offset = cursor?.offset ?? 0;
  const slice = entries.slice(offset, offset + pageSize);
  const deletedContext = `${context.serviceRoot}$metadata#accounts/$deletedEntity`;
  const value: Record<string, unknown>[] = [];
  for (const entry of slice) {
    if (entry.deleted) {
      value.push({ '@odata.context': deletedContext, id: store.idAt(entry.p), reason: 'deleted' });
      continue;
    }
    // Deleted after the range's end: its deletion comes with the next delta.
    const row = store.rowAt(entry.p);
    if (row !== undefined) value.push(projectRow(row, options.select));
  }
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(context.serviceRoot, options.select, '/$delta'),
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
    body['@odata.nextLink'] = nextLinkFor(url, next);
  } else {
    body['@odata.deltaLink'] = deltaLinkFor(
      context.serviceRoot,
      options.select,
      context.changeTokens.issue(toVersion),
    );
  }
  return jsonResponse(
    200,
    body,
    value.length,
    preferenceApplied ? { 'Preference-Applied': preferenceApplied } : {},
  );
}

/** `GET accounts/$count?$deltatoken=...`: the number of changes since the token (max 5000). */
export function deltaCount(context: ResourceContext, deltaToken: string): number {
  const fromVersion = context.changeTokens.check(deltaToken, context.store);
  const changes = context.store.changesBetween(fromVersion, context.store.currentVersion);
  return Math.min(5000, changes.upserts.length + changes.deletions.length);
}
