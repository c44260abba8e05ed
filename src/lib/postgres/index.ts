/**
 * The PostgreSQL replica target: typed tables from Dataverse metadata, additive migrations
 * under an advisory lock, the version-guarded upsert, and checkpoints in the same database so
 * that every page commits exactly once. Builds on sync's contracts (SyncTarget,
 * TransactionalSink, CheckpointStore); the runtime wires it into the sync service.
 */
export { createPool, POOL_SIZE, type PoolOptions, POSTGRES_TOKEN_SCOPE } from './pool';
export {
  createPostgresTarget,
  PostgresTarget,
  type PostgresTargetOptions,
  type PostgresTargetSettings,
} from './postgresTarget';
export { sqlType } from './sqlTypes';
