import { describe, expect, it } from 'vitest';

import { prefetchOne } from '../../../src/lib/sync/prefetch';

/** A source that records when each item's fetch starts and how many are held at once. */
function trackedSource(count: number) {
  const events: string[] = [];
  async function* source(): AsyncGenerator<number> {
    for (let i = 0; i < count; i += 1) {
      events.push(`fetch ${String(i)}`);
      await new Promise((resolve) => setImmediate(resolve));
      yield i;
    }
  }
  return { events, source: source() };
}

describe('prefetchOne', () => {
  it('fetches item n+1 while the caller works on item n, never further ahead', async () => {
    const { events, source } = trackedSource(4);
    for await (const item of prefetchOne(source, () => undefined)) {
      events.push(`work ${String(item)} start`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`work ${String(item)} end`);
    }
    expect(events).toEqual([
      'fetch 0',
      'fetch 1',
      'work 0 start',
      'work 0 end',
      'fetch 2',
      'work 1 start',
      'work 1 end',
      'fetch 3',
      'work 2 start',
      'work 2 end',
      'work 3 start',
      'work 3 end',
    ]);
  });

  it('cancels the read-ahead and ignores its failure when the caller stops early', async () => {
    let cancelled = false;
    async function* failingAfterFirst(): AsyncGenerator<number> {
      yield 1;
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('read-ahead failed');
    }
    const seen: number[] = [];
    for await (const item of prefetchOne(failingAfterFirst(), () => (cancelled = true))) {
      seen.push(item);
      break;
    }
    expect(seen).toEqual([1]);
    expect(cancelled).toBe(true);
  });

  it('surfaces a fetch failure the caller is waiting for', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      await Promise.resolve();
      throw new Error('page 2 failed');
    }
    const run = async () => {
      for await (const _ of prefetchOne(failing(), () => undefined)) {
        // consume
      }
    };
    await expect(run()).rejects.toThrow('page 2 failed');
  });
});
