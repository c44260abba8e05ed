/**
 * The one table of what is worth another attempt, for every outbound client (Dataverse, the
 * webhook, the storage error mapping): statuses and network error codes that are known to pass
 * by themselves. Unknown errors (bugs, wrong settings) are never retried (ky, core-rest-pipeline).
 */

/** The code the HTTP pipeline's own per-attempt timeout uses (no response in time). */
export const REQUEST_TIMEOUT_CODE = 'REQUEST_TIMEOUT';

/**
 * Network failures worth another attempt. EAI_AGAIN is the resolver's own "temporary failure".
 * ENOTFOUND is not here: see {@link TransientRules.retryUnresolvedHost}.
 */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  REQUEST_TIMEOUT_CODE,
]);

/** How one client differs from the table; every difference is an explicit choice. */
export interface TransientRules {
  /**
   * Retry ENOTFOUND. Off for Dataverse: a name that does not resolve is almost always a wrong
   * org URL, and five backoffs would only delay the clear error. On for the webhook receiver,
   * whose DNS (often a private zone or a freshly deployed app) can lag behind.
   */
  readonly retryUnresolvedHost: boolean;
}

/** 408, 429, and 5xx except 501 (not implemented) and 505 (version not supported). */
export function isTransientStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** True when a request that got no response with this Node/transport code may succeed later. */
export function isTransientNetworkCode(code: string, rules: TransientRules): boolean {
  if (code === 'ENOTFOUND') return rules.retryUnresolvedHost;
  return TRANSIENT_NETWORK_CODES.has(code);
}
