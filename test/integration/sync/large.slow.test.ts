import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { WebhookReceiver } from '../../lib/sync/webhookReceiver';
import {
  choiceLabels,
  expectedMirror,
  expectedRow,
  mirrorDiff,
  NO_DIFFERENCE,
  plainValue,
} from './mirror';
import { DEFAULT_SYNC_COLUMNS, startSyncBed, type SyncBed } from './syncBed';

/**
 * A large full load end to end into the table target on Azurite (runtime, real client,
 * simulator, engine, Azurite). Asserts correctness only; duration, throughput and peak RSS
 * are printed as one machine-readable line (`SYNC_LARGE_RESULT {json}`), never asserted.
 *
 * Size: SYNC_LARGE_ACCOUNTS (e.g. 100000), default 20,000, which keeps the normal suite
 * under a minute on Azurite: the emulator's table store, not the sync, bounds this run
 * (the mirror is one partition per environment).
 */
const ACCOUNTS = Number(process.env.SYNC_LARGE_ACCOUNTS ?? 20_000);
/**
 * The 100,000-account end-to-end run goes to the http target: the same runtime, client,
 * simulator, engine, checkpoints and leases on Azurite, with a webhook receiver that keeps the
 * mirror in memory — so the run measures the sync, not the emulator's quadratic table store.
 */
const HTTP_ACCOUNTS = Number(process.env.SYNC_LARGE_HTTP_ACCOUNTS ?? 100_000);
const SAMPLE_EVERY = 997; // a prime, so the sample does not line up with page or batch sizes
// Generous: the run is quadratic on Azurite (see above); 100,000 needs well over 15 min.
const RUN_TIMEOUT_IN_MS = Math.max(5 * 60_000, ACCOUNTS * 30);

let sync: SyncBed;

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      { name: 'bulk', accounts: { count: ACCOUNTS, seed: 100 } },
      { name: 'bulkhttp', accounts: { count: HTTP_ACCOUNTS, seed: 101 } },
    ],
  });
});

afterAll(async () => {
  await sync.stop();
});

/** Samples process RSS every 100 ms until stopped; returns the peak in bytes. */
/** Prints one machine-readable result line (never asserted: timings are benchmarks' business). */
function printResult(target: string, rows: number, durationInMs: number, peakRss: number): void {
  console.log(
    `SYNC_LARGE_RESULT ${JSON.stringify({
      rows,
      target,
      durationMs: Math.round(durationInMs),
      rowsPerSecond: Math.round((rows * 1000) / durationInMs),
      peakRssMb: Math.round(peakRss / 2 ** 20),
    })}`,
  );
}

function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

it(
  `full load of ${String(ACCOUNTS)} accounts: every row arrives, sampled rows match exactly`,
  async () => {
    const runtime = await sync.runtime({ SYNC_TABLE_PREFIX: 'mirrorLarge' });
    // This test is about the table target; the http environment has its own test below.
    const only = { environmentNames: ['bulk'] };
    const stopSampling = sampleRss();
    const startedAt = performance.now();
    let report;
    try {
      report = await runtime.sync.run({ logger: sync.logger, ...only });
    } finally {
      printResult('table', ACCOUNTS, performance.now() - startedAt, stopSampling());
    }

    expect(report.anyFailed).toBe(false);
    expect(report.results[0]).toMatchObject({
      environment: 'bulk',
      outcome: 'synced',
      roundKind: 'full',
      pages: Math.ceil(ACCOUNTS / 5000),
      rows: ACCOUNTS,
      created: ACCOUNTS,
      skipped: 0,
    });

    const table = sync.storage('mirrorLarge').table;
    let count = 0;
    for await (const entity of table.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${'bulk'}`, select: ['RowKey'] },
    })) {
      if (typeof entity.rowKey === 'string') count += 1;
    }
    expect(count).toBe(ACCOUNTS);

    const labels = choiceLabels(sync.environment('bulk').table('account').definition());
    let position = 0;
    let sampled = 0;
    for (const row of sync.environment('bulk').allAccounts()) {
      if (position % SAMPLE_EVERY === 0) {
        const id = row.accountid.toLowerCase();
        const {
          partitionKey: _partitionKey,
          rowKey: _rowKey,
          etag: _etag,
          timestamp: _timestamp,
          syncGeneration,
          ...columns
        } = await table.getEntity('bulk', id);
        // A single-entity GET also carries `odata.metadata`: a response annotation, not a column.
        const properties = Object.fromEntries(
          Object.entries(columns)
            .filter(([name]) => !name.startsWith('odata.'))
            .map(([name, value]) => [name, plainValue(value)]),
        );
        expect(properties, `row ${id}`).toEqual(
          expectedRow(row, DEFAULT_SYNC_COLUMNS, 'omit', labels),
        );
        expect(syncGeneration).toBe(report.results[0]?.generation);
        sampled += 1;
      }
      position += 1;
    }
    expect(sampled).toBe(Math.ceil(ACCOUNTS / SAMPLE_EVERY));
    expect(sync.leaks()).toEqual([]);
  },
  RUN_TIMEOUT_IN_MS,
);

it(
  `full load of ${String(HTTP_ACCOUNTS)} accounts to the http target: the receiver's mirror equals the source`,
  async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    try {
      const runtime = await sync.runtime({
        SYNC_TARGET: 'http',
        SYNC_WEBHOOK_URL: url,
      });
      const stopSampling = sampleRss();
      const startedAt = performance.now();
      let report;
      try {
        report = await runtime.sync.run({ logger: sync.logger, environmentNames: ['bulkhttp'] });
      } finally {
        // Peak RSS of this process includes the simulator and the receiver's in-memory mirror.
        printResult('http', HTTP_ACCOUNTS, performance.now() - startedAt, stopSampling());
      }
      expect(report.anyFailed).toBe(false);
      expect(report.results[0]).toMatchObject({
        environment: 'bulkhttp',
        outcome: 'synced',
        rows: HTTP_ACCOUNTS,
        pages: Math.ceil(HTTP_ACCOUNTS / 5000),
      });
      const expected = expectedMirror(sync.environment('bulkhttp'), DEFAULT_SYNC_COLUMNS, 'keep');
      expect(mirrorDiff(expected, receiver.mirror('bulkhttp'))).toEqual(NO_DIFFERENCE);
      expect(sync.leaks()).toEqual([]);
    } finally {
      await receiver.stop();
    }
  },
  5 * 60_000,
);
