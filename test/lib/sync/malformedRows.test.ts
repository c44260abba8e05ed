import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ChangePage, DataverseClient } from '../../../src/lib/dataverse';
import { syncTable } from '../../../src/lib/sync/syncTable';
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
} from './harness';

let harness: StorageHarness;
beforeAll(async () => {
  harness = await startStorageHarness();
  await harness.storage.table('accounts').createTable();
});
afterAll(async () => {
  await harness.dispose();
});

const ROOT = 'https://fake.crm.dynamics.com/api/data/v9.2/';

/** The fake source's client, with one page replaced: a seam for rows Dataverse should never send. */
function clientServing(environment: string, page: ChangePage): DataverseClient {
  const real = new FakeAccountSource(seededRandom(1)).client(environment);
  return {
    ...real,
    environment: real.environment,
    changePages: async function* () {
      yield await Promise.resolve(page);
    },
  };
}

const good = {
  '@odata.etag': 'W/"5"',
  accountid: '00000000-0000-4000-8000-000000000001',
  name: 'ok',
};

describe('a page with a row the sync cannot guard', () => {
  it.each([
    [
      'no accountid',
      { '@odata.etag': 'W/"6"', name: 'no id' },
      /row 2 of the page .*has no accountid/,
    ],
    [
      'no exact versionnumber',
      { accountid: '00000000-0000-4000-8000-000000000002', versionnumber: 1.5e20, name: 'inexact' },
      /row 2 of the page \(accountid 00000000-0000-4000-8000-000000000002\) has no exact versionnumber/,
    ],
  ])(
    'fails the page (%s), naming the row and the rule, and the checkpoint stays',
    async (_l, bad, error) => {
      const environment = newEnvironment('malformed');
      const logger = captureLogger();
      const page: ChangePage = {
        upserts: [good, bad],
        deletes: [],
        nextLink: undefined,
        deltaLink: `${ROOT}accounts?$deltatoken=2`,
      };
      const result = await syncTable({
        ...syncDeps(
          harness,
          new FakeAccountSource(seededRandom(2)),
          environment,
          tableSink(harness),
          { logger },
        ),
        client: clientServing(environment, page),
      });
      expect(result.outcome).toBe('failed');
      expect(result.error).toMatch(error);
      // Nothing of the page was applied: the good row too waits for the page to be fixed.
      expect((await readTableMirror(harness.storage.table('accounts'), environment)).size).toBe(0);
      const stored = await harness.checkpoints.read(accountJob(environment));
      // The position did not move past the page (only the full round's generation was reserved).
      expect(stored?.checkpoint.deltaLink).toBeUndefined();
      expect(stored?.checkpoint.round?.nextLink).toBeUndefined();
      expect(stored?.checkpoint.lastError).toMatch(error);
    },
  );
});
