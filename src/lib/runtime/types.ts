import type { DataverseTokenProvider } from '../auth';
import type { DataverseClient } from '../dataverse';
import type { HealthService } from '../health';
import type { JobsService } from '../queue';
import type { EnvironmentSettings, Settings, SettingsSource } from '../settings';
import type { SyncService } from '../sync';
import type { Logger } from '../util';

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
  /** The job queue: the dispatcher, the queue-triggered handler, the poison count. */
  readonly jobs: JobsService;
}

/** Tuning the runtime passes on; tests and benchmarks shorten it, production keeps defaults. */
export interface RuntimeOptions {
  /** Where settings come from; default process.env (read only by the settings module). */
  readonly source?: SettingsSource;
  /** Process-wide logger for shared clients; per-run loggers come with each operation. */
  readonly logger: Logger;
  /** The whole health check's budget. Default 20 s, below any poller's timeout. */
  readonly healthTimeoutInMs?: number;
  /**
   * How often Key Vault is re-read, and, while an older version stands in for one Entra ID
   * rejects, how often the current one is tried again. Default 1 hour.
   */
  readonly keyVaultRefreshIntervalInMs?: number;
  /**
   * Overrides HEALTH_DETAILED_ERRORS: the CLI's `health` runs in the operator's own terminal and
   * always shows the full descriptions. Default: the setting.
   */
  readonly detailedHealthErrors?: boolean;
}
