import { ERROR_CODES, SimHttpError } from './errors';
import type { ServiceProtectionLimits } from './types';

/** Window state of one application user. */
interface UserWindow {
  inFlight: number;
  /** Arrival times of accepted requests inside the window, oldest first. */
  requestTimes: number[];
  /** Finished requests' (end time, execution ms) inside the window, oldest first. */
  executions: { atMs: number; ms: number }[];
  executionTotalMs: number;
}

export type ThrottleKind = 'concurrency' | 'requests' | 'executionTime';

/** The 429 Dataverse answers for each service-protection limit, with Retry-After. */
export function throttleError(
  kind: ThrottleKind,
  limits: ServiceProtectionLimits,
  retryAfterSeconds: number,
): SimHttpError {
  const windowSeconds = Math.round(limits.windowMs / 1000);
  const headers = { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  switch (kind) {
    case 'concurrency':
      return new SimHttpError(
        429,
        ERROR_CODES.throttleConcurrency,
        `Number of concurrent requests exceeded the limit of ${limits.concurrent}.`,
        headers,
      );
    case 'requests':
      return new SimHttpError(
        429,
        ERROR_CODES.throttleRequests,
        `Number of requests exceeded the limit of ${limits.requestsPerWindow} over time window of ${windowSeconds} seconds.`,
        headers,
      );
    case 'executionTime':
      return new SimHttpError(
        429,
        ERROR_CODES.throttleExecutionTime,
        `Combined execution time of incoming requests exceeded limit of ${limits.executionTimeMsPerWindow.toLocaleString('en-US')} milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
        headers,
      );
  }
}

/**
 * Dataverse's three service-protection limits per application user: concurrent requests (fail
 * at once), requests and execution time in a sliding window (fail once exceeded, Retry-After =
 * time until enough of the window has slid past). Rejected requests do not count.
 */
export class ServiceProtection {
  private readonly users = new Map<string, UserWindow>();

  constructor(
    readonly limits: ServiceProtectionLimits,
    private readonly nowInMs: () => number = Date.now,
  ) {}

  /** Admits a request (counts it in flight) or throws the 429 of the limit it hits. */
  admit(appId: string, requestCount: number): void {
    const user = this.user(appId);
    const now = this.nowInMs();
    this.slide(user, now);
    const { limits } = this;
    if (user.inFlight >= limits.concurrent) throw throttleError('concurrency', limits, 1);
    if (user.requestTimes.length >= limits.requestsPerWindow) {
      const oldest = user.requestTimes[0] ?? now;
      throw throttleError('requests', limits, (oldest + limits.windowMs - now) / 1000);
    }
    if (user.executionTotalMs >= limits.executionTimeMsPerWindow) {
      let remaining = user.executionTotalMs;
      let freedAt = now;
      for (const execution of user.executions) {
        remaining -= execution.ms;
        freedAt = execution.atMs + limits.windowMs;
        if (remaining < limits.executionTimeMsPerWindow) break;
      }
      throw throttleError('executionTime', limits, (freedAt - now) / 1000);
    }
    user.inFlight += 1;
    for (let index = 0; index < requestCount; index++) user.requestTimes.push(now);
  }

  /** Ends an admitted request and books its execution time. */
  release(appId: string, executionMs: number): void {
    const user = this.user(appId);
    user.inFlight = Math.max(0, user.inFlight - 1);
    user.executions.push({ atMs: this.nowInMs(), ms: executionMs });
    user.executionTotalMs += executionMs;
  }

  /** Informational `x-ms-ratelimit-*` headers for a user. */
  rateLimitHeaders(appId: string): Record<string, string> {
    const user = this.user(appId);
    this.slide(user, this.nowInMs());
    const burst = Math.max(0, this.limits.requestsPerWindow - user.requestTimes.length);
    const time = Math.max(0, this.limits.executionTimeMsPerWindow - user.executionTotalMs);
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(burst),
      'x-ms-ratelimit-time-remaining-xrm-requests': time.toLocaleString('en-US', {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      }),
    };
  }

  private user(appId: string): UserWindow {
    const key = appId.toLowerCase();
    let user = this.users.get(key);
    if (user === undefined) {
      user = { inFlight: 0, requestTimes: [], executions: [], executionTotalMs: 0 };
      this.users.set(key, user);
    }
    return user;
  }

  private slide(user: UserWindow, now: number): void {
    const start = now - this.limits.windowMs;
    let drop = 0;
    while (drop < user.requestTimes.length && (user.requestTimes[drop] ?? 0) <= start) drop++;
    if (drop > 0) user.requestTimes.splice(0, drop);
    drop = 0;
    while (drop < user.executions.length && (user.executions[drop]?.atMs ?? 0) <= start) {
      user.executionTotalMs -= user.executions[drop]?.ms ?? 0;
      drop++;
    }
    if (drop > 0) user.executions.splice(0, drop);
  }
}
