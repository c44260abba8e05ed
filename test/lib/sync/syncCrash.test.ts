import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { syncTable } from '../../../src/lib/sync/syncTable';
import { type MirrorTable, TableSink } from '../../../src/lib/sync/tableSink';
import type { SyncHooks, SyncSink } from '../../../src/lib/sync/types';
import { FakeAccountSource, seededRandom } from './fakeSource';
import {
  newEnvironment,
  readTableMirror,
  sorted,
  startStorageHarness,
  type StorageHarness,
  syncDeps,
  webhookSink,
  withoutNulls,
} from './harness';
import { WebhookReceiver } from './webhookReceiver';

/**
 * "Kill" = an exception thrown at that point. After it the engine only records lastError on
 * the last *persisted* checkpoint and releases the lease, which cannot move the position, so
 * the next run sees what it would see after a real crash (minus waiting out the lease).
 */
class SimulatedCrash extends Error {}

let harness: StorageHarness;
let receiver: WebhookReceiver;
let webhookUrl: string;
beforeAll(async () => {
  harness = await startStorageHarness();
  receiver = new WebhookReceiver();
  webhookUrl = await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await harness.dispose();
});

type Target = 'table' | 'http';
const PAGE_SIZE = 120; // > 100: a table page takes two transactions, so a crash can split it

/** A mirror table whose transactions fail after `okTransactions` have gone through. */
function crashingTable(okTransactions: number): MirrorTable {
  const table = harness.storage.table('accounts');
  let calls = 0;
  return {
    tableName: table.tableName,
    createTable: (...args) => table.createTable(...args),
    getEntity: (...args) => table.getEntity(...args),
    listEntities: (...args) => table.listEntities(...args),
    submitTransaction: async (...args) => {
      calls += 1;
      if (calls > okTransactions) throw new SimulatedCrash('killed mid-write');
      return await table.submitTransaction(...args);
    },
  };
}

/** An http sink whose delivery reaches the receiver but whose answer is "lost". */
function losingAnswers(sink: SyncSink, okPages: number): SyncSink {
  let pages = 0;
  return {
    description: sink.description,
    destination: sink.destination,
    sweep: (...args) => sink.sweep(...args),
    applyPage: async (page, signal) => {
      const result = await sink.applyPage(page, signal);
      pages += 1;
      if (pages > okPages) throw new SimulatedCrash('killed after delivery, before the answer');
      return result;
    },
  };
}

/** One run with a crash drawn from `random` (or none). */
function plannedRun(
  random: () => number,
  target: Target,
  source: FakeAccountSource,
): { sink: SyncSink; hooks: SyncHooks } {
  const at = Math.floor(random() * 4);
  const kind = Math.floor(random() * 5);
  let fetched = 0;
  const crashOn = (n: number): void => {
    if (n === at) throw new SimulatedCrash(`killed at page ${n}`);
  };
  const hooks: SyncHooks = {
    afterFetch: () => {
      fetched += 1;
      if (random() < 0.2) source.mutate(3); // changes while a round is running
      if (kind === 0) crashOn(fetched - 1);
    },
    afterSinkWrite: () => {
      if (kind === 1) crashOn(fetched - 1);
    },
    beforeCheckpoint: () => {
      if (kind === 2) crashOn(fetched - 1);
    },
  };
  const sink =
    target === 'table'
      ? new TableSink(kind === 3 ? crashingTable(at * 2 + 1) : harness.storage.table('accounts'))
      : kind === 3
        ? losingAnswers(webhookSink({ url: webhookUrl }), at)
        : webhookSink({ url: webhookUrl });
  return { sink, hooks }; // kind 4: no crash
}

async function mirrorOf(target: Target, environment: string) {
  return target === 'table'
    ? await readTableMirror(harness.storage.table('accounts'), environment)
    : receiver.mirror(environment);
}

async function crashScenario(seed: number, target: Target): Promise<void> {
  const random = seededRandom(seed);
  const source = new FakeAccountSource(seededRandom(seed * 31));
  source.seed(300);
  const environment = newEnvironment(`crash-${target}-${String(seed)}`);
  for (let step = 0; step < 4; step += 1) {
    if (step > 0) source.mutate(80);
    if (step === 3) source.expireTokens();
    let synced = false;
    for (let attempt = 0; attempt < 25 && !synced; attempt += 1) {
      const { sink, hooks } = plannedRun(random, target, source);
      const result = await syncTable(
        syncDeps(harness, source, environment, sink, {
          hooks,
          options: { pageSize: PAGE_SIZE },
        }),
      );
      if (result.outcome !== 'synced') {
        expect(result.outcome).toBe('failed');
        expect(result.error).toContain('killed');
      }
      synced = result.outcome === 'synced';
    }
    expect(synced).toBe(true);
    // Changes made while the last round ran arrive with the next round (its deltaLink holds
    // the version the round started at): one quiet run, then the mirror must match exactly.
    const settle = await syncTable(syncDeps(harness, source, environment, plainSink(target)));
    expect(settle.outcome).toBe('synced');
    const expected = target === 'table' ? withoutNulls(source.snapshot()) : source.snapshot();
    expect(sorted(await mirrorOf(target, environment))).toEqual(sorted(expected));
  }
}

function plainSink(target: Target): SyncSink {
  return target === 'table'
    ? new TableSink(harness.storage.table('accounts'))
    : webhookSink({ url: webhookUrl });
}

describe('crash safety: killed at random points, the next runs converge on the source', () => {
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('table target, seed %i', async (seed) => {
    await crashScenario(seed, 'table');
  });

  it.each(Array.from({ length: 8 }, (_, i) => i + 101))('http target, seed %i', async (seed) => {
    await crashScenario(seed, 'http');
  });
});
