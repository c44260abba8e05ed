/** Inputs of the computed backoff, in milliseconds. */
export interface BackoffOptions {
  /** First step; doubles per retry. */
  readonly retryDelayInMs: number;
  /** Largest computed delay. */
  readonly maxRetryDelayInMs: number;
  /** [0, 1) source, replaceable in tests. */
  readonly random: () => number;
}

/**
 * Full jitter: uniformly random in [0, min(max, base·2^n)] (AWS architecture blog,
 * "Exponential Backoff And Jitter"). Server-given delays (Retry-After) get no jitter.
 */
export function exponentialDelayInMs(retryCount: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxRetryDelayInMs, options.retryDelayInMs * 2 ** retryCount);
  return Math.floor(options.random() * ceiling);
}
