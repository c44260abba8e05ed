import type { SimFault } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Runtime } from '../../../src/lib/runtime';
import { type SyncCheckpoint, syncTable } from '../../../src/lib/sync';
import { choiceLabels, expectedRow, NO_DIFFERENCE, readTableMirror } from './mirror';
import { DEFAULT_SYNC_COLUMNS, startSyncBed, type SyncBed } from './syncBed';

/**
 * Transient Dataverse trouble through the real client, during a full load and during a delta:
 * each service-protection 429, a 503 burst and dropped connections are absorbed (no change
 * lost, 429 waits reported in the summary). A fault that outlasts the retries fails the run
 * without moving the checkpoint past what the mirror holds, and the next run converges.
 */
const TABLE = 'mirrorFaults';

const TRANSIENT_FAULTS: readonly { name: string; fault: SimFault; status: string }[] = [
  {
    name: 'throttle-concurrency',
    fault: { kind: 'throttle', code: 'concurrency', retryAfterSeconds: 1, count: 2 },
    status: '429',
  },
  {
    name: 'throttle-requests',
    fault: { kind: 'throttle', code: 'requests', retryAfterSeconds: 1, count: 2 },
    status: '429',
  },
  {
    name: 'throttle-exectime',
    fault: { kind: 'throttle', code: 'executionTime', retryAfterSeconds: 1, count: 2 },
    status: '429',
  },
  { name: 'server-503', fault: { kind: 'serverError', status: 503, count: 3 }, status: '503' },
  { name: 'dropped', fault: { kind: 'dropConnection', count: 2 }, status: '0' },
];

let sync: SyncBed;
let runtime: Runtime;

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      ...TRANSIENT_FAULTS.map(({ name }, i) => ({ name, accounts: { count: 300, seed: 20 + i } })),
      { name: 'exhaust', accounts: { count: 1000, seed: 30 } },
    ],
  });
  runtime = await sync.runtime({ SYNC_TABLE_PREFIX: TABLE });
});

afterAll(async () => {
  await sync.stop();
});

function syncOnce(environment: string) {
  return runtime.sync.run({ logger: sync.logger, environmentNames: [environment] });
}

function faultOnAccounts(fault: SimFault): SimFault {
  return { ...fault, route: 'accounts' };
}

// Each case has its own environment and waits mostly on timers: run them side by side.
describe.concurrent('transient faults are absorbed by the real client', () => {
  for (const { name, fault, status } of TRANSIENT_FAULTS) {
    it(`${name}: full load and delta both converge; nothing lost`, async ({ expect }) => {
      const environment = sync.environment(name);
      const throttled = fault.kind === 'throttle';
      for (const phase of ['full', 'delta'] as const) {
        if (phase === 'delta') {
          const ids = [...environment.allAccounts()].map((row) => row.accountid);
          environment.createAccount({ name: `created in ${name}` });
          environment.updateAccount(ids[1] ?? '', { name: 'updated', revenue: 7 });
          environment.deleteAccount(ids[2] ?? '');
        }
        environment.resetStats();
        environment.injectFault(faultOnAccounts(fault));

        const report = await syncOnce(name);

        expect(report.anyFailed).toBe(false);
        expect(report.results[0]).toMatchObject({
          outcome: 'synced',
          roundKind: phase,
          checkpointMoved: true,
          throttledResponses: throttled ? 2 : 0,
          throttledWaitInMs: throttled ? 2000 : 0,
          ...(phase === 'full'
            ? { created: 300 }
            : { created: 1, updated: 1, deleted: 1, skipped: 0 }),
        });
        expect(environment.requestCounts()[`accounts ${status}`]).toBe(fault.count);
        expect(environment.requestCounts()['accounts 200']).toBe(1);
        expect(await sync.tableDiff(name, TABLE)).toEqual(NO_DIFFERENCE);
        const checkpoint = await sync.checkpoint(name);
        expect(checkpoint?.round).toBeUndefined();
        expect(checkpoint?.lastError).toBeUndefined();
      }
      if (throttled) {
        const summaries = sync.visible
          .logLines()
          .filter((line) => line.startsWith(`info: sync ${name}/account: synced`));
        expect(summaries).toHaveLength(2);
        for (const line of summaries) expect(line).toContain('throttled 2 times, waited 2000 ms');
      }
    });
  }
});

describe('a fault that outlasts the retries', () => {
  const PAGE_SIZE = 100;
  const ROWS = 1000;

  it('fails the run with the checkpoint at the last applied page; the next runs converge', async () => {
    const exhaust = sync.environment('exhaust');
    const client = sync.fastRetryClient(runtime, 'exhaust', 2);
    const sink = sync.tableSink(TABLE);
    const table = sync.storage(TABLE).table;
    const sourceOrder = [...exhaust.allAccounts()];
    const labels = choiceLabels(exhaust.table('account').definition());
    const applied: number[] = [];
    const aheadOfMirror: string[] = [];
    /** Every checkpoint about to be written: the rows before its position are in the mirror. */
    const checkNotAhead = async (checkpoint: SyncCheckpoint): Promise<void> => {
      const rowsDone = checkpoint.round?.rowsDone;
      if (rowsDone === undefined || rowsDone === 0 || checkpoint.round?.kind !== 'full') return;
      const mirror = await readTableMirror(table, 'exhaust');
      const missing = sourceOrder.slice(0, rowsDone).filter((row) => {
        const mirrored = mirror.get(row.accountid.toLowerCase());
        return mirrored?.versionnumber === undefined;
      });
      if (missing.length > 0)
        aheadOfMirror.push(`rowsDone ${String(rowsDone)}: ${String(missing.length)} missing`);
    };
    const run = () =>
      syncTable(
        sync.engineDeps(client, sink, {
          options: { pageSize: PAGE_SIZE },
          hooks: {
            afterSinkWrite: ({ sequence }) => {
              applied.push(sequence);
              // The next page is already prefetched; the one after it meets the outage.
              if (sequence === 3)
                exhaust.injectFault({
                  kind: 'serverError',
                  status: 503,
                  count: 50,
                  route: 'accounts',
                });
            },
            beforeCheckpoint: checkNotAhead,
          },
        }),
      );

    const failed = await run();
    expect(failed).toMatchObject({ outcome: 'failed', roundKind: 'full', checkpointMoved: true });
    expect(failed.error).toContain('503');
    const stopped = await sync.checkpoint('exhaust');
    expect(stopped?.deltaLink).toBeUndefined();
    expect(stopped?.lastError).toContain('503');
    // Exactly at the last applied page: not ahead (no loss), not behind (no needless replay).
    expect(stopped?.round).toMatchObject({
      kind: 'full',
      pagesDone: applied.length,
      rowsDone: applied.length * PAGE_SIZE,
    });
    expect(applied.length).toBeGreaterThanOrEqual(4);
    expect(applied.length).toBeLessThan(ROWS / PAGE_SIZE);
    const partial = await readTableMirror(table, 'exhaust');
    expect(partial.size).toBe(applied.length * PAGE_SIZE);
    for (const row of sourceOrder.slice(0, applied.length * PAGE_SIZE)) {
      expect(partial.get(row.accountid.toLowerCase())).toEqual(
        expectedRow(row, DEFAULT_SYNC_COLUMNS, 'omit', labels),
      );
    }

    // Dataverse recovers; meanwhile rows change on both sides of the stopped position.
    exhaust.clearFaults();
    exhaust.deleteAccount(sourceOrder[10]?.accountid ?? '');
    exhaust.updateAccount(sourceOrder[20]?.accountid ?? '', { name: 'changed behind' });
    exhaust.updateAccount(sourceOrder[950]?.accountid ?? '', { name: 'changed ahead' });
    exhaust.createAccount({ name: 'created during the outage' });
    const pagesBefore = applied.length;

    const resumed = await run();
    // The same round, resumed: the generation it reserved before the outage.
    expect(resumed).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      generation: stopped?.round?.generation,
    });
    // It continues at the stopped position: the rows after it plus the one created (at the end).
    const remainingRows = ROWS - pagesBefore * PAGE_SIZE + 1;
    expect(resumed.pages).toBe(Math.ceil(remainingRows / PAGE_SIZE));
    expect(resumed.rows).toBe(remainingRows);
    // Changes behind the resumed position come with the next delta (the full round's
    // deltaLink starts at the round's start version): exactly those two rows differ now.
    const afterResume = await sync.tableDiff('exhaust', TABLE);
    expect(afterResume).toMatchObject({ missing: 0, extra: 1, changed: 1 });

    const delta = await run();
    expect(delta).toMatchObject({ outcome: 'synced', roundKind: 'delta' });
    expect(await sync.tableDiff('exhaust', TABLE)).toEqual(NO_DIFFERENCE);
    expect(aheadOfMirror).toEqual([]);
    expect((await sync.checkpoint('exhaust'))?.lastError).toBeUndefined();

    // The same outage during a delta: the run fails, the position does not move at all.
    const before = await sync.checkpoint('exhaust');
    exhaust.updateAccount(sourceOrder[30]?.accountid ?? '', { name: 'during delta outage' });
    exhaust.injectFault({ kind: 'serverError', status: 503, count: 50, route: 'accounts' });
    const failedDelta = await syncTable(
      sync.engineDeps(client, sink, {
        options: { pageSize: PAGE_SIZE },
      }),
    );
    expect(failedDelta).toMatchObject({ outcome: 'failed', checkpointMoved: false });
    const unmoved = await sync.checkpoint('exhaust');
    expect(unmoved?.deltaLink).toBe(before?.deltaLink);
    expect(unmoved?.round).toBeUndefined();
    expect(unmoved?.lastError).toContain('503');

    exhaust.clearFaults();
    expect((await run()).outcome).toBe('synced');
    expect(await sync.tableDiff('exhaust', TABLE)).toEqual(NO_DIFFERENCE);
    expect((await sync.checkpoint('exhaust'))?.lastError).toBeUndefined();
  });
});

describe('secrets', () => {
  it('no planted or issued secret appears in any log line of this file', () => {
    expect(sync.leaks()).toEqual([]);
  });
});
