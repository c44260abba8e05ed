import { setMaxListeners } from 'node:events';

import type { TableClient } from '@azure/data-tables';

import { codeOf, IntegrationError, statusOf } from '../errors';
import { mapWithConcurrency } from '../util';
import { storageError } from './storageErrors';
import {
  type ExistingRow,
  normalisePage,
  planDelete,
  type PlannedAction,
  planUpsert,
  toEntity,
} from './tableDecisions';
import {
  isTooLarge,
  oversizeReason,
  requestSizeInBytes,
  TRANSACTION_LIMIT_IN_BYTES,
  TRANSACTION_OPERATIONS,
} from './tableLimits';
import type { RejectedRow, SinkPage, SinkPageResult, SyncRow, SyncSink } from './types';

/** The part of TableClient the sink uses (a seam tests can wrap to inject failures). */
export type MirrorTable = Pick<
  TableClient,
  'tableName' | 'createTable' | 'getEntity' | 'listEntities' | 'submitTransaction'
>;

export interface TableSinkOptions {
  /** Concurrent reads/transactions per page. Default 4. */
  readonly concurrency?: number;
  /** Re-read and retry a chunk this often when a concurrent writer got there first. Default 5. */
  readonly maxConflictRetries?: number;
}

/** Point reads in flight per transaction chunk (chunks themselves run `concurrency` at once). */
const POINT_READ_CONCURRENCY = 8;

/**
 * A mirror table of one Dataverse table: one partition per environment, RowKey = the primary
 * id, properties typed from metadata, each row guarded by
 * its versionnumber so replays are harmless. Writes go in entity-group transactions with
 * If-Match on the ETag read, so a concurrent writer causes a re-read, never a lost update.
 */
export class TableSink implements SyncSink {
  readonly description: string;
  readonly destination: string;
  private readonly concurrency: number;
  private readonly maxConflictRetries: number;
  private tableReady: Promise<void> | undefined;

  constructor(
    private readonly table: MirrorTable,
    options: TableSinkOptions = {},
  ) {
    this.description = `table ${table.tableName}`;
    this.destination = `table:${table.tableName}`;
    this.concurrency = options.concurrency ?? 4;
    this.maxConflictRetries = options.maxConflictRetries ?? 5;
  }

  async applyPage(page: SinkPage, callerSignal: AbortSignal): Promise<SinkPageResult> {
    // One page fans out into dozens of concurrent storage calls, each listening for abort: a
    // child signal with no listener limit keeps Node from warning about a leak that is not one.
    const signal = AbortSignal.any([callerSignal]);
    setMaxListeners(0, signal);
    await this.ensureTable(page.environment);
    const { upserts, deletes } = normalisePage(page.table, page.upserts, page.deletes);
    // A row the service can never store is reported, not retried forever with its page.
    const rejected: RejectedRow[] = [];
    const sizes = new Map<string, number>();
    for (const [id, row] of upserts) {
      const entity = toEntity(page.environment, page.table, row, page.generation);
      const reason = oversizeReason(entity);
      if (reason === undefined) sizes.set(id, requestSizeInBytes(entity));
      else {
        rejected.push({ id, reason });
        upserts.delete(id);
      }
    }
    const chunks = transactionChunks([...upserts.keys(), ...deletes], (id) => sizes.get(id) ?? 0);
    const results = await mapWithConcurrency(chunks, this.concurrency, (chunk) =>
      this.applyFitting(page, chunk, upserts, deletes, signal),
    );
    return sumResults([{ ...NOTHING, rejected }, ...results]);
  }

  /**
   * Applies a chunk; when the service still refuses it as too large (our estimate was short),
   * halves it until it fits, and reports a single row that never fits instead of failing the page.
   */
  private async applyFitting(
    page: SinkPage,
    ids: readonly string[],
    upserts: ReadonlyMap<string, SyncRow>,
    deletes: ReadonlySet<string>,
    signal: AbortSignal,
  ): Promise<SinkPageResult> {
    try {
      return await this.applyChunk(page, ids, upserts, deletes, signal);
    } catch (error) {
      if (!(error instanceof TooLargeRefusal)) throw error;
      const [only] = ids;
      if (ids.length === 1 && only !== undefined) {
        return {
          ...NOTHING,
          rejected: [{ id: only, reason: `the service refused it as too large (${error.detail})` }],
        };
      }
      const half = Math.ceil(ids.length / 2);
      const first = await this.applyFitting(page, ids.slice(0, half), upserts, deletes, signal);
      const second = await this.applyFitting(page, ids.slice(half), upserts, deletes, signal);
      return sumResults([first, second]);
    }
  }

  async sweep(environment: string, generation: number, signal: AbortSignal): Promise<number> {
    await this.ensureTable(environment);
    let removed = 0;
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      const ids = batch;
      batch = [];
      removed += await this.deleteIds(environment, ids, signal);
    };
    try {
      // Table storage compares a property only with a constant of its own type: one query for
      // the Edm.Double marks this version writes, one for the Int32 marks of earlier versions
      // (every one of them older than any full round now: all of those rows were not seen).
      for (const filter of [
        `PartitionKey eq ${odataString(environment)} and syncGeneration lt ${doubleLiteral(generation)}`,
        `PartitionKey eq ${odataString(environment)} and syncGeneration le ${String(Math.min(generation - 1, INT32_MAX))}`,
      ]) {
        const stale = this.table.listEntities({
          queryOptions: { filter, select: ['RowKey'] },
          abortSignal: signal,
        });
        // Continuation is by key, so deleting rows already listed does not disturb the listing.
        for await (const entity of stale) {
          if (typeof entity.rowKey === 'string') batch.push(entity.rowKey);
          if (batch.length === TRANSACTION_OPERATIONS) await flush();
        }
        if (batch.length > 0) await flush();
      }
    } catch (error) {
      throw asSinkError('sweep mirror table', environment, error);
    }
    return removed;
  }

  private async applyChunk(
    page: SinkPage,
    ids: readonly string[],
    upserts: ReadonlyMap<string, SyncRow>,
    deletes: ReadonlySet<string>,
    signal: AbortSignal,
  ): Promise<SinkPageResult> {
    for (let attempt = 0; ; attempt += 1) {
      const existing = await this.readExisting(page.environment, ids, signal);
      const planned: PlannedAction[] = [];
      let skipped = 0;
      for (const id of ids) {
        const row = upserts.get(id);
        const plan =
          row !== undefined
            ? planUpsert(page.environment, page.table, row, page.generation, existing.get(id))
            : deletes.has(id)
              ? planDelete(page.environment, id, existing.get(id))
              : undefined;
        if (plan === undefined) skipped += 1;
        else planned.push(plan);
      }
      try {
        if (planned.length > 0) {
          await this.table.submitTransaction(
            planned.map((p) => p.action),
            { abortSignal: signal },
          );
        }
      } catch (error) {
        const status = statusOf(error);
        const message = error instanceof Error ? error.message : '';
        if (isTooLarge(status, codeOf(error), message)) {
          throw new TooLargeRefusal(
            `HTTP ${String(status ?? 'error')} ${codeOf(error) ?? ''}`.trim(),
          );
        }
        // 409 created meanwhile, 412 changed meanwhile, 404 deleted meanwhile: re-read, re-plan.
        const conflict = status === 409 || status === 412 || status === 404;
        if (conflict && attempt < this.maxConflictRetries && !signal.aborted) continue;
        throw asSinkError('write mirror table', page.environment, error);
      }
      const count = (kind: PlannedAction['counts']): number =>
        planned.filter((p) => p.counts === kind).length;
      return {
        created: count('created'),
        updated: count('updated'),
        deleted: count('deleted'),
        skipped: skipped + count('skipped'),
      };
    }
  }

  /**
   * Version, generation and ETag of the ids the mirror already holds, by point reads. Point
   * reads are the one query Azure Tables answers from its index: a filter that ORs RowKeys is
   * a partition scan, which would make a full load quadratic in the table size.
   */
  private async readExisting(
    environment: string,
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, ExistingRow>> {
    const found = new Map<string, ExistingRow>();
    try {
      await mapWithConcurrency(ids, POINT_READ_CONCURRENCY, async (id) => {
        const row = await this.readOne(environment, id, signal);
        if (row !== undefined) found.set(id, row);
      });
    } catch (error) {
      throw asSinkError('read mirror table', environment, error);
    }
    return found;
  }

  private async readOne(
    environment: string,
    id: string,
    signal: AbortSignal,
  ): Promise<ExistingRow | undefined> {
    try {
      const entity = await this.table.getEntity(environment, id, {
        queryOptions: { select: ['versionnumber', 'syncGeneration'] },
        abortSignal: signal,
      });
      const { etag, versionnumber, syncGeneration } = entity;
      if (typeof versionnumber !== 'string') return undefined;
      return {
        version: versionnumber,
        generation: typeof syncGeneration === 'number' ? syncGeneration : 0,
        etag,
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async deleteIds(
    environment: string,
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    try {
      await this.table.submitTransaction(
        ids.map((id) => ['delete', { partitionKey: environment, rowKey: id }]),
        { abortSignal: signal },
      );
      return ids.length;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    // One of them vanished meanwhile; delete one by one, ignoring the missing.
    let removed = 0;
    for (const id of ids) {
      try {
        await this.table.submitTransaction(
          [['delete', { partitionKey: environment, rowKey: id }]],
          {
            abortSignal: signal,
          },
        );
        removed += 1;
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return removed;
  }

  private async ensureTable(environment: string): Promise<void> {
    // createTable is a no-op when the table exists (the SDK swallows 409 TableAlreadyExists).
    this.tableReady ??= this.table.createTable().catch((error: unknown) => {
      this.tableReady = undefined;
      throw error;
    });
    try {
      await this.tableReady;
    } catch (error) {
      throw asSinkError('create mirror table', environment, error);
    }
  }
}

const INT32_MAX = 2_147_483_647;

/** An OData string literal (single quotes doubled), as the SDK's `odata` tag writes it. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** An Edm.Double literal: a whole number needs its `.0`, or the service reads Int32/Int64. */
function doubleLiteral(value: number): string {
  const text = String(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** Refused as too large by the service: the chunk is split (see applyFitting). */
class TooLargeRefusal extends IntegrationError {
  override readonly name: string = 'TooLargeRefusal';
  constructor(readonly detail: string) {
    super(`Storage refused a transaction as too large (${detail})`, { step: 'write mirror table' });
  }
}

const NOTHING: SinkPageResult = { created: 0, updated: 0, deleted: 0, skipped: 0 };

function sumResults(results: readonly SinkPageResult[]): SinkPageResult {
  const rejected = results.flatMap((result) => result.rejected ?? []);
  return {
    created: results.reduce((sum, r) => sum + r.created, 0),
    updated: results.reduce((sum, r) => sum + r.updated, 0),
    deleted: results.reduce((sum, r) => sum + r.deleted, 0),
    skipped: results.reduce((sum, r) => sum + r.skipped, 0),
    ...(rejected.length === 0 ? {} : { rejected }),
  };
}

/**
 * Ids grouped into entity-group transactions: at most 100 operations and, by the request size
 * of each operation, below the 4 MiB a transaction may carry (with room to spare).
 */
function transactionChunks(ids: readonly string[], sizeOf: (id: string) => number): string[][] {
  const budget = TRANSACTION_LIMIT_IN_BYTES - 256 * 1024;
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const id of ids) {
    const size = sizeOf(id);
    if (
      current.length === TRANSACTION_OPERATIONS ||
      (current.length > 0 && bytes + size > budget)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(id);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function asSinkError(step: string, environment: string, error: unknown): IntegrationError {
  return error instanceof IntegrationError ? error : storageError(step, environment, error);
}
