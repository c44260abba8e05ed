/**
 * The change-tracking sync: the engine (syncTable: one table of one environment), its
 * checkpoints and leases in blob storage, and its targets (mirror tables, the webhook), wired
 * together by the sync service the runtime builds.
 */
export { type BlobLeaseOptions, BlobLeaseProvider, lockBlobName } from './blobLease';
export { assertLinkHoldsNoCredentials, parseCheckpoint } from './checkpointFormat';
export { BlobCheckpointStore, checkpointBlobName, SYNC_CONTAINER_NAME } from './checkpointStore';
export { CheckpointConflictError, LeaseLostError } from './errors';
export {
  HttpSink,
  type HttpSinkOptions,
  pageIdempotencyKey,
  type WebhookColumn,
  type WebhookPageBody,
  type WebhookSweepBody,
  WebhookTarget,
} from './httpSink';
export { jobKey } from './jobs';
export { RunCounters, summaryLine } from './progress';
export { projectPageRows } from './rows';
export { type JobDeps, reportOf, runSyncJobs } from './runSyncJobs';
export {
  createSyncStorageClients,
  type SyncStorageClients,
  type SyncStorageOptions,
} from './storageClients';
export {
  createSyncService,
  type JobRunRequest,
  type LastSyncStatus,
  type SyncRunRequest,
  type SyncService,
  type SyncServiceOptions,
} from './syncService';
export { type SyncOptions, syncTable, type SyncTableDeps } from './syncTable';
export { normalisePage } from './tableDecisions';
export { EDM_TYPE_OF } from './tableEdm';
export { type MirrorTable, TableSink, type TableSinkOptions } from './tableSink';
export { TableTarget } from './tableTarget';
export type * from './types';
export { isTransactionalSink } from './types';
