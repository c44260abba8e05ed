import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BlobLeaseProvider, lockBlobName } from '../../../src/lib/sync/blobLease';
import { checkpointBlobName } from '../../../src/lib/sync/checkpointStore';
import { runSyncJobs } from '../../../src/lib/sync/runSyncJobs';
import { syncTable } from '../../../src/lib/sync/syncTable';
import { TableTarget } from '../../../src/lib/sync/tableTarget';
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

describe('time budget', () => {
  it('pauses at page boundaries and resumes with no gap and no duplicate', async () => {
    const source = new FakeAccountSource(seededRandom(31));
    source.seed(230);
    const environment = newEnvironment('budget');
    let clock = 0;
    const totals = { created: 0, updated: 0, skipped: 0, runs: 0 };
    for (;;) {
      const result = await syncTable(
        syncDeps(harness, source, environment, tableSink(harness), {
          now: () => clock,
          hooks: { afterSinkWrite: () => void (clock += 1000) },
          options: { pageSize: 25, maxRunSeconds: 4 },
        }),
      );
      totals.runs += 1;
      totals.created += result.created;
      totals.updated += result.updated;
      totals.skipped += result.skipped;
      expect(result.checkpointMoved).toBe(true);
      if (result.outcome === 'synced') break;
      expect(result.outcome).toBe('paused');
      expect(result.pages).toBe(4);
    }
    expect(totals).toEqual({ created: 230, updated: 0, skipped: 0, runs: 3 });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });
});

describe('storage outage', () => {
  it('fails clearly mid-run, keeps the checkpoint behind the mirror, and converges once storage is back', async () => {
    const source = new FakeAccountSource(seededRandom(32));
    source.seed(300);
    const environment = newEnvironment('outage');
    let fetched = 0;
    const failed = await syncTable(
      syncDeps(harness, source, environment, tableSink(harness), {
        hooks: {
          afterFetch: async () => {
            fetched += 1;
            if (fetched === 5) await harness.azurite.stop();
          },
        },
      }),
    );
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/Storage request failed/);
    expect(failed.pages).toBe(4);

    await harness.azurite.restart();
    // The failed run could not release its lease while storage was down; breaking it stands
    // for waiting out its 60 s expiry.
    await harness.storage.container
      .getBlobClient(lockBlobName(accountJob(environment)))
      .getBlobLeaseClient()
      .breakLease(0);

    const stored = await harness.checkpoints.read(accountJob(environment));
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    const done = stored?.checkpoint.round?.rowsDone ?? 0;
    expect(done).toBeGreaterThan(0);
    // Not ahead of the target: every row the checkpoint claims is in the mirror.
    const claimed = [...source.snapshot().keys()].sort().slice(0, done);
    expect(claimed.every((id) => mirror.has(id))).toBe(true);

    const next = await syncTable(syncDeps(harness, source, environment, tableSink(harness)));
    expect(next).toMatchObject({ outcome: 'synced', roundKind: 'full', checkpointMoved: true });
    await expectTableMirrorEqualsSource(harness, source, environment);
  });
});

describe('lease', () => {
  it('lets one of two simultaneous runs sync and the other skip', async () => {
    const source = new FakeAccountSource(seededRandom(33));
    source.seed(80);
    const environment = newEnvironment('twice');
    const logger = captureLogger();
    let releaseFirst: () => void = () => undefined;
    const firstDone = new Promise<void>((resolve) => (releaseFirst = resolve));
    // Whichever run gets the lease waits (holding it) until the other one has finished.
    const hold = { afterFetch: () => firstDone };
    const runs = [0, 1].map(async () => {
      const result = await syncTable(
        syncDeps(harness, source, environment, tableSink(harness), { hooks: hold, logger }),
      );
      releaseFirst();
      return result;
    });
    const outcomes = (await Promise.all(runs)).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['skipped-locked', 'synced']);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^info sync ${accountJob(environment)}: another run holds the lease \\(held by .+\\); it expires by .+ if that run has stopped\\. Skipping this table\\.$`,
        ),
      ),
    );
    await expectTableMirrorEqualsSource(harness, source, environment);
  });

  it('stops the run when the lease is lost, so two runs never write at once', async () => {
    const source = new FakeAccountSource(seededRandom(34));
    source.seed(100);
    const environment = newEnvironment('lost');
    const logger = captureLogger();
    const leases = new BlobLeaseProvider(harness.storage.container, {
      logger,
      leaseDurationInSeconds: 15,
      renewEveryInMs: 30,
    });
    let fetched = 0;
    const result = await syncTable(
      syncDeps(harness, source, environment, tableSink(harness), {
        leases,
        logger,
        hooks: {
          afterFetch: async () => {
            fetched += 1;
            if (fetched !== 2) return;
            // Someone (an operator, a second host after expiry) takes the lock away.
            await harness.storage.container
              .getBlobClient(lockBlobName(accountJob(environment)))
              .getBlobLeaseClient()
              .breakLease(0);
            await new Promise((resolve) => setTimeout(resolve, 200)); // let a renewal fail
          },
        },
      }),
    );
    expect(result.outcome).toBe('failed');
    expect(result.error).toContain('lease was lost');
    expect(result.pages).toBe(1);
    const stored = await harness.checkpoints.read(accountJob(environment));
    expect(stored?.checkpoint.round?.pagesDone).toBe(1);
    expect(stored?.checkpoint.lastError).toBeUndefined(); // a run without the lease writes nothing
  });
});

describe('fencing', () => {
  /** Takes the lock away as an operator, or a second host after expiry, would. */
  const breakLock = async (environment: string): Promise<void> => {
    await harness.storage.container
      .getBlobClient(lockBlobName(accountJob(environment)))
      .getBlobLeaseClient()
      .breakLease(0);
  };

  it('checks the lease before each page: a page fetched after the lease was lost is never written', async () => {
    const source = new FakeAccountSource(seededRandom(35));
    source.seed(100);
    const environment = newEnvironment('fenced');
    const logger = captureLogger();
    let fetched = 0;
    const result = await syncTable(
      syncDeps(harness, source, environment, tableSink(harness), {
        logger,
        // The default renewal (every 20 s) would only notice long after this run ends.
        leases: new BlobLeaseProvider(harness.storage.container, { logger }),
        hooks: {
          afterFetch: async () => {
            fetched += 1;
            if (fetched === 2) await breakLock(environment);
          },
        },
      }),
    );
    expect(result).toMatchObject({ outcome: 'failed', pages: 1 });
    expect(result.error).toMatch(/lease/i);
    const mirror = await readTableMirror(harness.storage.table('accounts'), environment);
    expect(mirror.size).toBe(25);
    const stored = await harness.checkpoints.read(accountJob(environment));
    expect(stored?.checkpoint.round?.pagesDone).toBe(1);
  });

  it('checks the lease before the sweep: a run that lost it removes nothing', async () => {
    const source = new FakeAccountSource(seededRandom(36));
    source.seed(50);
    const environment = newEnvironment('fenced-sweep');
    const logger = captureLogger();
    const sink = tableSink(harness);
    await syncTable(syncDeps(harness, source, environment, sink));
    for (const id of source.ids().slice(0, 5)) source.delete(id);
    source.expireTokens();
    let written = 0;
    const result = await syncTable(
      syncDeps(harness, source, environment, sink, {
        logger,
        leases: new BlobLeaseProvider(harness.storage.container, { logger }),
        hooks: {
          afterSinkWrite: async () => {
            written += 1;
            if (written === 2) await breakLock(environment); // the last page of the round
          },
        },
      }),
    );
    expect(result).toMatchObject({ outcome: 'failed', swept: 0 });
    expect((await readTableMirror(harness.storage.table('accounts'), environment)).size).toBe(50);
  });
});

describe('runSyncJobs', () => {
  it('syncs every job and reports a failing one without stopping the others', async () => {
    const sources = [31, 32, 33].map((seed) => {
      const source = new FakeAccountSource(seededRandom(seed));
      source.seed(40);
      return source;
    });
    const names = sources.map((_, i) => newEnvironment(`multi${String(i)}`));
    const logger = captureLogger();
    const jobs = sources.map((source, i) =>
      syncDeps(harness, source, names[i]!, tableSink(harness), { logger }),
    );
    const broken = jobs[1]!;
    jobs[1] = {
      ...broken,
      client: {
        ...broken.client,
        changePages: () => ({
          [Symbol.asyncIterator]: () => ({
            next: () => Promise.reject(new Error('Dataverse unreachable')),
          }),
        }),
      },
    };
    const report = await runSyncJobs(jobs, logger, 2);
    expect(report.anyFailed).toBe(true);
    expect(report.results.map((r) => [r.environment, r.table, r.outcome])).toEqual([
      [names[0], 'account', 'synced'],
      [names[1], 'account', 'failed'],
      [names[2], 'account', 'synced'],
    ]);
    expect(report.results[1]?.error).toContain('Dataverse unreachable');
    expect(report.failureSummary).toMatch(
      new RegExp(
        `^Sync failed for 1 of 3 table\\(s\\): ${accountJob(names[1]!)}: failed — .*Dataverse unreachable`,
      ),
    );
    await expectTableMirrorEqualsSource(harness, sources[0]!, names[0]!);
    await expectTableMirrorEqualsSource(harness, sources[2]!, names[2]!);
  });

  it('runs two tables of one environment as separate jobs: own lease, checkpoint and mirror table', async () => {
    const source = new FakeAccountSource(seededRandom(37));
    source.seed(30);
    const environment = newEnvironment('two-tables');
    const logger = captureLogger();
    const target = new TableTarget((name) => harness.storage.table(name), 'two');
    // A second table with the account's columns: the fake source serves its rows for any set.
    const copy = { ...accountTable(), logicalName: 'account_copy' };
    const base = syncDeps(harness, source, environment, tableSink(harness), { logger, target });
    const holdBoth = {
      afterFetch: () => new Promise<void>((resolve) => setTimeout(resolve, 20)),
    };
    const report = await runSyncJobs(
      [
        { ...base, hooks: holdBoth },
        {
          ...base,
          table: 'account_copy',
          describeTable: () => Promise.resolve(copy),
          hooks: holdBoth,
        },
      ],
      logger,
    );
    // Both ran at once: a lease per table, not per environment.
    expect(report.results.map((r) => [r.table, r.outcome, r.roundKind])).toEqual([
      ['account', 'synced', 'full'],
      ['account_copy', 'synced', 'full'],
    ]);
    for (const table of ['account', 'account_copy']) {
      const key = `${environment}/${table}`;
      expect((await harness.checkpoints.read(key))?.checkpoint.deltaLink).toBeDefined();
      expect(checkpointBlobName(key)).toBe(`checkpoints/${environment}/${table}.json`);
      expect(lockBlobName(key)).toBe(`locks/${environment}/${table}`);
    }
    expect(target.tableName('account_copy')).toBe('twoaccountcopy');
    for (const name of ['twoaccount', 'twoaccountcopy']) {
      const mirror = await readTableMirror(harness.storage.table(name), environment);
      expect(sorted(mirror)).toEqual(sorted(withoutNulls(source.snapshot())));
    }
  });
});
