import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Runtime } from '../../../src/lib/runtime';
import type { SyncHooks } from '../../../src/lib/sync';
import { NO_DIFFERENCE } from './mirror';
import { startSyncBed, type SyncBed } from './syncBed';

/**
 * The whole path into the table target: settings → runtime → Key Vault → Entra token → the
 * real Dataverse client → the simulator's change tracking → engine → Azurite mirror table and
 * blob checkpoint. Each scenario has its own environment (partition, checkpoint, lease) and
 * mirror table, so they do not depend on each other's order.
 */
let sync: SyncBed;

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      // > 5000 rows: the runtime asks for 5000-row pages, so the full load takes 2 pages (more
      // would be slow: Azurite's table store scans the whole partition on every write).
      { name: 'fabrikam', accounts: { count: 5_300, seed: 11 } },
      { name: 'expiry', accounts: { count: 300, seed: 12 } },
      { name: 'locked', accounts: { count: 400, seed: 13 } },
      { name: 'twohosts', accounts: { count: 400, seed: 14 } },
    ],
  });
});

afterAll(async () => {
  await sync.stop();
});

function syncOnce(runtime: Runtime, environment: string, hooks?: SyncHooks) {
  return runtime.sync.run({
    logger: sync.logger,
    environmentNames: [environment],
    ...(hooks === undefined ? {} : { hooks }),
  });
}

/** Ids of live accounts in internal order, for picking rows to change. */
function liveIds(environment: string): string[] {
  return [...sync.environment(environment).allAccounts()].map((row) => row.accountid);
}

describe('table target: full load then deltas', () => {
  it('mirrors every row and column after the 2-page full load and after each delta', async () => {
    const runtime = await sync.runtime({ SYNC_TABLE_PREFIX: 'mirrorFull' });
    const fabrikam = sync.environment('fabrikam');

    const full = await syncOnce(runtime, 'fabrikam');
    expect(full.anyFailed).toBe(false);
    expect(full.results).toEqual([
      expect.objectContaining({
        environment: 'fabrikam',
        outcome: 'synced',
        roundKind: 'full',
        pages: 2,
        rows: 5_300,
        created: 5_300,
        updated: 0,
        deleted: 0,
        skipped: 0,
        swept: 0,
        checkpointMoved: true,
        expiredTokenRecovered: false,
      }),
    ]);
    expect(await sync.tableDiff('fabrikam', 'mirrorFull')).toEqual(NO_DIFFERENCE);
    const afterFull = await sync.checkpoint('fabrikam');
    const fullGeneration = full.results[0]?.generation;
    expect(afterFull).toMatchObject({ version: 2, generation: fullGeneration });
    expect(afterFull?.deltaLink).toContain('$deltatoken=');
    expect(afterFull?.round).toBeUndefined();
    expect(afterFull?.lastError).toBeUndefined();

    // Delta 1: creates, updates (one to null, one of an unsynced column only) and deletes.
    const ids = liveIds('fabrikam');
    const created = [0, 1, 2, 3, 4].map((i) =>
      fabrikam.createAccount({ name: `Delta created ${String(i)}`, revenue: 1000.5 + i }),
    );
    fabrikam.updateAccount(ids[10] ?? '', { name: 'Renamed', telephone1: null });
    fabrikam.updateAccount(ids[5000] ?? '', { websiteurl: 'https://changed.example' });
    for (const i of [20, 4999, 5001, 5299, 7]) {
      fabrikam.updateAccount(ids[i] ?? '', { revenue: 42, statecode: 1 });
    }
    for (const i of [30, 5005, 5200, 5298]) fabrikam.deleteAccount(ids[i] ?? '');

    const delta = await syncOnce(runtime, 'fabrikam');
    expect(delta.results).toEqual([
      expect.objectContaining({
        outcome: 'synced',
        roundKind: 'delta',
        generation: fullGeneration,
        pages: 1,
        rows: 16,
        created: 5,
        updated: 7,
        deleted: 4,
        skipped: 0,
        checkpointMoved: true,
      }),
    ]);
    expect(await sync.tableDiff('fabrikam', 'mirrorFull')).toEqual(NO_DIFFERENCE);

    // Delta 2: a fresh row updated, an updated row deleted, a row created and deleted before
    // the poll (Dataverse lists it only as a deletion: nothing to delete in the mirror), and
    // one row updated twice (one upsert, the newest version).
    fabrikam.updateAccount(created[0] ?? '', { accountnumber: 'ACC-NEW-0' });
    fabrikam.deleteAccount(ids[10] ?? '');
    fabrikam.deleteAccount(fabrikam.createAccount({ name: 'Short-lived' }));
    fabrikam.updateAccount(ids[100] ?? '', { name: 'First' });
    fabrikam.updateAccount(ids[100] ?? '', { name: 'Second' });

    const delta2 = await syncOnce(runtime, 'fabrikam');
    expect(delta2.results).toEqual([
      expect.objectContaining({
        outcome: 'synced',
        roundKind: 'delta',
        created: 0,
        updated: 2,
        deleted: 1,
        skipped: 1,
      }),
    ]);
    expect(await sync.tableDiff('fabrikam', 'mirrorFull')).toEqual(NO_DIFFERENCE);

    const idle = await syncOnce(runtime, 'fabrikam');
    expect(idle.results).toEqual([
      expect.objectContaining({ outcome: 'synced', roundKind: 'delta', rows: 0, pages: 1 }),
    ]);
    expect(await sync.tableDiff('fabrikam', 'mirrorFull')).toEqual(NO_DIFFERENCE);
    const summaries = sync.visible
      .logLines()
      .filter((line) => line.startsWith('info: sync fabrikam/account: synced'));
    expect(summaries).toHaveLength(4);
  });
});

describe('expired delta token', () => {
  it('resyncs in full and the mirror loses exactly the rows deleted while away', async () => {
    const runtime = await sync.runtime({ SYNC_TABLE_PREFIX: 'mirrorExpiry' });
    const expiry = sync.environment('expiry');
    expect((await syncOnce(runtime, 'expiry')).results[0]).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      created: 300,
    });

    const ids = liveIds('expiry');
    const deleted = ids.slice(0, 10);
    for (const id of deleted) expiry.deleteAccount(id);
    for (const id of ids.slice(100, 110)) expiry.updateAccount(id, { name: 'Updated while away' });
    const created = [expiry.createAccount({ name: 'Created while away' })];
    expiry.expireChangeTokens();
    const logsBefore = sync.visible.logLines().length;

    const resync = await syncOnce(runtime, 'expiry');
    expect(resync.results).toEqual([
      expect.objectContaining({
        outcome: 'synced',
        roundKind: 'full',
        expiredTokenRecovered: true,
        created: 1,
        updated: 10,
        deleted: 0,
        // Unchanged rows: refreshed with the new generation mark, counted as skipped.
        skipped: 280,
        swept: 10,
        checkpointMoved: true,
      }),
    ]);
    expect(await sync.tableDiff('expiry', 'mirrorExpiry')).toEqual(NO_DIFFERENCE);
    const mirror = sync.storage('mirrorExpiry').table;
    for (const id of deleted) {
      await expect(mirror.getEntity('expiry', id.toLowerCase())).rejects.toMatchObject({
        statusCode: 404,
      });
    }
    await expect(
      mirror.getEntity('expiry', (created[0] ?? '').toLowerCase()),
    ).resolves.toMatchObject({ name: 'Created while away' });
    const logged = sync.visible.logLines().slice(logsBefore);
    expect(logged.some((line) => line.includes('full resync: the delta token expired'))).toBe(true);
    expect(await sync.checkpoint('expiry')).toMatchObject({
      generation: resync.results[0]?.generation,
      round: undefined,
      lastResync: { reason: expect.stringMatching(/the delta token expired/) as unknown },
    });

    // The new token works: the next run is a delta again.
    expiry.updateAccount(ids[200] ?? '', { name: 'After the resync' });
    expect((await syncOnce(runtime, 'expiry')).results[0]).toMatchObject({
      outcome: 'synced',
      roundKind: 'delta',
      updated: 1,
      expiredTokenRecovered: false,
    });
    expect(await sync.tableDiff('expiry', 'mirrorExpiry')).toEqual(NO_DIFFERENCE);
  });
});

describe('two runs of one environment at once', () => {
  /**
   * Hooks that keep the run holding the lease busy until the other run has finished, so the
   * outcome does not depend on timing. If both got the lease (the bug this guards against),
   * neither would finish: the wait is bounded so the test fails instead of hanging.
   */
  function waitFor(other: () => Promise<unknown>): SyncHooks {
    return {
      afterFetch: async () => {
        await Promise.race([other(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      },
    };
  }

  for (const [name, table, runtimes] of [
    ['one runtime, two concurrent runs', 'mirrorLocked', 1],
    ['two runtimes (two hosts), one run each', 'mirrorTwoHosts', 2],
  ] as const) {
    it(`${name}: one syncs, the other is skipped-locked, the mirror is exact`, async () => {
      const environment = runtimes === 1 ? 'locked' : 'twohosts';
      const first = await sync.runtime({ SYNC_TABLE_PREFIX: table });
      const second = runtimes === 1 ? first : await sync.runtime({ SYNC_TABLE_PREFIX: table });
      let runA: Promise<unknown> = Promise.resolve();
      let runB: Promise<unknown> = Promise.resolve();
      runA = syncOnce(
        first,
        environment,
        waitFor(() => runB),
      );
      runB = syncOnce(
        second,
        environment,
        waitFor(() => runA),
      );
      const reports = (await Promise.all([runA, runB])) as Awaited<ReturnType<typeof syncOnce>>[];

      const outcomes = reports.map((report) => report.results[0]?.outcome).sort();
      expect(outcomes).toEqual(['skipped-locked', 'synced']);
      expect(reports.every((report) => !report.anyFailed)).toBe(true);
      expect(await sync.tableDiff(environment, table)).toEqual(NO_DIFFERENCE);
      expect(
        sync.visible
          .logLines()
          .filter((line) =>
            line.includes(`sync ${environment}/account: another run holds the lease`),
          ),
      ).toHaveLength(1);

      // The lease was released: the next run gets it and runs a delta.
      sync.environment(environment).createAccount({ name: 'After the race' });
      expect((await syncOnce(second, environment)).results[0]).toMatchObject({
        outcome: 'synced',
        roundKind: 'delta',
        created: 1,
      });
      expect(await sync.tableDiff(environment, table)).toEqual(NO_DIFFERENCE);
    });
  }
});

describe('secrets', () => {
  it('no planted or issued secret appears in any log line of this file', () => {
    expect(sync.visible.texts.length).toBeGreaterThan(0);
    expect(sync.leaks()).toEqual([]);
  });
});
