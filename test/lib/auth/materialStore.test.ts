import { describe, expect, it } from 'vitest';

import type { CredentialMaterial } from '../../../src/lib/auth/credentialMaterial';
import { MaterialStore } from '../../../src/lib/auth/materialStore';
import type { Logger } from '../../../src/lib/util';

function version(id: string): CredentialMaterial {
  return {
    type: 'secret',
    secret: `secret-of-${id}`,
    origin: { kind: 'keyVault', vaultUrl: 'https://kv.example', name: 'dv', version: id },
    expiresOn: undefined,
  };
}

/** A source whose reads stay pending until the test resolves them, counting every read. */
function controlledSource() {
  const pending: { resolve: (m: CredentialMaterial) => void; reject: (e: Error) => void }[] = [];
  return {
    reads: () => pending.length,
    load: () =>
      new Promise<CredentialMaterial>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    resolve: (index: number, material: CredentialMaterial) => {
      pending[index]?.resolve(material);
    },
    reject: (index: number, error: Error) => {
      pending[index]?.reject(error);
    },
  };
}

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

function storeWith(
  load: () => Promise<CredentialMaterial>,
  clock = { now: 0 },
  logger = capturingLogger(),
) {
  return new MaterialStore({
    load,
    canChange: true,
    refreshIntervalInMs: 1000,
    refreshRetryInMs: 100,
    now: () => clock.now,
    logger,
  });
}

describe('MaterialStore', () => {
  it('shares one read among concurrent first callers', async () => {
    const source = controlledSource();
    const store = storeWith(source.load);
    const all = Promise.all([store.get(), store.get(), store.get()]);
    source.resolve(0, version('v1'));
    const results = await all;
    expect(source.reads()).toBe(1);
    expect(results.every((m) => m === results[0])).toBe(true);
  });

  it('drops a failed first read so that the next call reads again', async () => {
    const source = controlledSource();
    const store = storeWith(source.load);
    const first = store.get();
    source.reject(0, new Error('vault down'));
    await expect(first).rejects.toThrow('vault down');
    const second = store.get();
    source.resolve(1, version('v1'));
    await expect(second).resolves.toMatchObject({ origin: { version: 'v1' } });
    expect(source.reads()).toBe(2);
  });

  it('re-reads after the refresh interval and keeps the old material when that read fails', async () => {
    const source = controlledSource();
    const clock = { now: 0 };
    const logger = capturingLogger();
    const store = storeWith(source.load, clock, logger);
    const first = store.get();
    source.resolve(0, version('v1'));
    await first;
    clock.now = 500;
    await store.get();
    expect(source.reads()).toBe(1);
    clock.now = 1000;
    const refreshed = store.get();
    source.reject(1, new Error('vault blip'));
    await expect(refreshed).resolves.toMatchObject({ origin: { version: 'v1' } });
    expect(
      logger.lines.some((line) => line.startsWith('warn') && line.includes('vault blip')),
    ).toBe(true);
    // Retries after refreshRetryInMs, not on every call.
    clock.now = 1050;
    await store.get();
    expect(source.reads()).toBe(2);
    clock.now = 1100;
    const again = store.get();
    source.resolve(2, version('v2'));
    await expect(again).resolves.toMatchObject({ origin: { version: 'v2' } });
  });

  it('coalesces rechecks: N rejections of the same version cost one read', async () => {
    const source = controlledSource();
    const store = storeWith(source.load);
    const first = store.get();
    source.resolve(0, version('v1'));
    const rejected = await first;
    const since = store.readSequence;
    const rechecks = [1, 2, 3, 4, 5].map(() => store.recheckAfterRejection(rejected, since));
    source.resolve(1, version('v2'));
    const outcomes = await Promise.all(rechecks);
    expect(source.reads()).toBe(2);
    expect(
      outcomes.every(
        (o) =>
          o.changed && o.material.origin.kind === 'keyVault' && o.material.origin.version === 'v2',
      ),
    ).toBe(true);
    // A late caller still holding v1 learns about v2 without another read.
    await expect(store.recheckAfterRejection(rejected, since)).resolves.toMatchObject({
      changed: true,
    });
    expect(source.reads()).toBe(2);
  });

  it('reports "unchanged" when the vault still holds the rejected version, reusing a read that started later', async () => {
    const source = controlledSource();
    const store = storeWith(source.load);
    const first = store.get();
    source.resolve(0, version('v1'));
    const rejected = await first;
    const since = store.readSequence;
    const recheck = store.recheckAfterRejection(rejected, since);
    source.resolve(1, version('v1'));
    await expect(recheck).resolves.toMatchObject({ changed: false });
    await expect(store.recheckAfterRejection(rejected, since)).resolves.toMatchObject({
      changed: false,
    });
    expect(source.reads()).toBe(2);
    // A caller whose request started after that read gets a fresh read of its own.
    const later = store.recheckAfterRejection(rejected, store.readSequence);
    source.resolve(2, version('v1'));
    await later;
    expect(source.reads()).toBe(3);
  });

  it('never re-reads a source that cannot change', async () => {
    let reads = 0;
    const store = new MaterialStore({
      load: () => {
        reads += 1;
        return Promise.resolve({
          type: 'secret',
          secret: 'local-secret-value',
          origin: { kind: 'setting' },
          expiresOn: undefined,
        });
      },
      canChange: false,
      refreshIntervalInMs: 1,
      refreshRetryInMs: 1,
      now: () => Date.now() + reads * 10_000,
      logger: capturingLogger(),
    });
    const material = await store.get();
    await store.get();
    await expect(store.recheckAfterRejection(material, 0)).resolves.toMatchObject({
      changed: false,
    });
    expect(reads).toBe(1);
  });
});
