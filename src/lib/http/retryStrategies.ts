import {
  exponentialDelayInMs,
  isTransientNetworkCode,
  isTransientStatus,
  parseRetryAfter,
} from '../util';
import type { PipelineOptions } from './options';
import {
  type FailedOutcome,
  type PipelineRequest,
  type PipelineResponse,
  TransportError,
} from './types';

/** What the retry loop knows after a failed attempt. */
export interface RetryState {
  readonly request: PipelineRequest;
  readonly response: PipelineResponse | undefined;
  readonly error: TransportError | undefined;
  /** Transient retries already made in this call (throttling excluded). */
  readonly transientRetries: number;
  /** Throttling waits already made in this call. */
  readonly throttledRetries: number;
}

/** A strategy's answer; the loop obeys the first strategy that does not skip. */
export type RetryDecision =
  | { readonly skip: true }
  | {
      readonly retryAfterInMs: number;
      /** A throttling wait: counted apart, never against maxRetries. */
      readonly throttled: boolean;
      /** What the server said, for the log line (e.g. a service-protection code). */
      readonly reason?: string;
    }
  | { readonly errorToThrow: Error };

export interface RetryStrategy {
  readonly name: string;
  retry(state: RetryState): RetryDecision;
}

export const SKIP: RetryDecision = { skip: true };

/** True when the attempt's failure is in the transient table (with the client's own rules). */
export function isTransientFailure(state: RetryState, options: PipelineOptions): boolean {
  if (state.response !== undefined) return isTransientStatus(state.response.status);
  return state.error !== undefined && isTransientNetworkCode(state.error.code, options.transient);
}

/** The server's Retry-After in ms (clamped to maxRetryAfterInMs), when it sent a valid one. */
export function retryAfterOf(state: RetryState, options: PipelineOptions): number | undefined {
  return parseRetryAfter(
    state.response?.headers['retry-after'],
    options.now(),
    options.maxRetryAfterInMs,
  );
}

/**
 * Transient failures (the table in util/transient.ts, with the client's rules, plus our own
 * per-attempt timeout): the server's Retry-After when it sends one, else exponential backoff
 * with full jitter, at most `maxRetries` times. Everything else is not retried.
 */
export function transientStrategy(
  options: PipelineOptions,
  exhausted: (state: RetryState) => Error,
): RetryStrategy {
  return {
    name: 'transient',
    retry(state) {
      if (!isTransientFailure(state, options)) return SKIP;
      if (state.transientRetries >= options.maxRetries) return { errorToThrow: exhausted(state) };
      return {
        retryAfterInMs:
          retryAfterOf(state, options) ?? exponentialDelayInMs(state.transientRetries, options),
        throttled: false,
      };
    },
  };
}

/** The last outcome of a call whose retries ran out, marked so that its error says so. */
export function exhaustedOutcome(state: RetryState): FailedOutcome {
  state.request.call.gaveUp = 'maxRetries';
  if (state.response !== undefined) return { response: state.response };
  return { error: state.error ?? new TransportError('UNKNOWN', 'no response and no error') };
}
