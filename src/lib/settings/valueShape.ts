/**
 * Whether a setting's value may be quoted back in a problem text. A settings error reaches the
 * function's log, `doctor` and the health endpoint, so a value is quoted only when it cannot be
 * a secret: short, and made of the characters names, numbers and schedules use. A key pasted
 * into the wrong setting (a connection string, a URL with `code=` or `sig=`, JSON with a
 * password) is described by its shape instead.
 */

const CONNECTION_KEYS = ['usedevelopmentstorage', 'accountname', 'blobendpoint', 'tableendpoint'];
const MAX_QUOTED_LENGTH = 64;
// Names, numbers, lists (table lists' parentheses too) and NCRONTAB fields; no `=`, `;`, `?`,
// `&`, `:`, `~`, quotes or braces.
const QUOTABLE = /^[A-Za-z0-9 _.,*/()-]*$/;
// Unbroken runs this long that mix letters and digits may be keys (function keys are base64url).
const LONG_RUN = /[A-Za-z0-9_-]{24,}/g;

function hasKeyLikeRun(value: string): boolean {
  return [...value.matchAll(LONG_RUN)].some(([run]) => /\d/.test(run) && /[A-Za-z]/.test(run));
}

/** True when the value parses as `Key=Value;...` and names an account, endpoint or the emulator. */
export function looksLikeConnectionString(value: string): boolean {
  const pairs = value.split(';').filter((p) => p.trim() !== '');
  if (pairs.length === 0 || !pairs.every((p) => /^\s*[A-Za-z]+\s*=/.test(p))) return false;
  const keys = pairs.map((p) => p.slice(0, p.indexOf('=')).trim().toLowerCase());
  return keys.some((k) => CONNECTION_KEYS.includes(k));
}

/** True when quoting `value` cannot reveal a secret. */
export function isQuotable(value: string): boolean {
  return value.length <= MAX_QUOTED_LENGTH && QUOTABLE.test(value) && !hasKeyLikeRun(value);
}

/** What an unquoted value looks like, so the operator still recognises what they pasted. */
export function shapeOf(value: string): string {
  if (looksLikeConnectionString(value)) return 'it looks like a storage connection string';
  if (/^\s*[[{]/.test(value)) return 'it looks like JSON';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'it looks like a URL';
  if (value.includes('=')) return 'it holds Key=Value pairs';
  return 'it could hold a secret';
}
