import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkpointBlobName } from '../../../src/lib/sync/checkpointStore';
import { syncEnvironment } from '../../../src/lib/sync/syncEnvironment';
import { TableSink } from '../../../src/lib/sync/tableSink';
import { ACCOUNT_COLUMNS, FakeAccountSource, seededRandom } from './fakeSource';
import {
  captureLogger,
  expectTableMirrorEqualsSource,
  newEnvironment,
  readTableMirror,
  startStorageHarness,
  type StorageHarness,
  syncDeps,
  tableSink,
} from './harness';

let harness: StorageHarness;
beforeAll(async () => {
  harness = await startStorageHarness();
});
afterAll(async () => {
  await harness.dispose();
});

describe('account sync into the mirror table', () => {
  it('loads everything, then applies creates, updates and deletes from deltas', async () => {
    const source = new FakeAccountSource(seededRandom(7));
    source.seed(260);
    const environment = newEnvironment('table');
    const sink = tableSink(harness);
    const logger = captureLogger();

    const first = await syncEnvironment(syncDeps(harness, source, environment, sink, { logger }));
    expect(first).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      created: 260,
      pages: 11,
    });
    await expectTableMirrorEqualsSource(harness, source, environment);

    for (let round = 0; round < 3; round += 1) {
      source.mutate(60);
      const delta = await syncEnvironment(syncDeps(harness, source, environment, sink, { logger }));
      expect(delta).toMatchObject({
        outcome: 'synced',
        roundKind: 'delta',
        generation: first.generation, // delta rounds write with the last full round's generation
        checkpointMoved: true,
      });
      expect(delta.created + delta.updated + delta.deleted).toBeGreaterThan(0);
      await expectTableMirrorEqualsSource(harness, source, environment);
    }

    const idle = await syncEnvironment(syncDeps(harness, source, environment, sink, { logger }));
    expect(idle).toMatchObject({ outcome: 'synced', roundKind: 'delta', pages: 1, rows: 0 });
    expect(logger.lines.filter((line) => line.includes('checkpoint moved'))).toHaveLength(5);
  });
});

describe('full resync after an expired delta token', () => {
  it('removes exactly the rows deleted while the token was expired', async () => {
    const source = new FakeAccountSource(seededRandom(11));
    source.seed(200);
    const environment = newEnvironment('expired');
    const sink = tableSink(harness);
    const first = await syncEnvironment(syncDeps(harness, source, environment, sink));
    source.mutate(40);
    await syncEnvironment(syncDeps(harness, source, environment, sink));

    const doomed = source.ids().slice(10, 35);
    for (const id of doomed) source.delete(id);
    source.update(source.ids()[0]!);
    source.create();
    source.expireTokens(); // deletion history gone: only the sweep can remove them

    const result = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(result).toMatchObject({
      outcome: 'synced',
      expiredTokenRecovered: true,
      roundKind: 'full',
      swept: doomed.length,
      created: 1,
      updated: 1,
    });
    expect(result.generation).toBeGreaterThan(first.generation ?? Number.POSITIVE_INFINITY);
    await expectTableMirrorEqualsSource(harness, source, environment);

    source.mutate(20); // and deltas work again from the new deltaLink
    const after = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(after).toMatchObject({
      outcome: 'synced',
      roundKind: 'delta',
      generation: result.generation,
    });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('restarts a paused full round whose nextLink expired, with a new generation', async () => {
    const source = new FakeAccountSource(seededRandom(13));
    source.seed(100);
    const environment = newEnvironment('expired-full');
    const sink = tableSink(harness);
    let clock = 0;
    const timed = {
      now: () => clock,
      hooks: { afterSinkWrite: () => void (clock += 1000) },
      options: { columns: [...ACCOUNT_COLUMNS], pageSize: 25, maxRunSeconds: 2 },
    };
    const paused = await syncEnvironment(syncDeps(harness, source, environment, sink, timed));
    expect(paused).toMatchObject({ outcome: 'paused', roundKind: 'full', generation: 1 });
    for (const id of source.ids().slice(0, 10)) source.delete(id);
    source.expireTokens({ fullRoundLinks: true });

    const resumed = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(resumed).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      expiredTokenRecovered: true,
    });
    expect(resumed.generation).toBeGreaterThan(paused.generation ?? Number.POSITIVE_INFINITY);
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('sweeps only after the full round completed, even across paused runs', async () => {
    const source = new FakeAccountSource(seededRandom(12));
    source.seed(100);
    const environment = newEnvironment('expired-paused');
    const sink = tableSink(harness);
    await syncEnvironment(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 10)) source.delete(id);
    source.expireTokens();

    let clock = 0;
    const timed = {
      now: () => clock,
      hooks: { afterSinkWrite: () => void (clock += 1000) },
      options: { columns: ['name'], pageSize: 25, maxRunSeconds: 2 },
    };
    const paused = await syncEnvironment(syncDeps(harness, source, environment, sink, timed));
    expect(paused).toMatchObject({ outcome: 'paused', roundKind: 'full', swept: 0 });
    // Rows deleted at the source are still in the mirror: nothing is swept mid-round.
    expect((await readTableMirror(harness.storage.table('accounts'), environment)).size).toBe(100);

    const finished = await syncEnvironment(syncDeps(harness, source, environment, sink, timed));
    expect(finished).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      generation: paused.generation, // the same round, resumed
      swept: 10,
    });
    expect((await readTableMirror(harness.storage.table('accounts'), environment)).size).toBe(90);
  });
});

describe('a checkpoint lost, damaged or made for another shape', () => {
  const deleteCheckpoint = async (environment: string): Promise<void> => {
    await harness.storage.container.getBlobClient(checkpointBlobName(environment)).delete();
  };

  it('after the checkpoint was deleted, the full round sweeps every row it did not see', async () => {
    const source = new FakeAccountSource(seededRandom(31));
    source.seed(60);
    const environment = newEnvironment('lost');
    const sink = tableSink(harness);
    await syncEnvironment(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 7)) source.delete(id);
    await deleteCheckpoint(environment);

    const result = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', swept: 7 });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('after a lost checkpoint the new generation is above every mark in the target', async () => {
    const source = new FakeAccountSource(seededRandom(32));
    source.seed(30);
    const environment = newEnvironment('lost-twice');
    const sink = tableSink(harness);
    const first = await syncEnvironment(syncDeps(harness, source, environment, sink));
    await syncEnvironment(
      syncDeps(harness, source, environment, sink, {
        options: { columns: [...ACCOUNT_COLUMNS], pageSize: 25, full: true },
      }),
    );
    await deleteCheckpoint(environment);
    for (const id of source.ids().slice(0, 3)) source.delete(id);
    const third = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(third.generation).toBeGreaterThan(first.generation ?? 0);
    expect(third).toMatchObject({ outcome: 'synced', swept: 3 });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('replaces a damaged checkpoint with a full resync instead of failing every run', async () => {
    const source = new FakeAccountSource(seededRandom(33));
    source.seed(40);
    const environment = newEnvironment('damaged');
    const sink = tableSink(harness);
    await syncEnvironment(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 4)) source.delete(id);
    await harness.storage.container
      .getBlockBlobClient(checkpointBlobName(environment))
      .upload('{"version":1,"generation":"oops"', 31);
    const logger = captureLogger();

    const result = await syncEnvironment(syncDeps(harness, source, environment, sink, { logger }));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', swept: 4 });
    expect(logger.lines.join('\n')).toMatch(/full resync: the checkpoint is damaged/);
    await expectTableMirrorEqualsSource(harness, source, environment);
    const after = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(after).toMatchObject({ outcome: 'synced', roundKind: 'delta' });
  });

  it('fills a column added to the configuration with a full round, and says why', async () => {
    const source = new FakeAccountSource(seededRandom(34));
    source.seed(50);
    const environment = newEnvironment('new-column');
    const sink = tableSink(harness);
    const narrow = { columns: ['name'], pageSize: 25 };
    await syncEnvironment(syncDeps(harness, source, environment, sink, { options: narrow }));
    expect(
      [...(await readTableMirror(harness.storage.table('accounts'), environment)).values()][0],
    ).not.toHaveProperty('revenue');
    const logger = captureLogger();

    const result = await syncEnvironment(syncDeps(harness, source, environment, sink, { logger }));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full' });
    expect(logger.lines.join('\n')).toMatch(/full resync: the columns changed \(added .*revenue/);
    await expectTableMirrorEqualsSource(harness, source, environment);
    const stored = await harness.checkpoints.read(environment);
    expect(stored?.checkpoint.lastResync?.reason).toMatch(/columns changed/);
  });

  it('loads every row into a new destination, not only later changes', async () => {
    const source = new FakeAccountSource(seededRandom(35));
    source.seed(45);
    const environment = newEnvironment('new-destination');
    await syncEnvironment(syncDeps(harness, source, environment, tableSink(harness)));
    const elsewhere = new TableSink(harness.storage.table('accountsMoved'));

    const result = await syncEnvironment(syncDeps(harness, source, environment, elsewhere));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', created: 45 });
    const moved = await readTableMirror(harness.storage.table('accountsMoved'), environment);
    expect(moved.size).toBe(45);
  });
});

describe('version guard of the table sink', () => {
  const row = (id: string, version: string, name: string) => ({
    accountid: id,
    versionnumber: version,
    name,
  });
  const page = (environment: string, upserts: ReturnType<typeof row>[], generation = 1) => ({
    environment,
    upserts,
    deletes: [],
    generation,
    roundKind: 'delta' as const,
    sequence: 0,
  });
  const signal = new AbortController().signal;

  it('never moves a row backwards when an older page is replayed', async () => {
    const environment = newEnvironment('regress');
    const sink = tableSink(harness);
    const id = 'aaaaaaaa-0000-4000-8000-000000000001';
    expect(await sink.applyPage(page(environment, [row(id, '10', 'ten')]), signal)).toMatchObject({
      created: 1,
    });
    expect(
      await sink.applyPage(page(environment, [row(id, '12', 'twelve')]), signal),
    ).toMatchObject({ updated: 1 });
    expect(await sink.applyPage(page(environment, [row(id, '10', 'ten')]), signal)).toMatchObject({
      skipped: 1,
      updated: 0,
    });
    expect(
      await sink.applyPage(page(environment, [row(id, '12', 'twelve')]), signal),
    ).toMatchObject({ skipped: 1 });
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.get(id)).toEqual({ accountid: id, versionnumber: '12', name: 'twelve' });
  });

  it('compares versions beyond 2^53 exactly', async () => {
    const environment = newEnvironment('bigint');
    const sink = tableSink(harness);
    const id = 'aaaaaaaa-0000-4000-8000-000000000002';
    await sink.applyPage(page(environment, [row(id, '9007199254740993', 'newer')]), signal);
    await sink.applyPage(page(environment, [row(id, '9007199254740992', 'older')]), signal);
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.get(id)?.name).toBe('newer');
  });

  it('resolves concurrent writers on one partition to the newest version of every row', async () => {
    const environment = newEnvironment('race');
    const ids = Array.from(
      { length: 150 },
      (_, i) => `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const writers = [1, 2, 3].map(() => tableSink(harness));
    await Promise.all(
      writers.map((sink, w) =>
        sink.applyPage(
          page(
            environment,
            ids.map((id, i) => row(id, String(100 + ((i + w) % 3)), `w${w}`)),
          ),
          signal,
        ),
      ),
    );
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.size).toBe(ids.length);
    for (const id of ids) expect(mirror.get(id)?.versionnumber).toBe('102');
  });
});
