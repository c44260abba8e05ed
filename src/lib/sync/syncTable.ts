import { setMaxListeners } from 'node:events';

import { type DataverseClient, isExpiredChangeTokenError } from '../dataverse';
import { describeError, IntegrationError } from '../errors';
import type { TableDefinition } from '../schema';
import type { Logger } from '../util';
import { assertLinkHoldsNoCredentials } from './checkpointFormat';
import { CheckpointConflictError } from './errors';
import { jobKey } from './jobs';
import { outputShape, shapeChange } from './outputShape';
import { prefetchOne } from './prefetch';
import { RunCounters, summaryLine } from './progress';
import { RejectionTracker } from './rejections';
import {
  emptyCheckpoint,
  planFullRound,
  planRound,
  type RoundQuery,
  type RoundState,
  withSelect,
} from './roundPlan';
import { projectPageRows } from './rows';
import { type ResolvedOptions, resolveOptions, type SyncOptions } from './syncOptions';
import type {
  CheckpointStore,
  HeldLease,
  LeaseProvider,
  OutputShape,
  RejectedRow,
  ResyncRecord,
  SinkPage,
  SyncCheckpoint,
  SyncHooks,
  SyncRow,
  SyncSink,
  SyncTarget,
  TableSyncResult,
  TransactionalSink,
} from './types';
import { isTransactionalSink } from './types';

export type { SyncOptions };

/** Annotations a change page needs: which table a Customer/Owner lookup's id belongs to. */
const LOOKUP_TABLE_ANNOTATION = 'Microsoft.Dynamics.CRM.lookuplogicalname';

export interface SyncTableDeps {
  readonly client: DataverseClient;
  /** The table's logical name, e.g. `account`. */
  readonly table: string;
  /**
   * Reads the table's definition (columns, types, labels) from Dataverse metadata; called once
   * per run, after the lease is taken, so a schema change is seen at the start of every run.
   */
  readonly describeTable: (signal: AbortSignal) => Promise<TableDefinition>;
  readonly target: SyncTarget;
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseProvider;
  readonly logger: Logger;
  readonly options: SyncOptions;
  readonly signal?: AbortSignal;
  readonly hooks?: SyncHooks;
  /** Milliseconds clock; replaceable in tests. Default Date.now. */
  readonly now?: () => number;
}

/**
 * Syncs one table of one environment (a job): lease → table metadata → checkpoint → pages from
 * Dataverse into the sink, moving the checkpoint only after the sink accepted each page. Never
 * throws: the outcome says what happened, and the summary line is logged.
 */
export async function syncTable(deps: SyncTableDeps): Promise<TableSyncResult> {
  const now = deps.now ?? Date.now;
  const job = { environment: deps.client.environment.name, table: deps.table };
  const key = jobKey(job);
  const counters = new RunCounters(now(), deps.client.stats());
  const finish = (outcome: TableSyncResult['outcome'], error?: string): TableSyncResult => {
    const result = counters.result(job, outcome, now(), deps.client.stats(), error);
    const line = summaryLine(result);
    if (outcome === 'failed' || outcome === 'aborted') deps.logger.error(line);
    else deps.logger.info(line);
    return result;
  };

  let lease;
  try {
    lease = await deps.leases.tryAcquire(key);
  } catch (error) {
    return finish('failed', describeError(error));
  }
  if (lease === undefined) {
    const holder = await deps.leases.describeHolder?.(key);
    const by =
      holder === undefined
        ? ''
        : ` (held by ${holder.holder}${holder.since === undefined ? '' : ` since ${holder.since}`})`;
    const expires =
      holder?.expiresBy === undefined
        ? 'it expires at most a minute after that run stops'
        : `it expires by ${holder.expiresBy} if that run has stopped`;
    deps.logger.info(
      `sync ${key}: another run holds the lease${by}; ${expires}. Skipping this table.`,
    );
    return finish('skipped-locked');
  }

  const signal = AbortSignal.any([deps.signal ?? new AbortController().signal, lease.lost]);
  // Every concurrent storage call of the run listens on this one signal; that is by design,
  // not a leak, so lift Node's 10-listener warning for it.
  setMaxListeners(0, signal);
  const run = new TableRun(deps, resolveOptions(deps.options), key, counters, signal, now, lease);
  try {
    const outcome = await run.execute();
    return finish(outcome);
  } catch (error) {
    const leaseLost = lease.lost.aborted;
    const failure: unknown = leaseLost ? lease.lost.reason : error;
    const aborted = !leaseLost && deps.signal?.aborted === true;
    if (!leaseLost && !(error instanceof CheckpointConflictError)) await run.recordError(failure);
    return finish(aborted ? 'aborted' : 'failed', describeError(failure));
  } finally {
    await lease.release();
  }
}

/** Per-run state of one job (nothing lives at module level). */
class TableRun {
  private persisted: SyncCheckpoint;
  private etag: string | undefined;
  /** Known once the table's metadata was read (the first step of `execute`). */
  private table: TableDefinition | undefined;
  private sink: SyncSink | undefined;
  private shape: OutputShape | undefined;
  /** The last full resync, carried into every checkpoint this run writes. */
  private lastResync: ResyncRecord | undefined;
  private rejections = new RejectionTracker(undefined);

  constructor(
    private readonly deps: SyncTableDeps,
    private readonly options: ResolvedOptions,
    /** `<environment>/<table>`: names the job in logs and errors, keys checkpoint and lease. */
    private readonly job: string,
    private readonly counters: RunCounters,
    private readonly signal: AbortSignal,
    private readonly now: () => number,
    private readonly lease: HeldLease,
  ) {
    this.persisted = emptyCheckpoint(this.nowIso());
  }

  async execute(): Promise<'synced' | 'paused'> {
    const deadline = this.now() + this.options.budgetInMs;
    const stored = await this.deps.checkpoints.read(this.job);
    if (stored !== undefined) {
      this.persisted = stored.checkpoint;
      this.etag = stored.etag;
    }
    this.lastResync = this.persisted.lastResync;
    this.rejections = new RejectionTracker(this.persisted.rejected);
    const table = await this.deps.describeTable(this.signal);
    const sink = this.deps.target.sinkFor(table);
    const shape = outputShape(table, sink.destination);
    this.table = table;
    this.sink = sink;
    this.shape = shape;
    const change = shapeChange(stored, shape);
    const reason = this.options.full ? 'requested (a forced full resync)' : change.resync;
    if (reason === undefined && change.removed.length > 0) {
      // Logged once: the next checkpoint records the new shape.
      this.deps.logger.warn(
        `sync ${this.job}: ${change.removed.join(', ')} ${change.removed.length === 1 ? 'is' : 'are'} no longer copied (removed from the table or from its column list); rows keep the values already written until they next change`,
      );
    }
    const query = roundQuery(table);
    let round = planRound(this.persisted, query, reason !== undefined, this.nowIso());
    if (round.start.kind === 'link' && change.removed.length > 0)
      round = { ...round, start: { kind: 'link', url: withSelect(round.start.url, query.select) } };
    if (reason !== undefined) this.startResync(reason, stored === undefined);
    try {
      return await this.runRound(round, deadline);
    } catch (error) {
      // A saved position (a deltaLink, or the nextLink of a round resumed after days away)
      // can expire; a fresh full round cannot, so retrying one would only fail again.
      if (!isExpiredChangeTokenError(error) || round.start.kind === 'full') throw error;
      this.startResync('the delta token expired (older than the environment keeps changes)', false);
      this.counters.expiredTokenRecovered = true;
      round = planFullRound(this.persisted, query, this.nowIso());
      return await this.runRound(round, deadline);
    }
  }

  /** Logs why a full round starts and records it for the checkpoint (health and doctor show it). */
  private startResync(reason: string, firstSync: boolean): void {
    this.lastResync = { at: this.nowIso(), reason };
    const line = `sync ${this.job}: full resync: ${reason}; rows deleted meanwhile are swept afterwards`;
    // A first sync is routine; anything else means a position could not be continued.
    if (firstSync) this.deps.logger.info(line);
    else this.deps.logger.warn(line);
  }

  /** A checkpoint of this run's shape, carrying the last resync. */
  private checkpoint(
    fields: Omit<SyncCheckpoint, 'version' | 'shape' | 'lastResync' | 'rejected'>,
  ): SyncCheckpoint {
    const rejected = this.rejections.snapshot();
    return {
      version: 2,
      ...(this.shape === undefined ? {} : { shape: this.shape }),
      ...(this.lastResync === undefined ? {} : { lastResync: this.lastResync }),
      ...(rejected === undefined ? {} : { rejected }),
      ...fields,
    };
  }

  /** Reports rows the target could not hold, and remembers them for health. */
  private noteRejections(
    upserts: readonly SyncRow[],
    deletes: readonly string[],
    rejected: readonly RejectedRow[],
  ): void {
    const rejectedIds = new Set(rejected.map((row) => row.id));
    const idColumn = this.table?.primaryIdAttribute ?? '';
    const handled = [...upserts.map((row) => String(row[idColumn])), ...deletes];
    this.rejections.record(
      handled.filter((id) => !rejectedIds.has(id)),
      rejected,
    );
    const shown = rejected.slice(0, 10);
    for (const { id, reason } of shown) {
      this.deps.logger.warn(
        `sync ${this.job}: row ${id} was not written: ${reason}. Shorten the value in Dataverse or leave the column out of the table's column list in SYNC_TABLES; the rest of the page was written.`,
      );
    }
    if (rejected.length > shown.length) {
      this.deps.logger.warn(
        `sync ${this.job}: ${String(rejected.length - shown.length)} more rows of this page were not written for the same kind of reason`,
      );
    }
  }

  /** Writes lastError onto the last *persisted* position, so a failure never moves it. */
  async recordError(error: unknown): Promise<void> {
    try {
      await this.save(
        { ...this.persisted, lastRunAt: this.nowIso(), lastError: describeError(error) },
        false,
      );
    } catch (saveError) {
      this.deps.logger.warn(
        `sync ${this.job}: could not record the failure in the checkpoint: ${describeError(saveError)}`,
      );
    }
  }

  private async runRound(initial: RoundState, deadline: number): Promise<'synced' | 'paused'> {
    const { table, sink } = this.tableAndSink();
    let round = initial;
    this.counters.roundKind = round.kind;
    this.counters.generation = round.generation;
    if (round.start.kind === 'full') await this.reserveGeneration(round);
    const readAhead = new AbortController();
    const lookups = table.attributes.some((attribute) => attribute.kind === 'lookup');
    const pages = this.deps.client.changePages(round.start, {
      pageSize: this.options.pageSize,
      ...(lookups ? { annotations: [LOOKUP_TABLE_ANNOTATION] } : {}),
      signal: AbortSignal.any([this.signal, readAhead.signal]),
    });
    for await (const page of prefetchOne(pages, () => {
      readAhead.abort();
    })) {
      const sequence = round.pagesDone;
      await this.deps.hooks?.afterFetch?.({ sequence });
      const upserts = projectPageRows(page.upserts, table, this.job);
      const deletes = page.deletes.map((id) => id.toLowerCase());
      const sinkPage: SinkPage = {
        environment: this.deps.client.environment.name,
        table,
        upserts,
        deletes,
        generation: round.generation,
        roundKind: round.kind,
        sequence,
      };
      if (isTransactionalSink(sink)) {
        const next = await this.applyExactlyOnce(sink, sinkPage, page, round);
        if (next === 'synced') return 'synced';
        round = next;
      } else {
        await this.lease.assertHeld();
        const result = await sink.applyPage(sinkPage, this.signal);
        this.counters.addPage(upserts.length + deletes.length, result);
        this.noteRejections(upserts, deletes, result.rejected ?? []);
        await this.deps.hooks?.afterSinkWrite?.({ sequence });

        if (page.deltaLink !== undefined) {
          if (round.kind === 'full') {
            // Only now has every row of this generation been written: safe to sweep the rest.
            await this.lease.assertHeld();
            this.counters.swept = await sink.sweep(
              this.deps.client.environment.name,
              round.generation,
              this.signal,
            );
          }
          await this.save(this.finalCheckpoint(round, page.deltaLink), true);
          return 'synced';
        }
        const next = advanceRound(round, page.nextLink, upserts.length + deletes.length, this.job);
        await this.save(this.roundCheckpoint(next), true);
        round = next;
      }
      const progress = this.counters.progressLine(
        this.job,
        this.now(),
        this.options.progressEveryPages,
        this.options.progressEveryInMs,
      );
      if (progress !== undefined) this.deps.logger.info(progress);
      if (this.now() >= deadline) return 'paused';
      this.signal.throwIfAborted();
    }
    throw new IntegrationError('Dataverse change pages ended without a deltaLink', {
      step: 'change tracking',
      environment: this.job,
      code: 'InvalidResponse',
    });
  }

  /**
   * A transactional sink's page: rows, the sweep after a full round and the checkpoint commit
   * in one transaction, so a crash anywhere leaves either all of it or none of it.
   */
  private async applyExactlyOnce(
    sink: TransactionalSink,
    sinkPage: SinkPage,
    links: { readonly nextLink?: string; readonly deltaLink?: string },
    round: RoundState,
  ): Promise<RoundState | 'synced'> {
    const rows = sinkPage.upserts.length + sinkPage.deletes.length;
    const final = links.deltaLink !== undefined;
    let next: RoundState = round;
    let checkpoint: SyncCheckpoint;
    if (links.deltaLink === undefined) {
      const advanced = advanceRound(round, links.nextLink, rows, this.job);
      checkpoint = this.roundCheckpoint(advanced);
      next = advanced;
    } else checkpoint = this.finalCheckpoint(round, links.deltaLink);
    this.checkLinks(checkpoint);
    await this.deps.hooks?.beforeCheckpoint?.(checkpoint);
    await this.lease.assertHeld();
    const committed = await sink.applyPageAndCommit(
      sinkPage,
      {
        job: this.job,
        checkpoint,
        expectedEtag: this.etag,
        ...(final && round.kind === 'full' ? { sweepGeneration: round.generation } : {}),
      },
      this.signal,
    );
    this.etag = committed.etag;
    this.persisted = checkpoint;
    this.counters.checkpointMoved = true;
    this.counters.addPage(rows, committed.result);
    if (committed.swept !== undefined) this.counters.swept = committed.swept;
    this.noteRejections(sinkPage.upserts, sinkPage.deletes, committed.result.rejected ?? []);
    await this.deps.hooks?.afterSinkWrite?.({ sequence: sinkPage.sequence });
    return final ? 'synced' : next;
  }

  /** The checkpoint after a round's last page: its deltaLink, and a full round's generation. */
  private finalCheckpoint(round: RoundState, deltaLink: string): SyncCheckpoint {
    const at = this.nowIso();
    return this.checkpoint({
      generation: round.kind === 'full' ? round.generation : this.persisted.generation,
      deltaLink,
      lastSuccessAt: at,
      lastRunAt: at,
    });
  }

  /** The checkpoint in the middle of a round: where to continue (`round` already advanced). */
  private roundCheckpoint(round: RoundState & { readonly nextLink: string }): SyncCheckpoint {
    return this.checkpoint({
      generation: this.persisted.generation,
      // A full round replaces the old position; a delta round keeps nothing else to resume.
      round: {
        kind: round.kind,
        ...(round.startLink === undefined ? {} : { startLink: round.startLink }),
        nextLink: round.nextLink,
        generation: round.generation,
        pagesDone: round.pagesDone,
        rowsDone: round.rowsDone,
        startedAt: round.startedAt,
      },
      ...(this.persisted.lastSuccessAt === undefined
        ? {}
        : { lastSuccessAt: this.persisted.lastSuccessAt }),
      lastRunAt: this.nowIso(),
    });
  }

  /**
   * Persists a fresh full round's generation before any row carries it. If the round dies
   * before its first checkpoint, the restart takes a newer generation: rows marked by the dead
   * attempt may have been deleted since, and no deletion event would ever remove them.
   */
  private async reserveGeneration(round: RoundState): Promise<void> {
    // The round sends every row again: only what it rejects stays on the list.
    this.rejections.reset();
    await this.save(
      this.checkpoint({
        generation: this.persisted.generation,
        round: {
          kind: 'full',
          generation: round.generation,
          pagesDone: 0,
          rowsDone: 0,
          startedAt: round.startedAt,
        },
        ...(this.persisted.lastSuccessAt === undefined
          ? {}
          : { lastSuccessAt: this.persisted.lastSuccessAt }),
        lastRunAt: this.nowIso(),
      }),
      true,
    );
  }

  private checkLinks(checkpoint: SyncCheckpoint): void {
    if (checkpoint.deltaLink !== undefined)
      assertLinkHoldsNoCredentials(checkpoint.deltaLink, this.job);
    if (checkpoint.round?.nextLink !== undefined) {
      assertLinkHoldsNoCredentials(checkpoint.round.nextLink, this.job);
    }
  }

  private async save(checkpoint: SyncCheckpoint, movesPosition: boolean): Promise<void> {
    this.checkLinks(checkpoint);
    if (movesPosition) await this.deps.hooks?.beforeCheckpoint?.(checkpoint);
    await this.lease.assertHeld();
    this.etag = await this.deps.checkpoints.write(this.job, checkpoint, this.etag);
    this.persisted = checkpoint;
    if (movesPosition) this.counters.checkpointMoved = true;
  }

  private tableAndSink(): { table: TableDefinition; sink: SyncSink } {
    if (this.table === undefined || this.sink === undefined) {
      throw new IntegrationError('A round started before the table metadata was read', {
        step: 'change tracking',
        environment: this.job,
        hint: 'This is a bug in the sync engine; report it with this message.',
      });
    }
    return { table: this.table, sink: this.sink };
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }
}

/**
 * The round after a page that ended with `nextLink`; a page with neither link is a broken
 * response, and nothing of it may count as applied.
 */
function advanceRound(
  round: RoundState,
  nextLink: string | undefined,
  rows: number,
  job: string,
): RoundState & { readonly nextLink: string } {
  if (nextLink === undefined) {
    throw new IntegrationError(
      'Dataverse returned a change page with neither nextLink nor deltaLink',
      { step: 'change tracking', environment: job, code: 'InvalidResponse' },
    );
  }
  return { ...round, nextLink, pagesDone: round.pagesDone + 1, rowsDone: round.rowsDone + rows };
}

/** The full round's query: the entity set and every attribute's wire name, plus the version. */
function roundQuery(table: TableDefinition): RoundQuery {
  return {
    entitySet: table.entitySet,
    select: [...table.attributes.map((attribute) => attribute.wireName), 'versionnumber'],
  };
}
