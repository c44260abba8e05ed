import type { HealthReport } from './types';

export interface HealthServiceOptions {
  /** Runs one full check; called at most once per cache window, however many pollers ask. */
  readonly check: () => Promise<HealthReport>;
  readonly cacheSeconds: number;
  readonly nowInMs: () => number;
}

/** Health results shared by every caller in the process. */
export interface HealthService {
  /** The cached report when fresh, else the in-flight check, else a new check. */
  current(): Promise<HealthReport>;
}

/**
 * Caches the last report for `cacheSeconds` and coalesces concurrent requests onto one
 * in-flight check, so a storm of pollers costs one WhoAmI per environment per window and
 * cannot push the application user into Dataverse's service protection limits.
 */
export function createHealthService(options: HealthServiceOptions): HealthService {
  let cached: { report: HealthReport; atInMs: number } | undefined;
  let inFlight: Promise<HealthReport> | undefined;
  const windowInMs = options.cacheSeconds * 1000;

  return {
    async current(): Promise<HealthReport> {
      if (cached !== undefined && options.nowInMs() - cached.atInMs < windowInMs) {
        return cached.report;
      }
      if (inFlight === undefined) {
        inFlight = options
          .check()
          .then((report) => {
            cached = { report, atInMs: options.nowInMs() };
            return report;
          })
          .finally(() => {
            inFlight = undefined;
          });
      }
      return await inFlight;
    },
  };
}
