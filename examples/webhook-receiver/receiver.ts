/**
 * A reference receiver for the sync's webhook target, written from docs/webhook-receiver.md
 * alone: it keeps a copy of each environment's tables in memory and applies deliveries by the
 * contract's rules. Replace `MemoryStore` with your database; keep `applyDelivery`'s rules.
 *
 * Run it: `npx tsx examples/webhook-receiver/receiver.ts 7072`, then set
 * SYNC_TARGET=http and SYNC_WEBHOOK_URL=http://127.0.0.1:7072/hook.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A column value as the sync sends it. */
export type Value = string | number | boolean | null;
export type Row = Readonly<Record<string, Value>>;

interface Stored {
  readonly row: Row;
  readonly version: bigint;
  /** The generation mark: the highest generation that delivered or re-sent this row. */
  readonly mark: number;
}

/**
 * The receiver's copy: (environment, entity) → id → stored row. Each table of each environment
 * is kept apart: ids are unique only within a table, and a sweep covers one table only.
 */
export class MemoryStore {
  private readonly tables = new Map<string, Map<string, Stored>>();

  rowsOf(environment: string, entity: string): Map<string, Stored> {
    // JSON of the pair: no separator character could make two pairs collide.
    const key = JSON.stringify([environment, entity]);
    let rows = this.tables.get(key);
    if (rows === undefined) {
      rows = new Map();
      this.tables.set(key, rows);
    }
    return rows;
  }

  /** The rows of one table of an environment, without marks, keyed by id. */
  snapshot(environment: string, entity: string): Map<string, Row> {
    return new Map([...this.rowsOf(environment, entity)].map(([id, stored]) => [id, stored.row]));
  }
}

/** What to answer: a status and a JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

const DECIMAL = /^\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies one delivery (a page or a sweep) to the store by the contract's rules, and says what
 * to answer. Rejects a body it cannot read with 400 and changes nothing.
 */
export function applyDelivery(store: MemoryStore, body: unknown): Answer {
  if (
    !isRecord(body) ||
    typeof body.environment !== 'string' ||
    typeof body.entity !== 'string' ||
    body.entity === '' ||
    typeof body.generation !== 'number'
  ) {
    return { status: 400, body: { error: 'expected environment, entity and generation' } };
  }
  const rows = store.rowsOf(body.environment, body.entity);
  if (body.sweep !== undefined) {
    const sweep = body.sweep;
    if (!isRecord(sweep) || typeof sweep.generation !== 'number') {
      return { status: 400, body: { error: 'sweep.generation must be a number' } };
    }
    let removed = 0;
    for (const [id, stored] of rows) {
      if (stored.mark < sweep.generation) {
        rows.delete(id);
        removed += 1;
      }
    }
    return { status: 200, body: { removed } };
  }
  const { upserts = [], deletes = [], idColumn } = body;
  if (typeof idColumn !== 'string' || idColumn === '') {
    return { status: 400, body: { error: 'a page needs idColumn' } };
  }
  if (!Array.isArray(upserts) || !Array.isArray(deletes)) {
    return { status: 400, body: { error: 'upserts and deletes must be arrays' } };
  }
  // Check the whole page before touching the store: a page is applied entirely or not at all.
  for (const row of upserts) {
    if (
      !isRecord(row) ||
      typeof row[idColumn] !== 'string' ||
      typeof row.versionnumber !== 'string' ||
      !DECIMAL.test(row.versionnumber)
    ) {
      return {
        status: 400,
        body: { error: `every upsert needs ${idColumn} and a decimal versionnumber` },
      };
    }
  }
  if (!deletes.every((id): id is string => typeof id === 'string')) {
    return { status: 400, body: { error: 'deletes must be ids' } };
  }
  const generation = body.generation;
  for (const row of upserts as Row[]) {
    const id = String(row[idColumn]);
    const version = BigInt(String(row.versionnumber));
    const stored = rows.get(id);
    if (stored === undefined) {
      rows.set(id, { row, version, mark: generation });
    } else if (stored.version < version) {
      rows.set(id, { row, version, mark: Math.max(generation, stored.mark) });
    } else if (generation > stored.mark) {
      // A newer full round saw this row: raise the mark. An equal version also refreshes the
      // values (that round may select other columns); an older one keeps the stored values.
      rows.set(
        id,
        stored.version === version
          ? { row, version, mark: generation }
          : { ...stored, mark: generation },
      );
    }
  }
  for (const id of deletes) rows.delete(id);
  return { status: 200, body: { applied: upserts.length + deletes.length } };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Answers POSTs with `applyDelivery`; anything else 405. */
export async function handleRequest(
  store: MemoryStore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const answer = applyDelivery(store, await readJson(req));
  res
    .writeHead(answer.status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify(answer.body));
}

/** Starts the receiver on 127.0.0.1:`port` (0: any free port). */
export async function startReceiver(store: MemoryStore, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    void handleRequest(store, req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

if (require.main === module) {
  const port = Number(process.argv[2] ?? '7072');
  void startReceiver(new MemoryStore(), port).then(() => {
    process.stdout.write(
      `webhook receiver on http://127.0.0.1:${String(port)}/hook (Ctrl-C stops)\n`,
    );
  });
}
