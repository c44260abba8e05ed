import type { HealthReport } from './types';

export interface HealthServiceOptions {
  /**
   * Runs one full check; called at most once per cache window, however many pollers ask.
   * `deadlineAt` (epoch ms) is when the poll that started it must have its answer.
   */
  readonly check: (deadlineAt: number | undefined) => Promise<HealthReport>;
  readonly cacheSeconds: number;
  readonly nowInMs: () => number;
}

/** Health results shared by every caller in the process. */
export interface HealthService {
  /**
   * The cached report when fresh, else the in-flight check, else a new check that must answer
   * by `deadlineAt`. A poll joining an in-flight check waits for it: it started earlier, with
   * an earlier deadline, so it ends in time for the joiner too.
   */
  current(options?: { readonly deadlineAt?: number }): Promise<HealthReport>;
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
    async current(request = {}): Promise<HealthReport> {
      if (cached !== undefined && options.nowInMs() - cached.atInMs < windowInMs) {
        return cached.report;
      }
      if (inFlight === undefined) {
        inFlight = options
          .check(request.deadlineAt)
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
