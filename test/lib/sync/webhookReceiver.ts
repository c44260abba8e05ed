import type { IncomingMessage, ServerResponse } from 'node:http';

import { type RunningServer, startServer } from '@dataverse-s2s/testbed';

import { applyDelivery, MemoryStore, type Row } from '../../../examples/webhook-receiver/receiver';

/**
 * The reference receiver (examples/webhook-receiver, written from docs/webhook-receiver.md
 * alone) behind a test server that can fail on purpose and counts what arrived: how often each
 * id@version was delivered and how many requests repeated an Idempotency-Key, to prove "no
 * duplicate, no gap". The rules that decide the copy are the reference receiver's, not ours.
 */
export class WebhookReceiver {
  readonly store = new MemoryStore();
  /** environment/entity/id@version → times it arrived in an applied page. */
  readonly delivered = new Map<string, number>();
  /** Every page body the receiver applied, in arrival order (sweeps excluded). */
  readonly pages: PageBody[] = [];
  readonly seenKeys = new Set<string>();
  replayedKeys = 0;
  requests = 0;
  /** Statuses to answer before processing, consumed one per request. */
  readonly failWith: number[] = [];
  private server: RunningServer | undefined;

  /**
   * `raiseMarkOnEqualVersion: false` breaks the contract on purpose (a receiver that applies
   * only newer versions), to show what the rule prevents.
   */
  constructor(private readonly options: { raiseMarkOnEqualVersion?: boolean } = {}) {}

  async start(): Promise<string> {
    this.server = await startServer((req, res) => {
      void this.handle(req, res);
    });
    return `${this.server.url}/hooks/accounts`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** One table's copy, shaped like the source snapshot (versionnumber as string). */
  mirror(environment: string, entity = 'account'): Map<string, Row> {
    return this.store.snapshot(environment, entity);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const failure = this.failWith.shift();
    if (failure !== undefined) {
      res.writeHead(failure, failure === 429 ? { 'Retry-After': '0' } : {}).end();
      return;
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || req.method !== 'POST') {
      res.writeHead(400).end();
      return;
    }
    if (this.seenKeys.has(key)) this.replayedKeys += 1;
    this.seenKeys.add(key);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PageBody;
    const answer =
      this.options.raiseMarkOnEqualVersion === false
        ? applyOnlyNewerVersions(this.store, body)
        : applyDelivery(this.store, body);
    if (answer.status === 200 && body.sweep === undefined) {
      this.pages.push(body);
      const idColumn = body.idColumn ?? '';
      for (const row of body.upserts ?? []) {
        const tag = `${String(body.environment)}/${String(body.entity)}/${String(row[idColumn])}@${String(row.versionnumber)}`;
        this.delivered.set(tag, (this.delivered.get(tag) ?? 0) + 1);
      }
    }
    res
      .writeHead(answer.status, { 'Content-Type': 'application/json' })
      .end(JSON.stringify(answer.body));
  }
}

/** A delivery as the sync sends it (docs/webhook-receiver.md), as far as the tests read it. */
export interface PageBody {
  readonly environment?: string;
  readonly entity?: string;
  readonly idColumn?: string;
  readonly generation?: number;
  readonly round?: string;
  readonly sequence?: number;
  readonly columns?: readonly Readonly<Record<string, unknown>>[];
  readonly upserts?: Row[];
  readonly deletes?: string[];
  readonly sweep?: unknown;
}

/** The contract minus the mark rule: equal or older versions are ignored entirely. */
function applyOnlyNewerVersions(
  store: MemoryStore,
  body: PageBody,
): ReturnType<typeof applyDelivery> {
  const { environment, entity, idColumn } = body;
  if (
    body.sweep !== undefined ||
    environment === undefined ||
    entity === undefined ||
    idColumn === undefined
  )
    return applyDelivery(store, body);
  const stored = store.snapshot(environment, entity);
  const newer = (body.upserts ?? []).filter((row) => {
    const existing = stored.get(String(row[idColumn]));
    return (
      existing === undefined ||
      BigInt(String(existing.versionnumber)) < BigInt(String(row.versionnumber))
    );
  });
  return applyDelivery(store, { ...body, upserts: newer });
}
