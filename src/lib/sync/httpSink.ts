import { createHash } from 'node:crypto';

import { isIntegrationError } from '../errors';
import type { ClientStats } from '../http';
import { silentLogger } from '../util';
import type { RejectedRow, SinkPage, SinkPageResult, SyncSink } from './types';
import { WebhookClient, type WebhookClientOptions } from './webhookClient';

/** The webhook target's options: the receiver, its Entra scope, and pipeline tuning. */
export type HttpSinkOptions = Omit<WebhookClientOptions, 'logger'> & {
  readonly logger?: WebhookClientOptions['logger'];
};

/** Body of a page delivery. */
export interface WebhookPageBody {
  readonly environment: string;
  readonly entity: 'account';
  readonly generation: number;
  readonly round: 'full' | 'delta';
  readonly sequence: number;
  readonly upserts: SinkPage['upserts'];
  readonly deletes: readonly string[];
}

/** Body of the instruction sent after a full round completed. */
export interface WebhookSweepBody {
  readonly environment: string;
  readonly entity: 'account';
  readonly generation: number;
  /** Remove rows of `environment` whose generation is lower than `sweep.generation`. */
  readonly sweep: { readonly generation: number };
}

/**
 * Idempotency-Key of a page: a hash of what is delivered (environment, generation, rows,
 * deletions). A page replayed after a crash with the same content gets the same key, so a
 * receiver that remembers keys can answer without re-applying. A replay whose content changed
 * (Dataverse moved on) gets a new key on purpose: deduplicating it would drop newer rows.
 */
export function pageIdempotencyKey(page: SinkPage): string {
  const canonical = JSON.stringify([page.environment, page.generation, page.upserts, page.deletes]);
  return `account-sync-${createHash('sha256').update(canonical).digest('hex')}`;
}

/**
 * Delivers pages to a webhook as JSON POSTs through the shared HTTP pipeline (see
 * webhookClient.ts). A page counts as delivered only on a 2xx answer; 408, 429, 5xx (not
 * 501/505) and network errors are retried honouring Retry-After; a redirect is a failure.
 * The receiver owns idempotency: keys repeat on replay, and rows must be applied only if their
 * versionnumber is newer (or equal with a newer generation: then only the mark).
 */
export class HttpSink implements SyncSink {
  readonly description: string;
  readonly destination: string;
  private readonly client: WebhookClient;

  constructor(options: HttpSinkOptions) {
    this.client = new WebhookClient({ ...options, logger: options.logger ?? silentLogger });
    this.description = `webhook ${new URL(options.url).origin}`;
    // The URL may carry a function key: the checkpoint keeps only a digest of it.
    this.destination = `webhook:${createHash('sha256').update(options.url).digest('hex').slice(0, 16)}`;
  }

  async applyPage(page: SinkPage, signal: AbortSignal): Promise<SinkPageResult> {
    // A deletion wins over an upsert of the same id (Dataverse lists deletions after changes),
    // so that a page split into parts never applies them in the wrong order.
    const deleted = new Set(page.deletes);
    const upserts = page.upserts.filter((row) => !deleted.has(String(row.accountid)));
    const rejected = await this.deliver(page, upserts, page.deletes, signal);
    const rejectedIds = new Set(rejected.map((row) => row.id));
    // The receiver decides per row; from here every row counts as delivered.
    return {
      created: 0,
      updated: upserts.filter((row) => !rejectedIds.has(String(row.accountid))).length,
      deleted: page.deletes.filter((id) => !rejectedIds.has(id)).length,
      skipped: 0,
      ...(rejected.length === 0 ? {} : { rejected }),
    };
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
      entity: 'account',
      generation: page.generation,
      round: page.roundKind,
      sequence: page.sequence,
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
        const id = upserts[0] === undefined ? (deletes[0] ?? '') : String(upserts[0].accountid);
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
    const body: WebhookSweepBody = {
      environment,
      entity: 'account',
      generation,
      sweep: { generation },
    };
    const key = `account-sync-sweep-${createHash('sha256')
      .update(`${environment}\n${String(generation)}`)
      .digest('hex')}`;
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

  /** Requests, retries and throttling waits of the webhook so far. */
  stats(): ClientStats {
    return this.client.stats();
  }

  close(): void {
    this.client.close();
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
