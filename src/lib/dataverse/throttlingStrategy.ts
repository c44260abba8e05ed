import { SERVICE_PROTECTION_CODES } from '../errors';
import { type PipelineResponse, retryAfterOf, type RetryStrategy, SKIP } from '../http';
import { exponentialDelayInMs } from '../util';
import { parseErrorBody } from './errorBody';
import type { ResolvedClientOptions } from './options';

/** The service-protection code of a 429, when it carries one of the three. */
export function serviceProtectionCode(response: PipelineResponse | undefined): string | undefined {
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
      const code = serviceProtectionCode(state.response);
      if (code === undefined) return SKIP;
      return {
        retryAfterInMs:
          retryAfterOf(state, options) ?? exponentialDelayInMs(state.throttledRetries, options),
        throttled: true,
        reason: code,
      };
    },
  };
}
