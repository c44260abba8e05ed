import type { TokenCredential } from '@azure/identity';

import type { DataverseClient } from '../dataverse';
import { AuthenticationError, ConfigurationError } from '../errors';
import { readTableDefinition } from '../schema';
import { formatTables, type Settings, type TableSelection } from '../settings';
import type { Logger } from '../util';
import { BlobLeaseProvider } from './blobLease';
import { BlobCheckpointStore } from './checkpointStore';
import { WebhookTarget } from './httpSink';
import { jobKey } from './jobs';
import type { Rejections } from './rejections';
import { type JobDeps, runSyncJobs } from './runSyncJobs';
import { createSyncStorageClients, type SyncStorageClients } from './storageClients';
import { syncTable } from './syncTable';
import { TableTarget } from './tableTarget';
import type { SyncHooks, SyncJob, SyncRunReport, SyncTarget, TableSyncResult } from './types';

/** What the checkpoint says about a job's last runs (health reads it). */
export interface LastSyncStatus {
  readonly lastSuccessAt: Date | undefined;
  readonly lastError: string | undefined;
  /** The last full resync started: when, and why (a new column, a lost checkpoint, ...). */
  readonly lastResync: { readonly at: string; readonly reason: string } | undefined;
  /** Rows the target could not hold: how many, and the first few with their reason. */
  readonly rejectedRows: RejectedRowsSummary | undefined;
}

/** What health shows about rejected rows (the checkpoint lists up to 1,000). */
export interface RejectedRowsSummary {
  readonly count: number;
  /** True when more were rejected than the checkpoint lists. */
  readonly more: boolean;
  readonly examples: readonly { readonly id: string; readonly reason: string }[];
}

function rejectedRowsOf(rejected: Rejections | undefined): RejectedRowsSummary | undefined {
  if (rejected === undefined) return undefined;
  const entries = Object.entries(rejected.rows);
  return {
    count: entries.length,
    more: rejected.more,
    examples: entries.slice(0, 3).map(([id, reason]) => ({ id, reason })),
  };
}

export interface SyncRunRequest {
  readonly logger: Logger;
  /** Only these environments (names); default all. */
  readonly environmentNames?: readonly string[];
  /** Only these tables (logical names); default each environment's tables. */
  readonly tables?: readonly string[];
  /** Force a full round (new generation, sweep afterwards). */
  readonly full?: boolean;
  readonly signal?: AbortSignal;
  readonly hooks?: SyncHooks;
}

/** One job to run now (a queue message, a CLI call). */
export interface JobRunRequest extends SyncJob {
  readonly logger: Logger;
  readonly full?: boolean;
  readonly signal?: AbortSignal;
  readonly hooks?: SyncHooks;
}

/** The sync as the functions, the CLI and the health check use it. */
export interface SyncService {
  /** Every configured job, or those of the given environments and tables. */
  jobs(filter?: { environmentNames?: readonly string[]; tables?: readonly string[] }): SyncJob[];
  /** Runs one job (one table of one environment) in this process. */
  runJob(request: JobRunRequest): Promise<TableSyncResult>;
  /** Runs every matching job in this process, 4 at a time (the CLI; Azure fans out by queue). */
  run(request: SyncRunRequest): Promise<SyncRunReport>;
  /** Last successful sync and last error of a job, from its checkpoint. */
  lastSync(job: SyncJob): Promise<LastSyncStatus>;
}

export interface SyncServiceOptions {
  readonly settings: Settings;
  readonly clients: readonly DataverseClient[];
  /**
   * The app's managed identity (AZURE_CLIENT_ID), or the user-assigned identity `clientId` when
   * given: identity-based storage (its `__clientId`) and the webhook's bearer token.
   */
  readonly managedIdentity: (clientId?: string) => TokenCredential;
  /**
   * Builds the PostgreSQL target (SYNC_TARGET=postgres). Injected by the runtime because the
   * postgres folder builds on sync's contracts: sync importing it would be a folder cycle.
   */
  readonly createPostgresTarget?: (
    target: Extract<Settings['sync']['target'], { kind: 'postgres' }>,
    managedIdentity: () => TokenCredential,
  ) => SyncTarget;
}

/** The setting named when a configured table or column is wrong. */
const TABLES_SETTING = 'SYNC_TABLES (or the environment\'s "tables" in DATAVERSE_ENVIRONMENTS)';

/**
 * Wires the sync engine to its storage (checkpoints, leases, mirror tables), target and table
 * metadata. Storage clients are created on first use and shared, so the health endpoint of an
 * app whose storage is misconfigured still answers — with the storage failure in its
 * last-sync check.
 */
export function createSyncService(options: SyncServiceOptions): SyncService {
  const { settings } = options;
  const { storage: connection } = settings.sync;
  // Like the Functions host, an identity-based connection's own __clientId wins.
  const credential = (): { credential?: TokenCredential } =>
    connection.connectionString === undefined
      ? { credential: options.managedIdentity(connection.clientId) }
      : {};
  let storage: SyncStorageClients | undefined;
  const storageClients = (): SyncStorageClients => {
    storage ??= createSyncStorageClients(settings.sync.storage, credential());
    return storage;
  };
  // Health reads the checkpoint with a short retry budget: a poller must not wait out the
  // sync's patient storage retries (tens of seconds) when storage is down.
  let healthStorage: SyncStorageClients | undefined;
  const healthStorageClients = (): SyncStorageClients => {
    healthStorage ??= createSyncStorageClients(settings.sync.storage, {
      ...credential(),
      blobPipeline: { retryOptions: { maxTries: 2, retryDelayInMs: 200, tryTimeoutInMs: 5_000 } },
    });
    return healthStorage;
  };
  let target: SyncTarget | undefined;
  const syncTarget = (): SyncTarget => {
    target ??= createTarget(options, storageClients);
    return target;
  };
  const clientOf = (environment: string): DataverseClient => {
    const client = options.clients.find((c) => c.environment.name === environment);
    if (client === undefined) {
      throw new ConfigurationError(`No environment named ${environment} is configured`, {
        step: 'sync',
        hint: `Use one of: ${options.clients.map((c) => c.environment.name).join(', ')} (DATAVERSE_URL / DATAVERSE_ENVIRONMENTS).`,
      });
    }
    return client;
  };
  const selectionOf = (job: SyncJob): TableSelection => {
    const environment = clientOf(job.environment).environment;
    const selection = environment.tables.find((table) => table.logicalName === job.table);
    if (selection === undefined) {
      throw new ConfigurationError(
        `Table ${job.table} is not synced from environment ${job.environment}`,
        {
          step: 'sync',
          environment: job.environment,
          hint: `Its tables are ${formatTables(environment.tables)}; add ${job.table} to ${TABLES_SETTING}.`,
        },
      );
    }
    return selection;
  };
  const jobDeps = (request: JobRunRequest): JobDeps => {
    const client = clientOf(request.environment);
    const selection = selectionOf(request);
    const { container } = storageClients();
    const { labelLanguage } = settings.sync;
    return {
      client,
      table: request.table,
      describeTable: (signal) =>
        readTableDefinition(client, selection, {
          setting: TABLES_SETTING,
          signal,
          ...(labelLanguage === undefined ? {} : { labelLanguage }),
        }),
      target: syncTarget(),
      // A target that keeps checkpoints with its rows commits each page exactly once.
      checkpoints: syncTarget().checkpoints ?? new BlobCheckpointStore(container),
      leases: new BlobLeaseProvider(container, { logger: request.logger }),
      logger: request.logger,
      options: {
        maxRunSeconds: settings.sync.maxRunSeconds,
        pageSize: settings.sync.pageSize,
        full: request.full ?? false,
      },
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.hooks === undefined ? {} : { hooks: request.hooks }),
    };
  };
  const jobs: SyncService['jobs'] = (filter = {}) =>
    options.clients
      .filter((c) => filter.environmentNames?.includes(c.environment.name) ?? true)
      .flatMap((c) =>
        c.environment.tables
          .filter((table) => filter.tables?.includes(table.logicalName) ?? true)
          .map((table) => ({ environment: c.environment.name, table: table.logicalName })),
      );

  return {
    jobs,
    async runJob(request: JobRunRequest): Promise<TableSyncResult> {
      return await syncTable(jobDeps(request));
    },
    async run(request: SyncRunRequest): Promise<SyncRunReport> {
      const { logger, environmentNames, tables, ...rest } = request;
      const selected = jobs({
        ...(environmentNames === undefined ? {} : { environmentNames }),
        ...(tables === undefined ? {} : { tables }),
      });
      return await runSyncJobs(
        selected.map((job) => jobDeps({ ...job, ...rest, logger })),
        logger,
      );
    },
    async lastSync(job: SyncJob): Promise<LastSyncStatus> {
      const store =
        settings.sync.target.kind === 'postgres'
          ? syncTarget().checkpoints
          : new BlobCheckpointStore(healthStorageClients().container);
      const stored = await store?.read(jobKey(job));
      const checkpoint = stored?.checkpoint;
      return {
        lastSuccessAt:
          checkpoint?.lastSuccessAt === undefined ? undefined : new Date(checkpoint.lastSuccessAt),
        lastError:
          stored?.damaged === undefined
            ? checkpoint?.lastError
            : `${stored.damaged}; the next run replaces it after a full resync`,
        lastResync: checkpoint?.lastResync,
        rejectedRows: rejectedRowsOf(checkpoint?.rejected),
      };
    },
  };
}

function createTarget(options: SyncServiceOptions, storage: () => SyncStorageClients): SyncTarget {
  const { target } = options.settings.sync;
  if (target.kind === 'table')
    return new TableTarget((name) => storage().table(name), target.tablePrefix);
  if (target.kind === 'postgres') {
    if (options.createPostgresTarget === undefined) {
      throw new ConfigurationError(
        'SYNC_TARGET=postgres, but this build has no PostgreSQL target',
        {
          step: 'sync',
          hint: 'This is a bug in how the runtime wires the sync service; report it with this message.',
        },
      );
    }
    return options.createPostgresTarget(target, () => options.managedIdentity());
  }
  const { scope } = target;
  return new WebhookTarget({
    url: target.url,
    ...(scope === undefined
      ? {}
      : {
          scope,
          getToken: async (tokenScope: string, signal: AbortSignal | undefined) => {
            const token = await options
              .managedIdentity()
              .getToken(tokenScope, signal === undefined ? {} : { abortSignal: signal });
            if (token === null) {
              throw new AuthenticationError(
                `The managed identity returned no token for ${tokenScope}`,
                { step: 'webhook token' },
              );
            }
            return token.token;
          },
        }),
  });
}
