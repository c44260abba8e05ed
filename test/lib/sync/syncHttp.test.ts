import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { HttpSink, pageIdempotencyKey } from '../../../src/lib/sync/httpSink';
import { syncEnvironment } from '../../../src/lib/sync/syncEnvironment';
import { ACCOUNT_COLUMNS, FakeAccountSource, seededRandom } from './fakeSource';
import {
  newEnvironment,
  sorted,
  startStorageHarness,
  type StorageHarness,
  syncDeps,
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
    const sink = new HttpSink({ url });
    expect(await syncEnvironment(syncDeps(harness, source, environment, sink))).toMatchObject({
      outcome: 'synced',
      roundKind: 'full',
    });
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
    for (let i = 0; i < 3; i += 1) {
      source.mutate(50);
      expect(await syncEnvironment(syncDeps(harness, source, environment, sink))).toMatchObject({
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
    const result = await syncEnvironment(
      syncDeps(harness, source, environment, new HttpSink({ url, ...quickRetries })),
    );
    expect(result.outcome).toBe('synced');
    expect(receiver.failWith).toHaveLength(0);
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
  });

  it('fails the run without moving the checkpoint past an undelivered page, then converges', async () => {
    const source = new FakeAccountSource(seededRandom(23));
    source.seed(100);
    const environment = newEnvironment('http-down');
    const sink = new HttpSink({ url, ...quickRetries, maxRetries: 2 });
    let pages = 0;
    const failing = await syncEnvironment(
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
    const stored = await harness.checkpoints.read(environment);
    expect(stored?.checkpoint.round?.pagesDone).toBe(1);
    expect(stored?.checkpoint.lastError).toContain('HTTP 500');
    expect(receiver.mirror(environment).size).toBe(25);

    const next = await syncEnvironment(syncDeps(harness, source, environment, sink));
    expect(next).toMatchObject({ outcome: 'synced', roundKind: 'full', checkpointMoved: true });
    expect(sorted(receiver.mirror(environment))).toEqual(sorted(source.snapshot()));
  });

  it('does not retry a 4xx rejection', async () => {
    const source = new FakeAccountSource(seededRandom(24));
    source.seed(10);
    const environment = newEnvironment('http-400');
    receiver.failWith.push(400);
    const before = receiver.requests;
    const result = await syncEnvironment(
      syncDeps(harness, source, environment, new HttpSink({ url, ...quickRetries })),
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
      syncDeps(harness, source, environment, new HttpSink({ url }), {
        now: () => clock,
        hooks: { afterSinkWrite: () => void (clock += 1000) }, // each page "takes" a second
        options: { columns: [...ACCOUNT_COLUMNS], pageSize: 25, maxRunSeconds: 3 },
      });
    const outcomes: string[] = [];
    for (let run = 0; run < 10; run += 1) {
      const result = await syncEnvironment(deps());
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
    const sink = new HttpSink({ url });
    await syncEnvironment(syncDeps(harness, source, environment, sink));
    const doomed = source.ids().slice(5, 17);
    for (const id of doomed) source.delete(id);
    source.expireTokens(); // the deletions can only be found by the sweep after a full round

    const result = await syncEnvironment(syncDeps(harness, source, environment, sink));
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
      const sink = new HttpSink({ url: forgetfulUrl });
      await syncEnvironment(syncDeps(harness, source, environment, sink));
      await syncEnvironment(
        syncDeps(harness, source, environment, sink, {
          options: { columns: [...ACCOUNT_COLUMNS], pageSize: 25, full: true },
        }),
      );
      expect(forgetful.mirror(environment).size).toBe(0);
      expect(source.snapshot().size).toBe(40);
    } finally {
      await forgetful.stop();
    }
  });

  it('gives a replayed page the same Idempotency-Key and changed content a new one', () => {
    const page = {
      environment: 'prod',
      upserts: [{ accountid: 'a', versionnumber: '5', name: 'x' }],
      deletes: ['b'],
      generation: 1,
      roundKind: 'delta' as const,
      sequence: 3,
    };
    expect(pageIdempotencyKey({ ...page })).toBe(pageIdempotencyKey(page));
    expect(pageIdempotencyKey({ ...page, sequence: 4 })).toBe(pageIdempotencyKey(page));
    expect(
      pageIdempotencyKey({ ...page, upserts: [{ ...page.upserts[0]!, versionnumber: '6' }] }),
    ).not.toBe(pageIdempotencyKey(page));
    expect(pageIdempotencyKey({ ...page, generation: 2 })).not.toBe(pageIdempotencyKey(page));
    expect(pageIdempotencyKey({ ...page, environment: 'test' })).not.toBe(pageIdempotencyKey(page));
  });
});
