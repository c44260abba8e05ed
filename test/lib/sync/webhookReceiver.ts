import type { IncomingMessage, ServerResponse } from 'node:http';

import { type RunningServer, startServer } from '@dataverse-s2s/testbed';

type Row = Record<string, string | number | boolean | null>;

interface StoredRow {
  readonly row: Row;
  readonly generation: number;
}

/**
 * A webhook receiver as the http sink's contract asks for: it remembers Idempotency-Keys,
 * applies a row only if its versionnumber is newer (an equal one only takes the newer
 * generation mark), deletes by id, and sweeps rows of older generations on instruction.
 * It counts how often each id@version arrived, to prove "no duplicate, no gap".
 */
export class WebhookReceiver {
  readonly rows = new Map<string, Map<string, StoredRow>>();
  /** environment/id@version → times it arrived in a request that was processed (not a replayed key). */
  readonly delivered = new Map<string, number>();
  readonly seenKeys = new Map<string, string>();
  replayedKeys = 0;
  requests = 0;
  /** Statuses to answer before processing, consumed one per request. */
  readonly failWith: number[] = [];
  private server: RunningServer | undefined;

  async start(): Promise<string> {
    this.server = await startServer((req, res) => {
      void this.handle(req, res);
    });
    return `${this.server.url}/hooks/accounts`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** The environment's mirror, shaped like the source snapshot (versionnumber as string). */
  mirror(environment: string): Map<string, Row> {
    const result = new Map<string, Row>();
    for (const [id, stored] of this.rows.get(environment) ?? []) result.set(id, stored.row);
    return result;
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
    const previous = this.seenKeys.get(key);
    if (previous !== undefined) {
      this.replayedKeys += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(previous);
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      environment: string;
      generation: number;
      upserts?: Row[];
      deletes?: string[];
      sweep?: { generation: number };
    };
    const rows = this.rows.get(body.environment) ?? new Map<string, StoredRow>();
    this.rows.set(body.environment, rows);
    let answer: string;
    if (body.sweep !== undefined) {
      let removed = 0;
      for (const [id, stored] of rows) {
        if (stored.generation < body.sweep.generation) {
          rows.delete(id);
          removed += 1;
        }
      }
      answer = JSON.stringify({ removed });
    } else {
      for (const row of body.upserts ?? [])
        this.applyRow(body.environment, rows, row, body.generation);
      for (const id of body.deletes ?? []) rows.delete(id);
      answer = JSON.stringify({ ok: true });
    }
    this.seenKeys.set(key, answer);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer);
  }

  private applyRow(
    environment: string,
    rows: Map<string, StoredRow>,
    row: Row,
    generation: number,
  ): void {
    const id = String(row.accountid);
    const existing = rows.get(id);
    const version = BigInt(String(row.versionnumber));
    const existingVersion =
      existing === undefined ? -1n : BigInt(String(existing.row.versionnumber));
    const tag = `${environment}/${id}@${String(row.versionnumber)}`;
    this.delivered.set(tag, (this.delivered.get(tag) ?? 0) + 1);
    if (version > existingVersion) {
      rows.set(id, { row, generation: Math.max(generation, existing?.generation ?? 0) });
    } else if (existing !== undefined && generation > existing.generation) {
      rows.set(id, { row: existing.row, generation });
    }
  }
}
