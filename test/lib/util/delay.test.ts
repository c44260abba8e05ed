import { describe, expect, it, vi } from 'vitest';

import { abortable, delay } from '../../../src/lib/util';

describe('delay', () => {
  it('resolves after the given time', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const waiting = delay(1_000).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects with the signal reason as soon as it aborts, and clears its timer', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const reason = new Error('lease lost');
      const waiting = delay(60_000, controller.signal);
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects at once when the signal has already aborted', async () => {
    const reason = new Error('stopped by Ctrl-C');
    await expect(delay(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('turns a reason-less abort into an AbortError', async () => {
    const controller = new AbortController();
    const waiting = delay(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('abortable', () => {
  it('lets one caller stop waiting without cancelling the shared work', async () => {
    let finish: (value: string) => void = () => undefined;
    const shared = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const controller = new AbortController();
    const impatient = abortable(shared, controller.signal);
    const patient = abortable(shared, undefined);
    controller.abort(new Error('deadline'));
    await expect(impatient).rejects.toThrow('deadline');
    finish('credential');
    await expect(patient).resolves.toBe('credential');
  });
});
