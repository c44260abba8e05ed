/** The Web API service root of an org URL, with trailing slash. */
export function serviceRootOf(orgUrl: string): string {
  return `${orgUrl}/api/data/v9.2/`;
}

/** Resolves a path relative to the service root (`accounts?$select=name`, `WhoAmI`). */
export function resolveServicePath(serviceRoot: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) {
    throw new TypeError(
      `Dataverse path must be relative to the service root, got "${path.slice(0, 100)}"`,
    );
  }
  return serviceRoot + path;
}

/** `contoso.crm.dynamics.com` and `contoso.api.crm.dynamics.com` are the same Web API. */
function sameService(a: URL, b: URL): boolean {
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  if (a.hostname === b.hostname) return true;
  const withApi = (u: URL): string => u.hostname.replace(/^([^.]+)\./, '$1.api.');
  return withApi(a) === b.hostname || withApi(b) === a.hostname;
}

/**
 * Checks that a nextLink/deltaLink (opaque, from the service or from a stored checkpoint) points
 * at this environment before we send our bearer token to it. Returns it unchanged.
 */
export function checkLink(orgUrl: string, link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new TypeError('Dataverse link is not an absolute URL');
  }
  if (!sameService(new URL(orgUrl), url)) {
    throw new TypeError(
      `Dataverse link points at ${url.origin}, not at ${orgUrl}: refusing to send the token there`,
    );
  }
  return link;
}
