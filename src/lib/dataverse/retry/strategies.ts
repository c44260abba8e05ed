import { parseErrorBody, SERVICE_PROTECTION_CODES } from '../errorCodes';
import type { ResolvedClientOptions } from '../options';
import {
  type DataverseRequest,
  type DataverseResponse,
  REQUEST_TIMEOUT_CODE,
  TransportError,
} from '../request';
import { parseRetryAfter } from './retryAfter';

/** What the retry loop knows after a failed attempt. */
export interface RetryState {
  readonly request: DataverseRequest;
  readonly response: DataverseResponse | undefined;
  readonly error: TransportError | undefined;
  /** Transient retries already made in this call (throttling excluded). */
  readonly transientRetries: number;
  /** Service-protection waits already made in this call. */
  readonly throttledRetries: number;
}

/** A strategy's answer; the loop obeys the first strategy that does not skip. */
export type RetryDecision =
  | { readonly skip: true }
  | { readonly retryAfterInMs: number; readonly throttled: boolean }
  | { readonly errorToThrow: Error };

export interface RetryStrategy {
  readonly name: string;
  retry(state: RetryState): RetryDecision;
}

const SKIP: RetryDecision = { skip: true };

/**
 * Network failures worth another attempt. ENOTFOUND is deliberately absent: a name that does
 * not resolve is almost always a wrong org URL, and five backoffs would only delay the clear
 * error. EAI_AGAIN is the resolver's own "temporary failure" and is retried.
 */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  REQUEST_TIMEOUT_CODE,
]);

/** 408, 429 without a service-protection code, 5xx except 501 (not implemented) and 505 (version). */
export function isTransientStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Full jitter: uniformly random in [0, min(max, base·2^n)] (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function exponentialDelayInMs(
  retryCount: number,
  options: Pick<ResolvedClientOptions, 'retryDelayInMs' | 'maxRetryDelayInMs' | 'random'>,
): number {
  const ceiling = Math.min(options.maxRetryDelayInMs, options.retryDelayInMs * 2 ** retryCount);
  return Math.floor(options.random() * ceiling);
}

/** The service-protection code of a 429, when it carries one of the three. */
export function serviceProtectionCode(response: DataverseResponse | undefined): string | undefined {
  if (response?.status !== 429) return undefined;
  const { code } = parseErrorBody(response.bodyText);
  return code !== undefined && SERVICE_PROTECTION_CODES.has(code) ? code : undefined;
}

/**
 * Service protection (429 with 0x80072322/0x80072321/0x80072326): wait exactly Retry-After, no
 * jitter; malformed or missing → computed backoff. Never counted against maxRetries (throttling
 * must not drop work); the call's deadline bounds it instead.
 */
export function throttlingStrategy(options: ResolvedClientOptions): RetryStrategy {
  return {
    name: 'throttling',
    retry(state) {
      if (serviceProtectionCode(state.response) === undefined) return SKIP;
      const given = parseRetryAfter(
        state.response?.headers['retry-after'],
        options.now(),
        options.maxRetryAfterInMs,
      );
      return {
        retryAfterInMs: given ?? exponentialDelayInMs(state.throttledRetries, options),
        throttled: true,
      };
    },
  };
}

/**
 * Transient failures (408, other 429s, 5xx except 501/505, named network codes, our own
 * per-attempt timeout): exponential backoff with full jitter, or the server's Retry-After when
 * it sends one, at most `maxRetries` times. Everything else is not retried.
 */
export function transientStrategy(
  options: ResolvedClientOptions,
  exhausted: (state: RetryState) => Error,
): RetryStrategy {
  return {
    name: 'transient',
    retry(state) {
      const transient =
        state.response !== undefined
          ? isTransientStatus(state.response.status)
          : state.error !== undefined && TRANSIENT_NETWORK_CODES.has(state.error.code);
      if (!transient) return SKIP;
      if (state.transientRetries >= options.maxRetries) return { errorToThrow: exhausted(state) };
      const given = parseRetryAfter(
        state.response?.headers['retry-after'],
        options.now(),
        options.maxRetryAfterInMs,
      );
      return {
        retryAfterInMs: given ?? exponentialDelayInMs(state.transientRetries, options),
        throttled: false,
      };
    },
  };
}
