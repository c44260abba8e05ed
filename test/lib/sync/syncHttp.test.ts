import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { pageIdempotencyKey, WebhookTarget } from '../../../src/lib/sync/httpSink';
import { syncTable } from '../../../src/lib/sync/syncTable';
import type { SinkPage } from '../../../src/lib/sync/types';
import { accountTable } from './accountTable';
import { FakeAccountSource, seededRandom } from './fakeSource';
import {
  accountJob,
  newEnvironment,
  sorted,
  startStorageHarness,
  type StorageHarness,
  syncDeps,
  webhookSink,
} from './harness';
import { WebhookReceiver } from './webhookReceiver';

let harness: StorageHarness;
let receiver: WebhookReceiver;
let url: string;
beforeAll(async () => {
  harness = await startStorageHarness();
  receiver = new WebhookReceiver();
  url = await receiver.start();
});
afterEach(() => {
  receiver.failWith.length = 0;
});
afterAll(async () => {
  await receiver.stop();
  await harness.dispose();
});

const quickRetries = { retryDelayInMs: 1, maxRetryDelayInMs: 50 };

describe('account sync to a webhook', () => {
  it('mirrors a full load and then deltas exactly', async () => {
    const source = new FakeAccountSource(seededRandom(21));
    source.seed(240);
    const environment = newEnvironment('http');
    const sink = webhookSink({ url });
    expect(await syncTable(syncDeps(harness, source, environment, sink))).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
    });
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
    for (let i = 0; i < 3; i += 1) {
      source.mutate(50);
      expect(await syncTable(syncDeps(harness, source, environment, sink))).toMatchObject({
        outcome: 'synced',
        roundKind: 'delta',
      });
      expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
    }
  });

  it('retries 5xx and 429 until the receiver answers 2xx, within one run', async () => {
    const source = new FakeAccountSource(seededRandom(22));
    source.seed(60);
    const environment = newEnvironment('http-flaky');
    receiver.failWith.push(500, 503, 429, 502);
    const result = await syncTable(
      syncDeps(harness, source, environment, webhookSink({ url, ...quickRetries })),
    );
    expect(result.outcome).toBe('synced');
    expect(receiver.failWith).toHaveLength(0);
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
  });

  it('fails the run without moving the checkpoint past an undelivered page, then converges', async () => {
    const source = new FakeAccountSource(seededRandom(23));
    source.seed(100);
    const environment = newEnvironment('http-down');
    const sink = webhookSink({ url, ...quickRetries, maxRetries: 2 });
    let pages = 0;
    const failing = await syncTable(
      syncDeps(harness, source, environment, sink, {
        hooks: {
          afterFetch: () => {
            pages += 1;
            if (pages === 2) receiver.failWith.push(500, 500, 500);
          },
        },
      }),
    );
    expect(failing.outcome).toBe('failed');
    expect(failing.error).toContain('HTTP 500');
    const stored = await harness.checkpoints.read(accountJob(environment));
    expect(stored?.checkpoint.round?.pagesDone).toBe(1);
    expect(stored?.checkpoint.lastError).toContain('HTTP 500');
    expect(receiver.mirror(environment).size).toBe(25);

    const next = await syncTable(syncDeps(harness, source, environment, sink));
    expect(next).toMatchObject({ outcome: 'synced', roundKind: 'full', checkpointMoved: true });
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
  });

  it('does not retry a 4xx rejection', async () => {
    const source = new FakeAccountSource(seededRandom(24));
    source.seed(10);
    const environment = newEnvironment('http-400');
    receiver.failWith.push(400);
    const before = receiver.requests;
    const result = await syncTable(
      syncDeps(harness, source, environment, webhookSink({ url, ...quickRetries })),
    );
    expect(result.outcome).toBe('failed');
    expect(result.error).toContain('HTTP 400');
    expect(receiver.requests - before).toBe(1);
  });

  it('delivers a table too big for one run over several runs, each row version exactly once', async () => {
    const source = new FakeAccountSource(seededRandom(25));
    source.seed(275);
    const environment = newEnvironment('http-budget');
    let clock = 0;
    const deps = () =>
      syncDeps(harness, source, environment, webhookSink({ url }), {
        now: () => clock,
        hooks: { afterSinkWrite: () => void (clock += 1000) }, // each page "takes" a second
        options: { pageSize: 25, maxRunSeconds: 3 },
      });
    const outcomes: string[] = [];
    for (let run = 0; run < 10; run += 1) {
      const result = await syncTable(deps());
      outcomes.push(result.outcome);
      if (result.outcome === 'synced') break;
    }
    expect(outcomes).toEqual(['paused', 'paused', 'paused', 'synced']);
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
    const deliveries = [...receiver.delivered.entries()].filter(([tag]) =>
      tag.startsWith(`${environment}/`),
    );
    expect(deliveries).toHaveLength(275);
    expect(deliveries.every(([, count]) => count === 1)).toBe(true);
  });

  it('a receiver written from docs/webhook-receiver.md keeps unchanged rows through a full resync and loses exactly the deleted ones', async () => {
    const source = new FakeAccountSource(seededRandom(24));
    source.seed(120);
    const environment = newEnvironment('http-resync');
    const sink = webhookSink({ url });
    await syncTable(syncDeps(harness, source, environment, sink));
    const doomed = source.ids().slice(5, 17);
    for (const id of doomed) source.delete(id);
    source.expireTokens(); // the deletions can only be found by the sweep after a full round

    const result = await syncTable(syncDeps(harness, source, environment, sink));
    expect(result).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
      expiredTokenRecovered: true,
    });
    expect(result.swept).toBe(doomed.length);
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
  });

  it('a receiver that applies only newer versions, without raising the mark, would lose every unchanged row: why the contract requires it', async () => {
    const forgetful = new WebhookReceiver({ raiseMarkOnEqualVersion: false });
    const forgetfulUrl = await forgetful.start();
    try {
      const source = new FakeAccountSource(seededRandom(25));
      source.seed(40);
      const environment = newEnvironment('http-forgetful');
      const sink = webhookSink({ url: forgetfulUrl });
      await syncTable(syncDeps(harness, source, environment, sink));
      await syncTable(
        syncDeps(harness, source, environment, sink, {
          options: { pageSize: 25, full: true },
        }),
      );
      expect(forgetful.mirror(environment).size).toBe(0);
      expect(source.snapshot().size).toBe(40);
    } finally {
      await forgetful.stop();
    }
  });

  it('gives a replayed page the same Idempotency-Key and changed content a new one', () => {
    const page: SinkPage = {
      environment: 'prod',
      table: accountTable(['name']),
      upserts: [{ accountid: 'a', versionnumber: '5', name: 'x' }],
      deletes: ['b'],
      generation: 1,
      roundKind: 'delta' as const,
      sequence: 3,
    };
    expect(pageIdempotencyKey(page)).toMatch(/^dataverse-sync-[0-9a-f]{64}$/);
    expect(pageIdempotencyKey({ ...page })).toBe(pageIdempotencyKey(page));
    expect(pageIdempotencyKey({ ...page, sequence: 4 })).toBe(pageIdempotencyKey(page));
    expect(
      pageIdempotencyKey({ ...page, upserts: [{ ...page.upserts[0]!, versionnumber: '6' }] }),
    ).not.toBe(pageIdempotencyKey(page));
    expect(pageIdempotencyKey({ ...page, generation: 2 })).not.toBe(pageIdempotencyKey(page));
    expect(pageIdempotencyKey({ ...page, environment: 'test' })).not.toBe(pageIdempotencyKey(page));
    // The same rows of another table are another delivery.
    const otherTable = { ...page.table, logicalName: 'account_copy' };
    expect(pageIdempotencyKey({ ...page, table: otherTable })).not.toBe(pageIdempotencyKey(page));
  });

  it("keeps each table's rows apart at the receiver: one table's sweep leaves the other's rows", async () => {
    const accounts = new FakeAccountSource(seededRandom(26));
    accounts.seed(40);
    const copies = new FakeAccountSource(seededRandom(27));
    copies.seed(10);
    const environment = newEnvironment('http-two-tables');
    await syncTable(syncDeps(harness, accounts, environment, webhookSink({ url })));
    // A second table of the same environment (the fake serves its rows for any entity set):
    // its full round ends with a sweep at a newer generation than every account row's mark.
    const copy = { ...accountTable(), logicalName: 'account_copy' };
    const result = await syncTable({
      ...syncDeps(harness, copies, environment, webhookSink({ url })),
      table: 'account_copy',
      describeTable: () => Promise.resolve(copy),
      target: new WebhookTarget({ url }),
    });
    expect(result).toMatchObject({ outcome: 'synced', roundKind: 'full', swept: 0 });
    expect(sorted(receiver.mirror(environment, 'account_copy'))).toEqual(sorted(copies.snapshot()));
    expect(sorted(receiver.mirror(environment, 'account'))).toEqual(sorted(accounts.snapshot()));
  });
});
