import { createHash } from 'node:crypto';

import type { ClientStats } from '../http';
import { silentLogger } from '../util';
import type { SinkPage, SinkPageResult, SyncSink } from './types';
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
    const body: WebhookPageBody = {
      environment: page.environment,
      entity: 'account',
      generation: page.generation,
      round: page.roundKind,
      sequence: page.sequence,
      upserts: page.upserts,
      deletes: page.deletes,
    };
    await this.client.post({
      step: 'deliver to webhook',
      environment: page.environment,
      body: JSON.stringify(body),
      idempotencyKey: pageIdempotencyKey(page),
      signal,
    });
    // The receiver decides per row; from here every row counts as delivered.
    return { created: 0, updated: page.upserts.length, deleted: page.deletes.length, skipped: 0 };
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
