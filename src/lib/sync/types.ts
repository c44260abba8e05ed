import type { TableDefinition, TargetRow } from '../schema';
import type { Rejections } from './rejections';

/**
 * Contracts between the sync engine, its targets (sinks), the checkpoint store and the lease.
 * The engine streams change-tracking pages of one table of one environment (a job) into a sink
 * and only moves the checkpoint after the sink has durably accepted a page (at-least-once).
 */

/** A row as targets receive it: the table's target columns (see schema/targetColumns). */
export type SyncRow = TargetRow;

/** One unit of sync work: a table of an environment. Checkpoints and leases are per job. */
export interface SyncJob {
  readonly environment: string;
  /** The table's logical name, e.g. `account`. */
  readonly table: string;
}

/**
 * What a sink needs to know about the table it writes: its name, id column and columns; the
 * attributes (with their choice labels) and label language when the target keeps label tables.
 */
export type SinkTable = Pick<TableDefinition, 'logicalName' | 'primaryIdAttribute' | 'columns'> &
  Partial<Pick<TableDefinition, 'attributes' | 'labelLanguage'>>;

/** Whether the rows of a page come from a full load or a delta. */
export type RoundKind = 'full' | 'delta';

/** One page handed to a sink. */
export interface SinkPage {
  /** Environment name: the mirror's PartitionKey / the webhook's `environment`. */
  readonly environment: string;
  /** The table the rows belong to. */
  readonly table: SinkTable;
  /**
   * Rows to create or update; each has the table's primary id and `versionnumber` (a decimal
   * string, Int64-safe).
   */
  readonly upserts: readonly SyncRow[];
  /** Primary ids of rows deleted in Dataverse. */
  readonly deletes: readonly string[];
  /** Sync generation the rows belong to (mark and sweep after a full round). */
  readonly generation: number;
  readonly roundKind: RoundKind;
  /** 0-based index of this page within its round (stable across resumed runs). */
  readonly sequence: number;
}

/** A row the target can never hold (too large for it): reported, the rest of the page goes on. */
export interface RejectedRow {
  readonly id: string;
  /** Which limit it breaks, e.g. "property description holds 78 KiB; Azure Table allows 64 KiB per property". */
  readonly reason: string;
}

/** What a sink did with one page. */
export interface SinkPageResult {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  /** Rows left alone: not newer than the target's copy, or deletions of absent rows. */
  readonly skipped: number;
  /** Rows not written because the target can never hold them. */
  readonly rejected?: readonly RejectedRow[];
}

/**
 * Where one table's rows go. `applyPage` resolves only once the target has durably accepted
 * the whole page; the engine moves the checkpoint after that, never before. Applying the same
 * page again must be harmless (rows are written only if their versionnumber is newer).
 */
export interface SyncSink {
  /** Short name for logs, e.g. "table dvaccount". */
  readonly description: string;
  /**
   * Stable identity of where rows go (e.g. `table:dvaccount`, `webhook:<hash of the URL>`):
   * part of the checkpoint's shape, so a new destination gets a full load. Never holds a secret.
   */
  readonly destination: string;
  applyPage(page: SinkPage, signal: AbortSignal): Promise<SinkPageResult>;
  /**
   * Removes rows of `environment` whose generation is older than `generation`. Called only
   * after a full round of that generation has completed. Returns rows removed (or -1 when
   * the target cannot tell, e.g. a webhook that only receives the instruction).
   */
  sweep(environment: string, generation: number, signal: AbortSignal): Promise<number>;
}

/** The checkpoint a {@link TransactionalSink} commits together with a page. */
export interface PageCommit {
  /** `<environment>/<table>`: the checkpoint's key. */
  readonly job: string;
  readonly checkpoint: SyncCheckpoint;
  /** The write is conditional on this ETag (undefined: on no checkpoint existing yet). */
  readonly expectedEtag: string | undefined;
  /**
   * Set on the last page of a full round: rows of older generations are swept in the same
   * transaction, so no crash can leave the round finished but its sweep undone.
   */
  readonly sweepGeneration?: number;
}

/** What a transactional sink did: the page's result, the new checkpoint ETag, rows swept. */
export interface CommittedPage {
  readonly result: SinkPageResult;
  readonly etag: string;
  /** Rows removed by the sweep, when the commit asked for one. */
  readonly swept?: number;
}

/**
 * A sink whose target also holds the job's checkpoint (a database): the page's writes, the
 * sweep after a full round and the checkpoint advance commit in one transaction, so a page is
 * applied exactly once. Its target supplies the {@link CheckpointStore} (SyncTarget.checkpoints)
 * the engine uses for every other checkpoint write.
 */
export interface TransactionalSink extends SyncSink {
  applyPageAndCommit(
    page: SinkPage,
    commit: PageCommit,
    signal: AbortSignal,
  ): Promise<CommittedPage>;
}

export function isTransactionalSink(sink: SyncSink): sink is TransactionalSink {
  return typeof (sink as Partial<TransactionalSink>).applyPageAndCommit === 'function';
}

/** The configured target (the mirror tables, the webhook): one sink per table it receives. */
export interface SyncTarget {
  sinkFor(table: SinkTable): SyncSink;
  /**
   * Where this target keeps checkpoints, when it keeps them itself (with the rows, so pages
   * commit exactly once); absent: checkpoints are blobs in the sync storage.
   */
  readonly checkpoints?: CheckpointStore;
}

/** A change-tracking round that has started but not finished. */
export interface RoundInProgress {
  readonly kind: RoundKind;
  /** The link the round started from (a deltaLink) — absent for a full round. */
  readonly startLink?: string;
  /**
   * Where to continue: the nextLink after the last applied page. Absent while a full round
   * has reserved its generation but applied no page yet: such a round restarts from scratch
   * with a newer generation (rows it may have marked could be deleted since).
   */
  readonly nextLink?: string;
  readonly generation: number;
  readonly pagesDone: number;
  readonly rowsDone: number;
  readonly startedAt: string;
}

/**
 * What shaped the rows a checkpoint's position refers to. A checkpoint only continues (deltas,
 * a resumed round) into the same shape; any difference starts a full round.
 */
export interface OutputShape {
  /** The Dataverse entity set read, e.g. `accounts`. */
  readonly entitySet: string;
  /**
   * The target columns with their types, sorted: `name:type`, e.g. `revenue:decimal(4)`
   * (earlier versions recorded bare names).
   */
  readonly columns: readonly string[];
  /** The sink's destination (see {@link SyncSink.destination}). */
  readonly destination: string;
  /** LCID of the label columns; absent when the table has no choice (or an earlier version). */
  readonly labelLanguage?: number;
  /** Per choice column, a digest of its value → label map (absent: no choice, or earlier). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Why and when the last full resync started, for logs, health and doctor. */
export interface ResyncRecord {
  readonly at: string;
  readonly reason: string;
}

/** The persisted sync position of one job (one JSON blob). Never holds a token. */
export interface SyncCheckpoint {
  /** 2 records the shape; 1 (earlier versions) does not, and is read once, then replaced. */
  readonly version: 1 | 2;
  /** What the position refers to; absent in version 1. */
  readonly shape?: OutputShape;
  /** The last full resync that was started: when, and why. */
  readonly lastResync?: ResyncRecord;
  /** Rows the target could not hold (too large), by id with the limit each breaks. */
  readonly rejected?: Rejections;
  /** deltaLink of the last finished round. */
  readonly deltaLink?: string;
  readonly round?: RoundInProgress;
  /** Generation of the last completed full round; delta rounds write rows with it. */
  readonly generation: number;
  readonly lastSuccessAt?: string;
  readonly lastRunAt: string;
  /** One-line description of the last failure; cleared by the next success. */
  readonly lastError?: string;
}

/** A checkpoint as read, with the ETag that a conditional write must match. */
export interface StoredCheckpoint {
  readonly checkpoint: SyncCheckpoint;
  readonly etag: string;
  /**
   * Set when the blob could not be read as a checkpoint (what is wrong with it): `checkpoint`
   * is then an empty one, and the engine replaces the blob after a full resync.
   */
  readonly damaged?: string;
}

/** Blob storage of checkpoints, ETag-conditional, by job key (`<environment>/<table>`). */
export interface CheckpointStore {
  /** undefined when the job has never run. */
  read(job: string): Promise<StoredCheckpoint | undefined>;
  /**
   * Writes only if the stored blob still has `expectedEtag` (undefined: only if none exists).
   * A stale writer gets CheckpointConflictError instead of overwriting. Returns the new ETag.
   */
  write(job: string, checkpoint: SyncCheckpoint, expectedEtag: string | undefined): Promise<string>;
}

/** A held lease on one job. */
export interface HeldLease {
  /** Aborted when the lease is lost (renewal failed): the run must stop writing. */
  readonly lost: AbortSignal;
  /**
   * Renews the lease now and throws LeaseLostError if this run no longer holds it. Called
   * before every write (each page, the sweep, each checkpoint): a lease lost between two
   * background renewals would otherwise let two runs write at once.
   */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/** Who holds a lease, as its holder stamped it. */
export interface LeaseHolder {
  /** Host and process of the run holding it. */
  readonly holder: string;
  /** When it took the lease. */
  readonly since: string | undefined;
  /** When the lease lapses if that run stopped renewing it (crashed). */
  readonly expiresBy: string | undefined;
}

/** Hands out per-job leases (`<environment>/<table>`); undefined when another run holds it. */
export interface LeaseProvider {
  tryAcquire(job: string): Promise<HeldLease | undefined>;
  /** Who holds the lease now, when the provider can tell (for the "skipped" message). */
  describeHolder?(job: string): Promise<LeaseHolder | undefined>;
}

/** How one job's run ended. */
export type SyncOutcome = 'synced' | 'paused' | 'skipped-locked' | 'failed' | 'aborted';

export interface TableSyncResult {
  readonly environment: string;
  readonly table: string;
  readonly outcome: SyncOutcome;
  /** The round that ran last in this run (a run may switch from delta to full on expiry). */
  readonly roundKind: RoundKind | undefined;
  readonly generation: number | undefined;
  readonly pages: number;
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly skipped: number;
  /** Rows removed by the sweep after a full round (-1: the target could not tell). */
  readonly swept: number;
  /** Rows the target could not hold (too large): reported by id, not retried. */
  readonly rejected: number;
  readonly checkpointMoved: boolean;
  /** Delta token had expired and a full resync started. */
  readonly expiredTokenRecovered: boolean;
  readonly throttledResponses: number;
  readonly throttledWaitInMs: number;
  readonly durationInMs: number;
  /** describeError() of the failure, for failed/aborted outcomes. */
  readonly error?: string;
}

export interface SyncRunReport {
  readonly results: readonly TableSyncResult[];
  /** True when at least one job failed or was aborted. The caller decides to throw. */
  readonly anyFailed: boolean;
  /** One message naming every job that failed and why, when any did. */
  readonly failureSummary: string | undefined;
}

/**
 * Test seam: called at the points where a crash would hurt most. A hook that throws stands in
 * for the process dying there; the engine then does no more writes than a crash would allow
 * (it records lastError on the last *persisted* checkpoint and releases the lease).
 */
export interface SyncHooks {
  afterFetch?(page: { readonly sequence: number }): Promise<void> | void;
  afterSinkWrite?(page: { readonly sequence: number }): Promise<void> | void;
  beforeCheckpoint?(checkpoint: SyncCheckpoint): Promise<void> | void;
}
