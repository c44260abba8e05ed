import type { ClientStats } from './types';

/** Counters behind `DataverseClient.stats()`; one per client, so per environment. */
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
