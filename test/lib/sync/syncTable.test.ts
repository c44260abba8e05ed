import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ChangeRoundStart, DataverseClient } from '../../../src/lib/dataverse';
import { checkpointBlobName } from '../../../src/lib/sync/checkpointStore';
import { syncTable } from '../../../src/lib/sync/syncTable';
import { TableSink } from '../../../src/lib/sync/tableSink';
import type { SinkPage } from '../../../src/lib/sync/types';
import { accountTable } from './accountTable';
import { FakeAccountSource, seededRandom } from './fakeSource';
import {
  accountJob,
  captureLogger,
  expectTableMirrorEqualsSource,
  newEnvironment,
  readTableMirror,
  sorted,
  startStorageHarness,
  type StorageHarness,
  syncDeps,
  tableSink,
  withoutNulls,
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

    const first = await syncTable(syncDeps(harness, source, environment, sink, { logger }));
    expect(first).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      created: 260,
      pages: 11,
    });
    await expectTableMirrorEqualsSource(harness, source, environment);

    for (let round = 0; round < 3; round += 1) {
      source.mutate(60);
      const delta = await syncTable(syncDeps(harness, source, environment, sink, { logger }));
      expect(delta).toMatchObject({
        outcome: 'synced',
        roundKind: 'delta',
        generation: first.generation, // delta rounds write with the last full round's generation
        checkpointMoved: true,
      });
      expect(delta.created + delta.updated + delta.deleted).toBeGreaterThan(0);
      await expectTableMirrorEqualsSource(harness, source, environment);
    }

    const idle = await syncTable(syncDeps(harness, source, environment, sink, { logger }));
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
    const first = await syncTable(syncDeps(harness, source, environment, sink));
    source.mutate(40);
    await syncTable(syncDeps(harness, source, environment, sink));

    const doomed = source.ids().slice(10, 35);
    for (const id of doomed) source.delete(id);
    source.update(source.ids()[0]!);
    source.create();
    source.expireTokens(); // deletion history gone: only the sweep can remove them

    const result = await syncTable(syncDeps(harness, source, environment, sink));
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
    const after = await syncTable(syncDeps(harness, source, environment, sink));
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
      options: { pageSize: 25, maxRunSeconds: 2 },
    };
    const paused = await syncTable(syncDeps(harness, source, environment, sink, timed));
    expect(paused).toMatchObject({ outcome: 'paused', roundKind: 'full', generation: 1 });
    for (const id of source.ids().slice(0, 10)) source.delete(id);
    source.expireTokens({ fullRoundLinks: true });

    const resumed = await syncTable(syncDeps(harness, source, environment, sink));
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
    await syncTable(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 10)) source.delete(id);
    source.expireTokens();

    let clock = 0;
    const timed = {
      now: () => clock,
      hooks: { afterSinkWrite: () => void (clock += 1000) },
      describeTable: () => Promise.resolve(accountTable(['name'])),
      options: { pageSize: 25, maxRunSeconds: 2 },
    };
    const paused = await syncTable(syncDeps(harness, source, environment, sink, timed));
    expect(paused).toMatchObject({ outcome: 'paused', roundKind: 'full', swept: 0 });
    // Rows deleted at the source are still in the mirror: nothing is swept mid-round.
    expect((await readTableMirror(harness.storage.table('accounts'), environment)).size).toBe(100);

    const finished = await syncTable(syncDeps(harness, source, environment, sink, timed));
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
    await harness.storage.container
      .getBlobClient(checkpointBlobName(accountJob(environment)))
      .delete();
  };

  it('after the checkpoint was deleted, the full round sweeps every row it did not see', async () => {
    const source = new FakeAccountSource(seededRandom(31));
    source.seed(60);
    const environment = newEnvironment('lost');
    const sink = tableSink(harness);
    await syncTable(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 7)) source.delete(id);
    await deleteCheckpoint(environment);

    const result = await syncTable(syncDeps(harness, source, environment, sink));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', swept: 7 });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('after a lost checkpoint the new generation is above every mark in the target', async () => {
    const source = new FakeAccountSource(seededRandom(32));
    source.seed(30);
    const environment = newEnvironment('lost-twice');
    const sink = tableSink(harness);
    const first = await syncTable(syncDeps(harness, source, environment, sink));
    await syncTable(
      syncDeps(harness, source, environment, sink, {
        options: { pageSize: 25, full: true },
      }),
    );
    await deleteCheckpoint(environment);
    for (const id of source.ids().slice(0, 3)) source.delete(id);
    const third = await syncTable(syncDeps(harness, source, environment, sink));
    expect(third.generation).toBeGreaterThan(first.generation ?? 0);
    expect(third).toMatchObject({ outcome: 'synced', swept: 3 });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('replaces a damaged checkpoint with a full resync instead of failing every run', async () => {
    const source = new FakeAccountSource(seededRandom(33));
    source.seed(40);
    const environment = newEnvironment('damaged');
    const sink = tableSink(harness);
    await syncTable(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 4)) source.delete(id);
    await harness.storage.container
      .getBlockBlobClient(checkpointBlobName(accountJob(environment)))
      .upload('{"version":1,"generation":"oops"', 31);
    const logger = captureLogger();

    const result = await syncTable(syncDeps(harness, source, environment, sink, { logger }));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', swept: 4 });
    expect(logger.lines.join('\n')).toMatch(/full resync: the checkpoint is damaged/);
    await expectTableMirrorEqualsSource(harness, source, environment);
    const after = await syncTable(syncDeps(harness, source, environment, sink));
    expect(after).toMatchObject({ outcome: 'synced', roundKind: 'delta' });
  });

  it("fills a column added to the table's column list with a full round, and says why", async () => {
    const source = new FakeAccountSource(seededRandom(34));
    source.seed(50);
    const environment = newEnvironment('new-column');
    const sink = tableSink(harness);
    const narrow = { describeTable: () => Promise.resolve(accountTable(['name'])) };
    await syncTable(syncDeps(harness, source, environment, sink, narrow));
    expect(
      [...(await readTableMirror(harness.storage.table('accounts'), environment)).values()][0],
    ).not.toHaveProperty('revenue');
    const logger = captureLogger();

    const result = await syncTable(syncDeps(harness, source, environment, sink, { logger }));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full' });
    expect(logger.lines.join('\n')).toMatch(/full resync: the columns changed \(added .*revenue/);
    await expectTableMirrorEqualsSource(harness, source, environment);
    const stored = await harness.checkpoints.read(accountJob(environment));
    expect(stored?.checkpoint.lastResync?.reason).toMatch(/columns changed/);
  });

  it('loads every row into a new destination, not only later changes', async () => {
    const source = new FakeAccountSource(seededRandom(35));
    source.seed(45);
    const environment = newEnvironment('new-destination');
    await syncTable(syncDeps(harness, source, environment, tableSink(harness)));
    const elsewhere = new TableSink(harness.storage.table('accountsMoved'));

    const result = await syncTable(syncDeps(harness, source, environment, elsewhere));
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
  const page = (
    environment: string,
    upserts: ReturnType<typeof row>[],
    generation = 1,
  ): SinkPage => ({
    environment,
    table: accountTable(['name']),
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

describe('a column removed from or added to the table', () => {
  const ALL_COLUMNS = [
    'name',
    'accountnumber',
    'revenue',
    'numberofemployees',
    'creditonhold',
    'description',
    'address1_city',
  ];

  /** The fake's client, recording where each round starts (a full round or a saved link). */
  function recordingClient(
    source: FakeAccountSource,
    environment: string,
    starts: ChangeRoundStart[],
  ): DataverseClient {
    const real = source.client(environment);
    return {
      ...real,
      environment: real.environment,
      changePages: (start, options) => {
        starts.push(start);
        return real.changePages(start, options);
      },
    };
  }

  /** Ids of rows whose revenue is set at the source (so its removal is visible). */
  function idsWithRevenue(source: FakeAccountSource): string[] {
    return [...source.snapshot()]
      .filter(([, row]) => row.revenue !== null && row.revenue !== undefined)
      .map(([id]) => id);
  }

  it('stops copying a removed column without a full round, says so once, and deltas go on', async () => {
    const source = new FakeAccountSource(seededRandom(37));
    source.seed(40);
    const environment = newEnvironment('removed-column');
    const sink = tableSink(harness);
    const logger = captureLogger();
    await syncTable(syncDeps(harness, source, environment, sink, { logger }));
    const saved = (await harness.checkpoints.read(accountJob(environment)))?.checkpoint.deltaLink;
    expect(saved).toContain(',revenue,');
    const [changed, kept] = idsWithRevenue(source);

    source.update(changed!, { name: 'renamed once' });
    const starts: ChangeRoundStart[] = [];
    const withoutRevenue = {
      logger,
      client: recordingClient(source, environment, starts),
      describeTable: () =>
        Promise.resolve(accountTable(ALL_COLUMNS.filter((c) => c !== 'revenue'))),
    };
    const second = await syncTable(syncDeps(harness, source, environment, sink, withoutRevenue));
    expect(second).toMatchObject({ outcome: 'synced', roundKind: 'delta', updated: 1 });
    // The delta reads the saved link minus the removed column (Dataverse refuses a $select
    // naming a deleted column), with the same change token.
    expect(starts).toEqual([{ kind: 'link', url: saved!.replace(',revenue,', ',') }]);
    let mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.get(changed!)).toMatchObject({ name: 'renamed once' });
    expect(mirror.get(changed!)).not.toHaveProperty('revenue');
    // A row that did not change keeps the value written before.
    expect(mirror.get(kept!)?.revenue).toBe(source.snapshot().get(kept!)?.revenue);
    const shape = (await harness.checkpoints.read(accountJob(environment)))?.checkpoint.shape;
    expect(shape?.columns.some((column) => column.startsWith('revenue:'))).toBe(false);

    source.update(kept!, { name: 'renamed later' });
    const third = await syncTable(syncDeps(harness, source, environment, sink, withoutRevenue));
    expect(third).toMatchObject({ outcome: 'synced', roundKind: 'delta', updated: 1 });
    expect(starts[1]).toMatchObject({ kind: 'link' });
    expect(JSON.stringify(starts[1])).not.toContain('revenue');
    mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.get(kept!)).toMatchObject({ name: 'renamed later' });

    const notices = logger.lines.filter((line) => line.includes('no longer copied'));
    expect(notices).toEqual([
      `warn sync ${accountJob(environment)}: revenue is no longer copied (removed from the table or from its column list); rows keep the values already written until they next change`,
    ]);
    expect(
      logger.lines.filter((line) => line.startsWith('warn') && line.includes('full resync')),
    ).toEqual([]);
  });

  it('backfills an added column in a full round, rows that did not change included', async () => {
    const source = new FakeAccountSource(seededRandom(38));
    source.seed(40);
    const environment = newEnvironment('added-column');
    const sink = tableSink(harness);
    await syncTable(
      syncDeps(harness, source, environment, sink, {
        describeTable: () => Promise.resolve(accountTable(['name'])),
      }),
    );
    const logger = captureLogger();
    const withRevenue = {
      logger,
      describeTable: () => Promise.resolve(accountTable(['name', 'revenue'])),
    };

    const result = await syncTable(syncDeps(harness, source, environment, sink, withRevenue));
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', created: 0 });
    expect(result.updated + result.skipped).toBe(40);
    expect(logger.lines).toContain(
      `warn sync ${accountJob(environment)}: full resync: the columns changed (added revenue); rows deleted meanwhile are swept afterwards`,
    );
    const expected = new Map(
      [...withoutNulls(source.snapshot())].map(([id, row]) => [
        id,
        Object.fromEntries(
          Object.entries(row).filter(([column]) =>
            ['accountid', 'name', 'revenue', 'versionnumber'].includes(column),
          ),
        ),
      ]),
    );
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(sorted(mirror)).toEqual(sorted(expected));
    expect(idsWithRevenue(source).every((id) => mirror.get(id)?.revenue !== undefined)).toBe(true);

    source.mutate(10);
    const next = await syncTable(syncDeps(harness, source, environment, sink, withRevenue));
    expect(next).toMatchObject({ outcome: 'synced', roundKind: 'delta' });
  });
});

describe('typed properties of the table sink', () => {
  const signal = new AbortController().signal;

  /**
   * The EDM type of each property of one stored entity, from the raw response. The SDK cannot
   * say: the service omits the annotation of a whole-number Double (it sends `100.0`), and the
   * SDK reads that back as a JSON number 100, i.e. Int32.
   */
  async function storedTypes(environment: string, id: string): Promise<Record<string, string>> {
    let raw = '';
    const client = TableClient.fromConnectionString(harness.azurite.connectionString, 'accounts', {
      allowInsecureConnection: true,
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'keepRawBody',
            sendRequest: async (request, next) => {
              const response = await next(request);
              raw = response.bodyAsText ?? '';
              return response;
            },
          },
        },
      ],
    });
    await client.getEntity(environment, id);
    return edmTypesOf(raw);
  }

  it('stores exactly the columns of the table by their metadata type; revenue (money) is Edm.Double even when whole', async () => {
    const environment = newEnvironment('typed');
    const sink = tableSink(harness);
    const table = accountTable(['name', 'revenue', 'numberofemployees', 'creditonhold']);
    const whole = 'cccccccc-0000-4000-8000-000000000001';
    const fraction = 'cccccccc-0000-4000-8000-000000000002';
    const row = (id: string, revenue: number) => ({
      accountid: id,
      versionnumber: '5',
      name: `revenue ${String(revenue)}`,
      revenue,
      numberofemployees: 100,
      creditonhold: true,
      // Not a column of the table: the sink writes only the table's columns.
      address1_city: 'Zürich',
    });
    const page: SinkPage = {
      environment,
      table,
      upserts: [row(whole, 100), row(fraction, 100.5)],
      deletes: [],
      generation: 1,
      roundKind: 'full',
      sequence: 0,
    };
    expect(await sink.applyPage(page, signal)).toMatchObject({ created: 2 });

    for (const id of [whole, fraction]) {
      expect(await storedTypes(environment, id)).toEqual({
        accountid: 'Edm.Guid',
        name: 'Edm.String',
        revenue: 'Edm.Double',
        numberofemployees: 'Edm.Int32',
        creditonhold: 'Edm.Boolean',
        versionnumber: 'Edm.String',
        syncGeneration: 'Edm.Double',
      });
    }
    // Where the wire does tell, the SDK's own typed reading agrees.
    const typed = await harness.storage
      .table('accounts')
      .getEntity(environment, fraction, { disableTypeConversion: true });
    expect(typed.revenue).toEqual({ value: '100.5', type: 'Double' });
  });
});

/** EDM types of a raw Table JSON entity: annotations, else the JSON literal's kind. */
function edmTypesOf(raw: string): Record<string, string> {
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  const numberLiterals = new Map<string, string>();
  for (const match of raw.matchAll(/"([^"]+)":(-?\d[\d.eE+-]*)/g)) {
    if (match[1] !== undefined && match[2] !== undefined) numberLiterals.set(match[1], match[2]);
  }
  const types: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key.includes('@') || key.startsWith('odata.')) continue;
    if (['PartitionKey', 'RowKey', 'Timestamp'].includes(key)) continue;
    const annotation = parsed[`${key}@odata.type`];
    types[key] =
      typeof annotation === 'string'
        ? annotation
        : typeof value === 'boolean'
          ? 'Edm.Boolean'
          : typeof value === 'string'
            ? 'Edm.String'
            : /[.eE]/.test(numberLiterals.get(key) ?? '')
              ? 'Edm.Double'
              : 'Edm.Int32';
  }
  return types;
}
