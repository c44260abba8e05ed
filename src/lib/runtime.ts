import type { DataverseTokenProvider } from './auth/types';
import type { DataverseClient } from './dataverse/types';
import { createHealthService, type HealthService } from './health/healthService';
import type { Logger } from './logger';
import type { EnvironmentSettings, Settings } from './settingsTypes';
import type { SyncService } from './sync/syncService';

/**
 * The process-wide singletons every function shares: settings, the token provider (its
 * credential caches), one Dataverse client per environment (its connection pool and
 * concurrency limit), and the health cache. Built lazily on first use.
 */
export interface Runtime {
  readonly settings: Settings;
  readonly tokenProvider: DataverseTokenProvider;
  clientFor(environment: EnvironmentSettings): DataverseClient;
  readonly health: HealthService;
  readonly sync: SyncService;
}

export type RuntimeFactory = () => Promise<Runtime>;

/**
 * Caches the initialisation PROMISE, not its value, so concurrent first invocations share one
 * build (one Key Vault read, one token request) — and drops it again if it rejects, so a
 * transient failure (Key Vault briefly unreachable) does not poison the process until restart.
 */
export function memoizeRuntime(factory: RuntimeFactory): {
  get: RuntimeFactory;
  reset: () => void;
} {
  let promise: Promise<Runtime> | undefined;
  return {
    get(): Promise<Runtime> {
      if (promise === undefined) {
        const attempt = factory();
        promise = attempt;
        attempt.catch(() => {
          if (promise === attempt) promise = undefined;
        });
      }
      return promise;
    },
    reset(): void {
      promise = undefined;
    },
  };
}

/** Re-exported so function files need one import for the shared pieces. */
export type { HealthService, Logger };
export { createHealthService };
