/** Counters a client keeps for health and run summaries. */
export interface ClientStats {
  readonly requests: number;
  readonly throttledResponses: number;
  readonly throttledWaitInMs: number;
  readonly retries: number;
  readonly lastThrottledAt: Date | undefined;
}

/** Counters behind a client's `stats()`; one per client (per environment, per webhook). */
export class StatsRecorder {
  private requests = 0;
  private throttledResponses = 0;
  private throttledWaitInMs = 0;
  private retries = 0;
  private lastThrottledAt: Date | undefined;

  constructor(private readonly now: () => number) {}

  requestSent(): void {
    this.requests += 1;
  }

  throttled(waitInMs: number): void {
    this.throttledResponses += 1;
    this.throttledWaitInMs += waitInMs;
    this.lastThrottledAt = new Date(this.now());
  }

  retried(): void {
    this.retries += 1;
  }

  snapshot(): ClientStats {
    return {
      requests: this.requests,
      throttledResponses: this.throttledResponses,
      throttledWaitInMs: this.throttledWaitInMs,
      retries: this.retries,
      lastThrottledAt: this.lastThrottledAt,
    };
  }
}
