import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ChangePage, DataverseClient } from '../../../src/lib/dataverse';
import { runSyncJobs } from '../../../src/lib/sync/runSyncJobs';
import { syncTable } from '../../../src/lib/sync/syncTable';
import type { LeaseProvider } from '../../../src/lib/sync/types';
import { FakeAccountSource, seededRandom } from './fakeSource';
import {
  accountJob,
  captureLogger,
  newEnvironment,
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

/** A client whose change pages are `pages` (a seam for links Dataverse should never send). */
function clientServing(environment: string, pages: readonly ChangePage[]): DataverseClient {
  const real = new FakeAccountSource(seededRandom(3)).client(environment);
  return {
    ...real,
    environment: real.environment,
    changePages: async function* () {
      for (const page of pages) yield await Promise.resolve(page);
    },
  };
}

describe('controls of the engine', () => {
  it('never persists a paging link that carries a credential: the run fails, the checkpoint keeps none', async () => {
    const environment = newEnvironment('credential-link');
    const leaky = `https://fake.crm.dynamics.com/api/data/v9.2/accounts?$skiptoken=2&sig=c2VjcmV0LXNpZ25hdHVyZQ`;
    const result = await syncTable({
      ...syncDeps(harness, new FakeAccountSource(seededRandom(4)), environment, tableSink(harness)),
      client: clientServing(environment, [
        { upserts: [], deletes: [], nextLink: leaky, deltaLink: undefined },
      ]),
    });
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/A paging link carries a credential and will not be persisted/);
    const stored = await harness.checkpoints.read(accountJob(environment));
    expect(JSON.stringify(stored?.checkpoint)).not.toContain('sig=');
  });

  it('syncs 4 jobs at a time by default', async () => {
    let active = 0;
    let peak = 0;
    const leases: LeaseProvider = {
      async tryAcquire() {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 30));
        active -= 1;
        return undefined; // held elsewhere: the job is skipped
      },
    };
    const logger = captureLogger();
    const jobs = Array.from({ length: 9 }, (_, i) => {
      const source = new FakeAccountSource(seededRandom(i));
      return syncDeps(harness, source, `env-${String(i)}`, tableSink(harness), { leases, logger });
    });
    const report = await runSyncJobs(jobs, logger);
    expect(report.results.map((r) => r.outcome)).toEqual(Array(9).fill('skipped-locked'));
    expect(peak).toBe(4);
    expect(report.anyFailed).toBe(false);
    expect(report.failureSummary).toBeUndefined();
  });
});
