import { queryError } from './errors';

/**
 * Codec of `$skiptoken` values. The outer shape is Dataverse's
 * `<cookie pagenumber="2" pagingcookie="..." istracking="False" />`; the paging cookie inside
 * is, like Dataverse's, a twice URL-encoded XML fragment naming the last and first ids of the
 * page, plus the simulator's own position data. Clients must treat all of it as opaque.
 */
export interface PageCursor {
  /** Number of the page this cursor leads to (2 for the first nextLink). */
  pageNumber: number;
  /** Internal row position to resume scanning from (plain and tracking rounds in id order). */
  position?: number;
  /** Offset into a sorted result or a delta change list. */
  offset?: number;
  /** Version at the start of a change-tracking round: becomes the round's deltaLink. */
  trackingVersion?: number;
  /** Version range of a paged delta response. */
  deltaToVersion?: number;
  firstId: string;
  lastId: string;
}

const NUMERIC_FIELDS = ['position', 'offset', 'trackingVersion', 'deltaToVersion'] as const;

/** `primaryId` names the cookie's id element, as Dataverse's does (`<accountid last=... />`). */
export function encodeSkipToken(cursor: PageCursor, primaryId: string): string {
  const simAttributes = NUMERIC_FIELDS.filter((field) => cursor[field] !== undefined)
    .map((field) => ` sim${field.toLowerCase()}="${String(cursor[field])}"`)
    .join('');
  const inner = `<cookie page="${cursor.pageNumber - 1}"${simAttributes}><${primaryId} last="{${cursor.lastId.toUpperCase()}}" first="{${cursor.firstId.toUpperCase()}}" /></cookie>`;
  const pagingCookie = encodeURIComponent(encodeURIComponent(inner));
  const tracking = cursor.trackingVersion !== undefined || cursor.deltaToVersion !== undefined;
  return `<cookie pagenumber="${cursor.pageNumber}" pagingcookie="${pagingCookie}" istracking="${tracking ? 'True' : 'False'}" />`;
}

/** Decodes a `$skiptoken` (already URL-decoded once by the query string parser). */
export function decodeSkipToken(token: string): PageCursor {
  const outer =
    /^<cookie pagenumber="(\d+)" pagingcookie="([^"]*)" istracking="(True|False)" \/>$/.exec(token);
  if (outer === null) throw invalidSkipToken();
  let inner: string;
  try {
    inner = decodeURIComponent(decodeURIComponent(outer[2] ?? ''));
  } catch {
    throw invalidSkipToken();
  }
  const ids = /<[a-z_0-9]+ last="\{([0-9A-F-]+)\}" first="\{([0-9A-F-]+)\}" \/>/.exec(inner);
  if (ids === null) throw invalidSkipToken();
  const cursor: PageCursor = {
    pageNumber: Number(outer[1]),
    lastId: (ids[1] ?? '').toLowerCase(),
    firstId: (ids[2] ?? '').toLowerCase(),
  };
  for (const field of NUMERIC_FIELDS) {
    const match = new RegExp(` sim${field.toLowerCase()}="(\\d+)"`).exec(inner);
    if (match) cursor[field] = Number(match[1]);
  }
  return cursor;
}

function invalidSkipToken(): Error {
  return queryError('The $skiptoken value is not a valid paging cookie.');
}

/**
 * A full link for the next page: the original request URL with `$skiptoken` replaced, so every
 * other option (`$select`, `$filter`, `$deltatoken`, ...) carries over unchanged.
 */
export function nextLinkFor(requestUrl: URL, cursor: PageCursor, primaryId: string): string {
  const kept = requestUrl.search
    .replace(/^\?/, '')
    .split('&')
    .filter(
      (pair) => pair !== '' && !pair.startsWith('$skiptoken=') && !pair.startsWith('%24skiptoken='),
    );
  kept.push(`$skiptoken=${encodeURIComponent(encodeSkipToken(cursor, primaryId))}`);
  return `${requestUrl.origin}${requestUrl.pathname}?${kept.join('&')}`;
}
