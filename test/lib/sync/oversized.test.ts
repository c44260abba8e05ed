import type { TransactionAction } from '@azure/data-tables';
import { type RunningServer, startServer } from '@dataverse-s2s/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { TargetColumn } from '../../../src/lib/schema';
import { syncTable } from '../../../src/lib/sync/syncTable';
import { type MirrorTable, TableSink } from '../../../src/lib/sync/tableSink';
import type { SinkPage, SinkTable } from '../../../src/lib/sync/types';
import { accountTable } from './accountTable';
import { FakeAccountSource, seededRandom } from './fakeSource';
import {
  accountJob,
  captureLogger,
  newEnvironment,
  readTableMirror,
  startStorageHarness,
  type StorageHarness,
  syncDeps,
  tableSink,
  webhookSink,
} from './harness';

let harness: StorageHarness;
beforeAll(async () => {
  harness = await startStorageHarness();
});
afterAll(async () => {
  await harness.dispose();
});

const signal = new AbortController().signal;
const id = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const row = (i: number, extra: Record<string, string> = {}) => ({
  accountid: id(i),
  versionnumber: String(100 + i),
  name: `row ${String(i)}`,
  ...extra,
});
/**
 * The account's name and description plus `extra` text columns: the sink writes only the
 * table's columns, so the wide rows below need columns of their own to be written at all.
 */
function tableWith(extra: readonly string[] = []): SinkTable {
  const account = accountTable(['name', 'description']);
  const columns = extra.map((name): TargetColumn => ({
    name,
    type: { name: 'text' },
    role: 'value',
    attribute: name,
  }));
  return { ...account, columns: [...account.columns, ...columns] };
}
const page = (
  environment: string,
  upserts: ReturnType<typeof row>[],
  table: SinkTable = tableWith(),
): SinkPage => ({
  environment,
  table,
  upserts,
  deletes: [],
  generation: 1,
  roundKind: 'full',
  sequence: 0,
});

/** The mirror table, recording the estimated size of every transaction it is given. */
function recording(
  name: string,
  transactions: { operations: number; bytes: number }[],
): MirrorTable {
  const table = harness.storage.table(name);
  return {
    tableName: table.tableName,
    createTable: (...args) => table.createTable(...args),
    getEntity: (...args) => table.getEntity(...args),
    listEntities: (...args) => table.listEntities(...args),
    submitTransaction: (actions: TransactionAction[], options) => {
      transactions.push({
        operations: actions.length,
        bytes: Buffer.byteLength(JSON.stringify(actions)),
      });
      return table.submitTransaction(actions, options);
    },
  };
}

describe('the table target and Azure Table limits', () => {
  it('reports a row with a property above 64 KiB by id and limit, and writes the rest of the page', async () => {
    const environment = newEnvironment('big-property');
    const sink = new TableSink(harness.storage.table('oversized'));
    const rows = [row(1), row(2, { description: 'x'.repeat(40_000) }), row(3)];
    const result = await sink.applyPage(page(environment, rows), signal);
    expect(result).toMatchObject({ created: 2 });
    expect(result.rejected).toEqual([
      {
        id: id(2),
        reason: expect.stringMatching(
          /property description holds 78 KiB; Azure Table allows 64 KiB per property/,
        ) as unknown,
      },
    ]);
    const mirror = await readTableMirror(harness.storage.table('oversized'), environment);
    expect([...mirror.keys()].sort()).toEqual([id(1), id(3)]);
  });

  it('reports an entity above 1 MiB, which Azure Tables refuse (Azurite does not)', async () => {
    const environment = newEnvironment('big-entity');
    const sink = new TableSink(harness.storage.table('oversized'));
    const wide: Record<string, string> = {};
    for (let column = 0; column < 20; column += 1) wide[`c${String(column)}`] = 'y'.repeat(30_000);
    const result = await sink.applyPage(
      page(environment, [row(1, wide), row(2)], tableWith(Object.keys(wide))),
      signal,
    );
    expect(result.created).toBe(1);
    expect(result.rejected).toEqual([
      {
        id: id(1),
        reason: expect.stringMatching(
          /entity holds 1\d\d\d KiB; Azure Table allows 1024 KiB per entity/,
        ) as unknown,
      },
    ]);
  });

  it('reports a row with more than 252 properties, which Azure Tables refuse (Azurite does not)', async () => {
    const environment = newEnvironment('many-properties');
    const sink = new TableSink(harness.storage.table('oversized'));
    // 252 own properties at most (255 with PartitionKey, RowKey and Timestamp); the row below
    // has 260 text columns plus accountid, name, versionnumber and the generation mark.
    const wide: Record<string, string> = {};
    for (let column = 0; column < 260; column += 1) wide[`p${String(column)}`] = 'v';
    const result = await sink.applyPage(
      page(environment, [row(1, wide), row(2)], tableWith(Object.keys(wide))),
      signal,
    );
    expect(result.created).toBe(1);
    expect(result.rejected).toEqual([
      {
        id: id(1),
        reason:
          'the entity has 264 properties; Azure Table allows 252 besides PartitionKey, RowKey and Timestamp (list fewer columns in SYNC_TABLES)',
      },
    ]);
  });

  it('keeps every transaction below 4 MiB, splitting a page of large rows', async () => {
    const environment = newEnvironment('big-page');
    const transactions: { operations: number; bytes: number }[] = [];
    const sink = new TableSink(recording('oversizedPage', transactions));
    // 100 rows of 50 KB each: 5 MB, above the 4 MiB a transaction may carry.
    const rows = Array.from({ length: 100 }, (_, i) =>
      row(i, { description: 'z'.repeat(25_000), notes: 'n'.repeat(25_000) }),
    );
    const result = await sink.applyPage(page(environment, rows, tableWith(['notes'])), signal);
    expect(result.created).toBe(100);
    expect(transactions.length).toBeGreaterThan(1);
    expect(Math.max(...transactions.map((t) => t.bytes))).toBeLessThan(4 * 1024 * 1024);
  });

  it('splits a transaction the service refuses as too large until it fits', async () => {
    const environment = newEnvironment('refused');
    const table = harness.storage.table('oversizedRefused');
    const sizes: number[] = [];
    const strict: MirrorTable = {
      tableName: table.tableName,
      createTable: (...args) => table.createTable(...args),
      getEntity: (...args) => table.getEntity(...args),
      listEntities: (...args) => table.listEntities(...args),
      submitTransaction: (actions: TransactionAction[], options) => {
        sizes.push(actions.length);
        if (actions.length > 30) {
          return Promise.reject(
            Object.assign(new Error('The request body is too large'), {
              statusCode: 413,
              code: 'RequestBodyTooLarge',
            }),
          );
        }
        return table.submitTransaction(actions, options);
      },
    };
    const sink = new TableSink(strict);
    const result = await sink.applyPage(
      page(
        environment,
        Array.from({ length: 100 }, (_, i) => row(i)),
      ),
      signal,
    );
    expect(result.created).toBe(100);
    expect(result.rejected ?? []).toEqual([]);
    expect(sizes[0]).toBe(100);
  });
});

describe('the webhook target and a receiver that refuses large requests (413)', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('splits the page until each request fits, and reports a single row that never fits', async () => {
    const received: string[] = [];
    server = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.length > 20_000) {
          res.writeHead(413).end();
          return;
        }
        const parsed = JSON.parse(body.toString('utf8')) as { upserts: { accountid: string }[] };
        received.push(...parsed.upserts.map((r) => r.accountid));
        res.writeHead(204).end();
      });
    });
    const sink = webhookSink({ url: `${server.url}/hook`, sleep: () => Promise.resolve() });
    const rows = Array.from({ length: 40 }, (_, i) => row(i, { description: 'w'.repeat(1_000) }));
    rows.push(row(99, { description: 'v'.repeat(30_000) }));
    const result = await sink.applyPage(page('webhook-split', rows), signal);
    expect(received.sort()).toEqual(
      rows
        .slice(0, 40)
        .map((r) => r.accountid)
        .sort(),
    );
    expect(result.rejected).toEqual([
      {
        id: id(99),
        reason: expect.stringMatching(
          /the receiver refused it as too large \(HTTP 413\)/,
        ) as unknown,
      },
    ]);
  });
});

describe('a run with a row the target cannot hold', () => {
  it('syncs the rest, reports the row by id and limit, keeps it listed until it fits again', async () => {
    const source = new FakeAccountSource(seededRandom(41));
    source.seed(30);
    const environment = newEnvironment('rejected');
    const sink = tableSink(harness);
    await syncTable(syncDeps(harness, source, environment, sink));
    const [huge] = source.ids();
    source.update(huge!, { description: 'd'.repeat(40_000) });
    source.update(source.ids()[1]!, { name: 'changed' });
    const logger = captureLogger();

    const result = await syncTable(syncDeps(harness, source, environment, sink, { logger }));
    expect(result).toMatchObject({
      outcome: 'synced',
      roundKind: 'delta',
      updated: 1,
      rejected: 1,
    });
    expect(logger.lines.join('\n')).toMatch(
      new RegExp(`row ${huge!} was not written: property description holds 78 KiB`),
    );
    expect(logger.lines.join('\n')).toMatch(/rejected 1 \(too large for the target\)/);
    let stored = await harness.checkpoints.read(accountJob(environment));
    expect(stored?.checkpoint.rejected?.rows).toEqual({
      [huge!]: expect.stringMatching(/64 KiB per property/) as unknown,
    });

    source.update(huge!, { description: 'short again' });
    await syncTable(syncDeps(harness, source, environment, sink));
    stored = await harness.checkpoints.read(accountJob(environment));
    expect(stored?.checkpoint.rejected).toBeUndefined();
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.get(huge!)?.description).toBe('short again');
  });
});
