import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import {
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';

import { ConfigurationError } from '../errors';
import type { StorageConnection } from '../settings';
import { SYNC_CONTAINER_NAME } from './checkpointStore';

export interface SyncStorageOptions {
  /** Used for identity-based connections (managed identity); required for them. */
  readonly credential?: TokenCredential;
  /** Retry tuning, e.g. short retries in tests that stop storage on purpose. */
  readonly blobPipeline?: StoragePipelineOptions;
  readonly tableRetry?: {
    readonly maxRetries?: number;
    readonly retryDelayInMs?: number;
    readonly maxRetryDelayInMs?: number;
  };
}

/** The clients the sync needs from its storage account. */
export interface SyncStorageClients {
  /** Container of checkpoints and lock blobs (`dataverse-sync`). */
  readonly container: ContainerClient;
  /** A table of this account (the mirror, for the table target); one client per name. */
  table(name: string): TableClient;
}

/**
 * Builds the blob container and table clients from the storage connection setting: a
 * connection string (Azurite's http endpoints allowed), or identity-based service URIs with
 * the given credential. Create once per process and share (see runtime).
 */
export function createSyncStorageClients(
  storage: StorageConnection,
  options: SyncStorageOptions = {},
): SyncStorageClients {
  const tableOptions = options.tableRetry === undefined ? {} : { retryOptions: options.tableRetry };
  const tables = new Map<string, TableClient>();
  const memoised =
    (create: (name: string) => TableClient) =>
    (name: string): TableClient => {
      let table = tables.get(name);
      if (table === undefined) {
        table = create(name);
        tables.set(name, table);
      }
      return table;
    };
  if (storage.connectionString !== undefined) {
    const connection = storage.connectionString;
    const insecure =
      /(^|;)\s*TableEndpoint\s*=\s*http:/i.test(connection) ||
      /UseDevelopmentStorage=true/i.test(connection);
    return {
      container: BlobServiceClient.fromConnectionString(
        connection,
        options.blobPipeline,
      ).getContainerClient(SYNC_CONTAINER_NAME),
      table: memoised((name) =>
        TableClient.fromConnectionString(connection, name, {
          ...tableOptions,
          allowInsecureConnection: insecure,
        }),
      ),
    };
  }
  const { blobServiceUri, tableServiceUri } = storage;
  const { credential } = options;
  if (blobServiceUri === undefined || tableServiceUri === undefined || credential === undefined) {
    throw new ConfigurationError(
      `${storage.settingName} needs a connection string, or service URIs plus a managed identity credential`,
      { hint: `Set ${storage.settingName} or ${storage.settingName}__accountName.` },
    );
  }
  const insecure = tableServiceUri.startsWith('http:');
  return {
    container: new BlobServiceClient(
      blobServiceUri,
      credential,
      options.blobPipeline,
    ).getContainerClient(SYNC_CONTAINER_NAME),
    table: memoised(
      (name) =>
        new TableClient(tableServiceUri, name, credential, {
          ...tableOptions,
          allowInsecureConnection: insecure,
        }),
    ),
  };
}
