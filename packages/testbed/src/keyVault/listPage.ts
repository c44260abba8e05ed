/**
 * Paging of Key Vault's list operations (`GET /secrets`, `GET /secrets/{name}/versions`) as the
 * REST reference describes them: `maxresults` (1–25, default 25) sizes a page, and a page that is
 * not the last carries an absolute `nextLink` holding the `api-version`, an opaque `$skiptoken`
 * and the `maxresults` of the first request; the last page has `nextLink: null`.
 * https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret-versions/get-secret-versions
 */

/** Key Vault's default and largest page. */
export const MAX_PAGE_SIZE = 25;

export type PageOutcome =
  | { ok: true; body: { value: unknown[]; nextLink: string | null } }
  | { ok: false; status: 400; body: { error: { code: string; message: string } } };

function badParameter(message: string): PageOutcome {
  return { ok: false, status: 400, body: { error: { code: 'BadParameter', message } } };
}

/** The skip token encodes where the next page starts, shaped like the service's own (base64 JSON). */
function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ NextMarker: `2!${String(offset)}`, TargetLocation: 0 }))
    .toString('base64')
    .replace(/=+$/, '');
}

function decodeSkipToken(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      NextMarker?: unknown;
    };
    const match =
      typeof parsed.NextMarker === 'string' ? /^2!(\d+)$/.exec(parsed.NextMarker) : null;
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * One page of `items` for the request at `requestUrl` (whose query holds `api-version` and maybe
 * `maxresults` and `$skiptoken`); `listUrl` is the absolute URL the next link points at.
 */
export function pageOf(items: readonly unknown[], requestUrl: URL, listUrl: string): PageOutcome {
  const query = requestUrl.searchParams;
  const maxResultsText = query.get('maxresults');
  let pageSize = MAX_PAGE_SIZE;
  if (maxResultsText !== null) {
    const parsed = Number(maxResultsText);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_PAGE_SIZE) {
      return badParameter(
        `The value '${maxResultsText}' of maxresults is invalid: it must be between 1 and ${String(MAX_PAGE_SIZE)}.`,
      );
    }
    pageSize = parsed;
  }
  const skipToken = query.get('$skiptoken');
  const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
  if (offset === undefined) return badParameter('The $skiptoken is invalid.');

  const value = items.slice(offset, offset + pageSize);
  const nextOffset = offset + value.length;
  if (nextOffset >= items.length) return { ok: true, body: { value, nextLink: null } };
  // Written out rather than through URLSearchParams, which would escape the `$` of `$skiptoken`.
  const apiVersion = encodeURIComponent(query.get('api-version') ?? '');
  const token = encodeURIComponent(encodeSkipToken(nextOffset));
  const size = maxResultsText === null ? '' : `&maxresults=${String(pageSize)}`;
  return {
    ok: true,
    body: { value, nextLink: `${listUrl}?api-version=${apiVersion}&$skiptoken=${token}${size}` },
  };
}
