import type { TokenCredential } from '@azure/identity';

import type { DataverseClient } from '../dataverse';
import { AuthenticationError } from '../errors';
import type { Settings } from '../settings';
import type { Logger } from '../util';
import { BlobLeaseProvider } from './blobLease';
import { BlobCheckpointStore } from './checkpointStore';
import { HttpSink } from './httpSink';
import type { Rejections } from './rejections';
import { runAccountSync } from './runAccountSync';
import { createSyncStorageClients, type SyncStorageClients } from './storageClients';
import { TableSink } from './tableSink';
import type { SyncHooks, SyncRunReport, SyncSink } from './types';

/** What the checkpoint says about an environment's last runs (health reads it). */
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
  /** Force a full round (new generation, sweep afterwards). */
  readonly full?: boolean;
  readonly signal?: AbortSignal;
  readonly hooks?: SyncHooks;
}

/** The account sync as the functions, the CLI and the health check use it. */
export interface SyncService {
  run(request: SyncRunRequest): Promise<SyncRunReport>;
  /** Last successful sync and last error of an environment, from its checkpoint. */
  lastSync(environment: string): Promise<LastSyncStatus>;
}

export interface SyncServiceOptions {
  readonly settings: Settings;
  readonly clients: readonly DataverseClient[];
  /**
   * The app's managed identity (AZURE_CLIENT_ID), or the user-assigned identity `clientId` when
   * given: identity-based storage (its `__clientId`) and the webhook's bearer token.
   */
  readonly managedIdentity: (clientId?: string) => TokenCredential;
}

/**
 * Wires the sync engine to its storage (checkpoints, leases, mirror table) and target. Storage
 * clients are created on first use and shared, so the health endpoint of an app whose storage
 * is misconfigured still answers — with the storage failure in its last-sync check.
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
  let sink: SyncSink | undefined;
  const syncSink = (): SyncSink => {
    sink ??= createSink(options, storageClients);
    return sink;
  };

  return {
    async run(request: SyncRunRequest): Promise<SyncRunReport> {
      const wanted = request.environmentNames;
      const clients =
        wanted === undefined
          ? options.clients
          : options.clients.filter((client) => wanted.includes(client.environment.name));
      const { container } = storageClients();
      return await runAccountSync({
        clients,
        sink: syncSink(),
        checkpoints: new BlobCheckpointStore(container),
        leases: new BlobLeaseProvider(container, { logger: request.logger }),
        logger: request.logger,
        options: {
          columns: settings.sync.columns,
          maxRunSeconds: settings.sync.maxRunSeconds,
          pageSize: settings.sync.pageSize,
          full: request.full ?? false,
        },
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        ...(request.hooks === undefined ? {} : { hooks: request.hooks }),
      });
    },
    async lastSync(environment: string): Promise<LastSyncStatus> {
      const stored = await new BlobCheckpointStore(healthStorageClients().container).read(
        environment,
      );
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

function createSink(options: SyncServiceOptions, storage: () => SyncStorageClients): SyncSink {
  const { target } = options.settings.sync;
  if (target.kind === 'table') return new TableSink(storage().table(target.tableName));
  const { scope } = target;
  return new HttpSink({
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
