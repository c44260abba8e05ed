/**
 * The change-tracking sync: the engine (syncEnvironment), its checkpoints and leases in blob
 * storage, and its targets (the mirror table, the webhook), wired together by the sync service
 * the runtime builds.
 */
export { type BlobLeaseOptions, BlobLeaseProvider, lockBlobName } from './blobLease';
export { assertLinkHoldsNoCredentials, parseCheckpoint } from './checkpointFormat';
export { BlobCheckpointStore, checkpointBlobName, SYNC_CONTAINER_NAME } from './checkpointStore';
export { CheckpointConflictError, LeaseLostError } from './errors';
export {
  HttpSink,
  type HttpSinkOptions,
  pageIdempotencyKey,
  type WebhookPageBody,
  type WebhookSweepBody,
} from './httpSink';
export { RunCounters, summaryLine } from './progress';
export { projectRow } from './rows';
export { runAccountSync, type RunAccountSyncDeps } from './runAccountSync';
export {
  createSyncStorageClients,
  type SyncStorageClients,
  type SyncStorageOptions,
} from './storageClients';
export { syncEnvironment, type SyncEnvironmentDeps, type SyncOptions } from './syncEnvironment';
export {
  createSyncService,
  type LastSyncStatus,
  type SyncRunRequest,
  type SyncService,
  type SyncServiceOptions,
} from './syncService';
export { type MirrorTable, TableSink, type TableSinkOptions } from './tableSink';
export type * from './types';
