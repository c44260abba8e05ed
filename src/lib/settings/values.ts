/**
 * Pure checks for single values. Each returns the normalised value, or a string saying what is
 * wrong (never echoing the input, so they are safe for secret-bearing values too).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least two labels and an alphabetic TLD, e.g. contoso.onmicrosoft.com.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Result of a check: the normalised value, or what is wrong with it. */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(problem: string): Checked<T> => ({ ok: false, problem });

export function checkGuid(value: string): Checked<string> {
  return GUID.test(value) ? ok(value.toLowerCase()) : bad('must be a GUID');
}

/** Entra tenant: a GUID or a verified domain. `common`/`organizations` cannot issue app-only tokens. */
export function checkTenant(value: string): Checked<string> {
  if (GUID.test(value)) return ok(value.toLowerCase());
  if (DOMAIN.test(value)) return ok(value.toLowerCase());
  return bad('must be the tenant ID (a GUID) or a tenant domain such as contoso.onmicrosoft.com');
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for hosts that never leave the machine, where plain http is acceptable (local test bed). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

export interface OriginRules {
  /** Allow http:// for loopback hosts (local test bed and emulators). */
  readonly allowLoopbackHttp: boolean;
}

/**
 * A base URL that must be an origin only: https (or http on loopback when allowed), no
 * credentials, path, query or fragment. Returns it without trailing slash.
 */
export function checkOriginUrl(value: string, rules: OriginRules): Checked<string> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad('is not an absolute URL');
  }
  const loopback = isLoopbackHost(url.hostname);
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && loopback && rules.allowLoopbackHttp)
  ) {
    return bad(
      rules.allowLoopbackHttp
        ? 'must use https (plain http only for 127.0.0.1, localhost or ::1)'
        : 'must use https',
    );
  }
  if (url.username !== '' || url.password !== '')
    return bad('must not contain a user name or password');
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return bad('must be the bare base URL, without a path, query or fragment');
  }
  return ok(url.origin);
}

/** An endpoint URL (a path and query are allowed): https, or http on loopback. */
export function checkEndpointUrl(value: string): Checked<string> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return bad('must use https (plain http only for 127.0.0.1, localhost or ::1)');
  }
  if (url.username !== '' || url.password !== '')
    return bad('must not contain a user name or password');
  return ok(url.href);
}

export function checkBoolean(value: string): Checked<boolean> {
  const lower = value.toLowerCase();
  if (lower === 'true') return ok(true);
  if (lower === 'false') return ok(false);
  return bad('must be true or false');
}

/** A whole number within [min, max]; decimals, signs and units are rejected rather than guessed. */
export function checkInteger(value: string, min: number, max: number): Checked<number> {
  if (!/^\d{1,9}$/.test(value)) return bad(`must be a whole number from ${min} to ${max}`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) return bad(`must be a whole number from ${min} to ${max}`);
  return ok(parsed);
}
