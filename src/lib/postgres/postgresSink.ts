import type pg from 'pg';

import {
  type CommittedPage,
  normalisePage,
  type PageCommit,
  type SinkPage,
  type SinkPageResult,
  type SinkTable,
  type TransactionalSink,
} from '../sync';
import { writeCheckpoint } from './checkpointStore';
import { ensureTable, withMigrationLock } from './migrations';
import {
  deleteRows,
  refreshLabels,
  ROWS_PER_STATEMENT,
  sweepRows,
  upsertChunk,
  upsertStatement,
} from './statements';

/** What a sink needs from its target: the pool, error mapping, the schema. */
export interface SinkContext {
  readonly schema: string;
  /** `postgres:<host:port/database>`: part of every sink's destination. */
  readonly server: string;
  /** Runs `work` on a pooled connection, mapping failures to IntegrationErrors naming `job`. */
  withClient<T>(step: string, job: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Creates the schema and the target's own tables once per process. */
  ensureBase(job: string): Promise<void>;
  /** Test seam: called inside the page's transaction just before COMMIT. */
  readonly beforeCommit?: (client: pg.PoolClient) => Promise<void>;
}

/**
 * One Dataverse table in PostgreSQL for one run (the target makes a sink per run, so its table
 * is migrated and its labels refreshed at the start of every run). Pages commit with their
 * checkpoint in one transaction.
 */
export class PostgresSink implements TransactionalSink {
  readonly description: string;
  readonly destination: string;
  private readonly statement: string;
  private migrated: Promise<void> | undefined;
  private readonly labelled = new Set<string>();

  constructor(
    private readonly context: SinkContext,
    private readonly table: SinkTable,
  ) {
    this.description = `PostgreSQL table ${context.schema}.${table.logicalName}`;
    this.destination = `${context.server}/${context.schema}.${table.logicalName}`;
    this.statement = upsertStatement(context.schema, table);
  }

  async applyPage(page: SinkPage, signal: AbortSignal): Promise<SinkPageResult> {
    return (await this.commitPage(page, undefined, signal)).result;
  }

  async applyPageAndCommit(
    page: SinkPage,
    commit: PageCommit,
    signal: AbortSignal,
  ): Promise<CommittedPage> {
    return await this.commitPage(page, commit, signal);
  }

  async sweep(environment: string, generation: number, signal: AbortSignal): Promise<number> {
    signal.throwIfAborted();
    const job = `${environment}/${this.table.logicalName}`;
    return await this.context.withClient('sweep', job, (client) =>
      sweepRows(client, this.context.schema, this.table.logicalName, environment, generation),
    );
  }

  private async commitPage(
    page: SinkPage,
    commit: PageCommit | undefined,
    signal: AbortSignal,
  ): Promise<CommittedPage> {
    const job = commit?.job ?? `${page.environment}/${this.table.logicalName}`;
    await this.migrate(job);
    const { upserts, deletes } = normalisePage(this.table, page.upserts, page.deletes);
    const rows = [...upserts.values()];
    return await this.context.withClient('apply page', job, async (client) => {
      await client.query('BEGIN');
      if (!this.labelled.has(page.environment)) {
        await refreshLabels(client, this.context.schema, this.table, page.environment);
      }
      const deleted =
        deletes.size === 0
          ? 0
          : await deleteRows(client, this.context.schema, this.table, page.environment, [
              ...deletes,
            ]);
      let created = 0;
      let updated = 0;
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        signal.throwIfAborted();
        const counts = await upsertChunk(
          client,
          this.statement,
          this.table,
          page.environment,
          page.generation,
          rows.slice(start, start + ROWS_PER_STATEMENT),
        );
        created += counts.created;
        updated += counts.updated;
      }
      const swept =
        commit?.sweepGeneration === undefined
          ? undefined
          : await sweepRows(
              client,
              this.context.schema,
              this.table.logicalName,
              page.environment,
              commit.sweepGeneration,
            );
      const etag =
        commit === undefined
          ? ''
          : await writeCheckpoint(
              client,
              this.context.schema,
              commit.job,
              commit.checkpoint,
              commit.expectedEtag,
            );
      signal.throwIfAborted();
      await this.context.beforeCommit?.(client);
      await client.query('COMMIT');
      this.labelled.add(page.environment);
      const result: SinkPageResult = {
        created,
        updated,
        deleted,
        // Not newer than the replica's copy (or repeated in the page), or deletions of absent rows.
        skipped: page.upserts.length - created - updated + (page.deletes.length - deleted),
      };
      return { result, etag, ...(swept === undefined ? {} : { swept }) };
    });
  }

  /** The table's DDL, once per run, under the schema's migration lock. */
  private async migrate(job: string): Promise<void> {
    this.migrated ??= (async () => {
      await this.context.ensureBase(job);
      await this.context.withClient('migration', job, (client) =>
        withMigrationLock(client, this.context.schema, () =>
          ensureTable(client, this.context.schema, this.table, job),
        ),
      );
    })().catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    await this.migrated;
  }
}
