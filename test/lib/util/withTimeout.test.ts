import { describe, expect, it, vi } from 'vitest';

import { withTimeout } from '../../../src/lib/util';

describe('withTimeout', () => {
  it('settles with the work when it finishes first, and clears its timer', async () => {
    vi.useFakeTimers();
    try {
      const result = withTimeout(Promise.resolve('done'), 1_000, () => 'late');
      await expect(result).resolves.toBe('done');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('settles with the fallback once the time is up', async () => {
    vi.useFakeTimers();
    try {
      const result = withTimeout(new Promise<string>(() => undefined), 1_000, () => 'timeout');
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(result).resolves.toBe('timeout');
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects with what the fallback throws', async () => {
    vi.useFakeTimers();
    try {
      const failure = new Error('did not start within 20 ms');
      const result = withTimeout(new Promise<string>(() => undefined), 20, () => {
        throw failure;
      });
      const expectation = expect(result).rejects.toBe(failure);
      await vi.advanceTimersByTimeAsync(20);
      await expectation;
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes the work’s own rejection through', async () => {
    const failure = new Error('Key Vault refused');
    await expect(withTimeout(Promise.reject(failure), 1_000, () => 'late')).rejects.toBe(failure);
  });
});
