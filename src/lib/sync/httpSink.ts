import { createHash } from 'node:crypto';

import { isIntegrationError } from '../errors';
import type { ClientStats } from '../http';
import type { ColumnType, TargetColumn } from '../schema';
import { silentLogger } from '../util';
import type {
  RejectedRow,
  SinkPage,
  SinkPageResult,
  SinkTable,
  SyncRow,
  SyncSink,
  SyncTarget,
} from './types';
import { WebhookClient, type WebhookClientOptions } from './webhookClient';

/** The webhook target's options: the receiver, its Entra scope, and pipeline tuning. */
export type HttpSinkOptions = Omit<WebhookClientOptions, 'logger'> & {
  readonly logger?: WebhookClientOptions['logger'];
};

/** A column of the table as the webhook describes it (on the first page of every round). */
export interface WebhookColumn {
  readonly name: string;
  /** guid, text, int32, int64, decimal, double, boolean, timestamp, date, choices, version. */
  readonly type: ColumnType['name'];
  /** Decimal places, for decimal columns. */
  readonly scale?: number;
  /** id, version, value, label (a choice's label), lookupTable (a lookup's target table). */
  readonly role: TargetColumn['role'];
  /** The Dataverse attribute the column comes from. */
  readonly attribute: string;
}

/** Body of a page delivery. */
export interface WebhookPageBody {
  readonly environment: string;
  /** The table's logical name, e.g. `account`. */
  readonly entity: string;
  /** The column holding each row's id (the table's primary id attribute). */
  readonly idColumn: string;
  readonly generation: number;
  readonly round: 'full' | 'delta';
  readonly sequence: number;
  /** The table's columns and types: on the first page (sequence 0) of every round. */
  readonly columns?: readonly WebhookColumn[];
  readonly upserts: SinkPage['upserts'];
  readonly deletes: readonly string[];
}

/** Body of the instruction sent after a full round completed. */
export interface WebhookSweepBody {
  readonly environment: string;
  readonly entity: string;
  readonly generation: number;
  /** Remove rows of `entity` in `environment` whose generation is lower than `sweep.generation`. */
  readonly sweep: { readonly generation: number };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Idempotency-Key of a page: a hash of what is delivered (environment, table, generation,
 * rows, deletions). A page replayed after a crash with the same content gets the same key, so
 * a receiver that remembers keys can answer without re-applying. A replay whose content
 * changed (Dataverse moved on) gets a new key on purpose: deduplicating it would drop newer rows.
 */
export function pageIdempotencyKey(page: SinkPage): string {
  const canonical = JSON.stringify([
    page.environment,
    page.table.logicalName,
    page.generation,
    page.upserts,
    page.deletes,
  ]);
  return `dataverse-sync-${digest(canonical)}`;
}

function webhookColumns(table: SinkTable): WebhookColumn[] {
  return table.columns.map((column) => ({
    name: column.name,
    type: column.type.name,
    ...(column.type.name === 'decimal' ? { scale: column.type.scale } : {}),
    role: column.role,
    attribute: column.attribute,
  }));
}

/**
 * The webhook target: one HTTP pipeline (see webhookClient.ts) shared by the sinks of every
 * table. A page counts as delivered only on a 2xx answer with an acknowledgement; 408, 429,
 * 5xx (not 501/505) and network errors are retried honouring Retry-After; a redirect is a
 * failure. The receiver owns idempotency: keys repeat on replay, and rows must be applied only
 * if their versionnumber is newer (or equal with a newer generation: then refresh the values
 * and the mark). Contract: docs/webhook-receiver.md.
 */
export class WebhookTarget implements SyncTarget {
  readonly description: string;
  readonly destination: string;
  private readonly client: WebhookClient;

  constructor(options: HttpSinkOptions) {
    this.client = new WebhookClient({ ...options, logger: options.logger ?? silentLogger });
    this.description = `webhook ${new URL(options.url).origin}`;
    // The URL may carry a function key: the checkpoint keeps only a digest of it.
    this.destination = `webhook:${digest(options.url).slice(0, 16)}`;
  }

  sinkFor(table: SinkTable): HttpSink {
    return new HttpSink(this.client, this.description, this.destination, table);
  }

  /** Requests, retries and throttling waits of the webhook so far. */
  stats(): ClientStats {
    return this.client.stats();
  }

  close(): void {
    this.client.close();
  }
}

/** Delivers one table's pages to the webhook as JSON POSTs. */
export class HttpSink implements SyncSink {
  constructor(
    private readonly client: WebhookClient,
    readonly description: string,
    readonly destination: string,
    private readonly table: SinkTable,
  ) {}

  async applyPage(page: SinkPage, signal: AbortSignal): Promise<SinkPageResult> {
    // A deletion wins over an upsert of the same id (Dataverse lists deletions after changes),
    // so that a page split into parts never applies them in the wrong order.
    const deleted = new Set(page.deletes);
    const upserts = page.upserts.filter((row) => !deleted.has(this.idOf(row)));
    const rejected = await this.deliver(page, upserts, page.deletes, signal);
    const rejectedIds = new Set(rejected.map((row) => row.id));
    // The receiver decides per row; from here every row counts as delivered.
    return {
      created: 0,
      updated: upserts.filter((row) => !rejectedIds.has(this.idOf(row))).length,
      deleted: page.deletes.filter((id) => !rejectedIds.has(id)).length,
      skipped: 0,
      ...(rejected.length === 0 ? {} : { rejected }),
    };
  }

  private idOf(row: SyncRow): string {
    return String(row[this.table.primaryIdAttribute]);
  }

  /**
   * POSTs the rows as one request; a receiver that refuses it as too large (413) gets it in
   * halves, down to single rows, and a single row it still refuses is reported, not retried
   * forever with its page (docs/webhook-receiver.md: a page may arrive in several requests).
   */
  private async deliver(
    page: SinkPage,
    upserts: SinkPage['upserts'],
    deletes: readonly string[],
    signal: AbortSignal,
  ): Promise<RejectedRow[]> {
    const part = { ...page, upserts, deletes };
    const body: WebhookPageBody = {
      environment: page.environment,
      entity: this.table.logicalName,
      idColumn: this.table.primaryIdAttribute,
      generation: page.generation,
      round: page.roundKind,
      sequence: page.sequence,
      ...(page.sequence === 0 ? { columns: webhookColumns(this.table) } : {}),
      upserts,
      deletes,
    };
    try {
      await this.client.post({
        step: 'deliver to webhook',
        environment: page.environment,
        body: JSON.stringify(body),
        idempotencyKey: pageIdempotencyKey(part),
        signal,
      });
      return [];
    } catch (error) {
      if (!isIntegrationError(error) || error.status !== 413) throw error;
      const items = upserts.length + deletes.length;
      if (items <= 1) {
        const id = upserts[0] === undefined ? (deletes[0] ?? '') : this.idOf(upserts[0]);
        return [{ id, reason: 'the receiver refused it as too large (HTTP 413)' }];
      }
      const half = Math.ceil(items / 2);
      const first = await this.deliver(
        page,
        upserts.slice(0, half),
        deletes.slice(0, Math.max(0, half - upserts.length)),
        signal,
      );
      const second = await this.deliver(
        page,
        upserts.slice(half),
        deletes.slice(Math.max(0, half - upserts.length)),
        signal,
      );
      return [...first, ...second];
    }
  }

  async sweep(environment: string, generation: number, signal: AbortSignal): Promise<number> {
    const entity = this.table.logicalName;
    const body: WebhookSweepBody = { environment, entity, generation, sweep: { generation } };
    const key = `dataverse-sync-sweep-${digest(`${environment}\n${entity}\n${String(generation)}`)}`;
    const response = await this.client.post({
      step: 'deliver to webhook',
      environment,
      body: JSON.stringify(body),
      idempotencyKey: key,
      signal,
    });
    const removed = (parseJson(response.bodyText) as { removed?: unknown } | undefined)?.removed;
    return typeof removed === 'number' ? removed : -1;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
