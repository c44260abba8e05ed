import { setMaxListeners } from 'node:events';

import type { TableClient } from '@azure/data-tables';

import { IntegrationError, statusOf } from '../errors';
import { mapWithConcurrency } from '../util';
import { storageError } from './storageErrors';
import {
  type ExistingRow,
  normalisePage,
  planDelete,
  type PlannedAction,
  planUpsert,
} from './tableDecisions';
import type { SinkPage, SinkPageResult, SyncRow, SyncSink } from './types';

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

/** Entity-group transactions hold at most 100 operations. */
const TRANSACTION_SIZE = 100;
/** Point reads in flight per transaction chunk (chunks themselves run `concurrency` at once). */
const POINT_READ_CONCURRENCY = 8;

/**
 * The mirror table: one partition per environment, RowKey = accountid, each row guarded by
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
    const { upserts, deletes } = normalisePage(page.upserts, page.deletes);
    const ids = [...upserts.keys(), ...deletes];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += TRANSACTION_SIZE)
      chunks.push(ids.slice(i, i + TRANSACTION_SIZE));
    const totals = { created: 0, updated: 0, deleted: 0, skipped: 0 };
    const results = await mapWithConcurrency(chunks, this.concurrency, (chunk) =>
      this.applyChunk(page, chunk, upserts, deletes, signal),
    );
    for (const result of results) {
      totals.created += result.created;
      totals.updated += result.updated;
      totals.deleted += result.deleted;
      totals.skipped += result.skipped;
    }
    return totals;
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
          if (batch.length === TRANSACTION_SIZE) await flush();
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
            ? planUpsert(page.environment, row, page.generation, existing.get(id))
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

function asSinkError(step: string, environment: string, error: unknown): IntegrationError {
  return error instanceof IntegrationError ? error : storageError(step, environment, error);
}
