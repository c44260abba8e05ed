import { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import {
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';

import { ConfigurationError } from '../errors';
import type { StorageConnection } from '../settingsTypes';
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
  /** Container of checkpoints and lock blobs (`account-sync`). */
  readonly container: ContainerClient;
  /** The mirror table (table target). */
  readonly table: TableClient;
}

/**
 * Builds the blob container and mirror table clients from the storage connection setting:
 * a connection string (Azurite's http endpoints allowed), or identity-based service URIs
 * with the given credential. Create once per process and share (see runtime).
 */
export function createSyncStorageClients(
  storage: StorageConnection,
  tableName: string,
  options: SyncStorageOptions = {},
): SyncStorageClients {
  const tableOptions = options.tableRetry === undefined ? {} : { retryOptions: options.tableRetry };
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
      table: TableClient.fromConnectionString(connection, tableName, {
        ...tableOptions,
        allowInsecureConnection: insecure,
      }),
    };
  }
  if (
    storage.blobServiceUri === undefined ||
    storage.tableServiceUri === undefined ||
    options.credential === undefined
  ) {
    throw new ConfigurationError(
      `${storage.settingName} needs a connection string, or service URIs plus a managed identity credential`,
      { hint: `Set ${storage.settingName} or ${storage.settingName}__accountName.` },
    );
  }
  const insecure = storage.tableServiceUri.startsWith('http:');
  return {
    container: new BlobServiceClient(
      storage.blobServiceUri,
      options.credential,
      options.blobPipeline,
    ).getContainerClient(SYNC_CONTAINER_NAME),
    table: new TableClient(storage.tableServiceUri, tableName, options.credential, {
      ...tableOptions,
      allowInsecureConnection: insecure,
    }),
  };
}
