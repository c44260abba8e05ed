import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Runtime } from '../../../src/lib/runtime';
import { WebhookReceiver } from '../../lib/sync/webhookReceiver';
import { expectedMirror, mirrorDiff, NO_DIFFERENCE } from './mirror';
import { DEFAULT_SYNC_COLUMNS, startSyncBed, type SyncBed } from './syncBed';

/**
 * The whole path into the http target: runtime built with SYNC_TARGET=http, the real
 * Dataverse client and simulator, the engine, and a webhook receiver on 127.0.0.1 that applies
 * rows by versionnumber and sweeps older generations on instruction. The webhook URL carries a
 * SAS signature and a function key, as a Logic Apps or Functions trigger URL does: both are
 * planted, so the file's leak scan fails if any log line, error or checkpoint quotes them.
 */
const SIGNATURE = encodeURIComponent(randomBytes(32).toString('base64'));
const FUNCTION_KEY = randomBytes(40).toString('base64url');
let sync: SyncBed;
let receiver: WebhookReceiver;
let runtime: Runtime;

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      // > 5000 rows: the runtime asks for 5000-row pages, so the full load takes 2 pages.
      { name: 'northwind', accounts: { count: 6_200, seed: 41 } },
      { name: 'webexpiry', accounts: { count: 200, seed: 42 } },
      { name: 'flaky', accounts: { count: 200, seed: 43 } },
      { name: 'refused', accounts: { count: 50, seed: 44 } },
    ],
  });
  sync.bed.plantSecret(SIGNATURE);
  sync.bed.plantSecret(FUNCTION_KEY);
  receiver = new WebhookReceiver();
  const url = `${await receiver.start()}?api-version=2016-10-01&sv=1.0&sig=${SIGNATURE}&code=${FUNCTION_KEY}`;
  runtime = await sync.runtime({ SYNC_TARGET: 'http', SYNC_WEBHOOK_URL: url });
});

afterAll(async () => {
  await receiver.stop();
  await sync.stop();
});

function syncOnce(environment: string) {
  return runtime.sync.run({ logger: sync.logger, environmentNames: [environment] });
}

/** The receiver's rows for `environment` against the simulator (nulls are sent as null). */
function webhookDiff(environment: string) {
  const expected = expectedMirror(sync.environment(environment), DEFAULT_SYNC_COLUMNS, 'keep');
  return mirrorDiff(expected, receiver.mirror(environment));
}

/** id@version delivered more than once (a resumed or retried page must not repeat rows). */
function duplicateDeliveries(environment: string): string[] {
  return [...receiver.delivered.entries()]
    .filter(([tag, times]) => tag.startsWith(`${environment}/`) && times > 1)
    .map(([tag]) => tag);
}

describe('http target: full load then deltas', () => {
  it('the receiver holds exactly the source after the full load and each delta', async () => {
    const northwind = sync.environment('northwind');
    const full = await syncOnce('northwind');
    expect(full.results).toEqual([
      expect.objectContaining({
        outcome: 'synced',
        roundKind: 'full',
        pages: 2,
        rows: 6_200,
        // The webhook decides per row; every delivered row counts as "updated".
        updated: 6_200,
        swept: 0,
        checkpointMoved: true,
      }),
    ]);
    expect(webhookDiff('northwind')).toEqual(NO_DIFFERENCE);

    const ids = [...northwind.allAccounts()].map((row) => row.accountid);
    northwind.createAccount({ name: 'Webhook created', telephone1: '+1 555 0100' });
    northwind.updateAccount(ids[0] ?? '', { name: null, revenue: 12.25 });
    northwind.updateAccount(ids[5_100] ?? '', { emailaddress1: 'new@example.com' });
    northwind.deleteAccount(ids[6_000] ?? '');
    northwind.deleteAccount(ids[3] ?? '');

    const delta = await syncOnce('northwind');
    expect(delta.results[0]).toMatchObject({
      outcome: 'synced',
      roundKind: 'delta',
      pages: 1,
      rows: 5,
      updated: 3,
      deleted: 2,
    });
    expect(webhookDiff('northwind')).toEqual(NO_DIFFERENCE);

    const idle = await syncOnce('northwind');
    expect(idle.results[0]).toMatchObject({ outcome: 'synced', roundKind: 'delta', rows: 0 });
    expect(webhookDiff('northwind')).toEqual(NO_DIFFERENCE);
    expect(duplicateDeliveries('northwind')).toEqual([]);
  });

  it('an expired delta token: full resync, the sweep removes exactly the rows deleted meanwhile', async () => {
    const webexpiry = sync.environment('webexpiry');
    const first = (await syncOnce('webexpiry')).results[0];
    expect(first).toMatchObject({ outcome: 'synced' });
    const ids = [...webexpiry.allAccounts()].map((row) => row.accountid);
    for (const id of ids.slice(0, 7)) webexpiry.deleteAccount(id);
    for (const id of ids.slice(50, 55)) webexpiry.updateAccount(id, { name: 'while away' });
    webexpiry.expireChangeTokens();

    const resync = await syncOnce('webexpiry');
    expect(resync.results[0]).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      expiredTokenRecovered: true,
      swept: 7,
    });
    expect(resync.results[0]?.generation).toBeGreaterThan(first?.generation ?? Infinity);
    expect(webhookDiff('webexpiry')).toEqual(NO_DIFFERENCE);
  });

  it('a failing receiver (503, 503) delays the page but loses nothing', async () => {
    receiver.failWith.push(503, 503);
    const report = await syncOnce('flaky');
    expect(report.results[0]).toMatchObject({ outcome: 'synced', roundKind: 'full' });
    expect(receiver.failWith).toEqual([]);
    expect(webhookDiff('flaky')).toEqual(NO_DIFFERENCE);
    expect((await sync.checkpoint('flaky'))?.deltaLink).toContain('$deltatoken=');
  });

  it("a receiver that refuses (401) fails the run, naming the status but not the URL's keys", async () => {
    receiver.failWith.push(401);
    const report = await syncOnce('refused');
    const error = report.results[0]?.error ?? '';
    const lastError = (await sync.checkpoint('refused'))?.lastError ?? '';
    // Scanned with the logs at the end of the file.
    sync.visible.add('report:refused', `${error}\n${lastError}`);
    expect(report.results[0]?.outcome).toBe('failed');
    expect(error).toContain('Webhook answered HTTP 401');
    expect(lastError).toContain('HTTP 401');
  });
});

describe('secrets', () => {
  it('no planted or issued secret appears in any log line, error or checkpoint of this file', () => {
    expect(sync.bed.plantedSecrets()).toEqual(expect.arrayContaining([SIGNATURE, FUNCTION_KEY]));
    expect(sync.visible.texts.some((text) => text.source === 'report:refused')).toBe(true);
    expect(sync.leaks()).toEqual([]);
  });
});
