/**
 * A counting semaphore whose size can change while in use: the Dataverse dop hint may arrive
 * (or change) while requests are in flight. Shrinking never interrupts running holders; it
 * only makes new acquirers wait until the count drops below the new limit.
 */
export class ResizableSemaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private limitValue: number) {}

  get limit(): number {
    return this.limitValue;
  }

  get inUse(): number {
    return this.active;
  }

  resize(limit: number): void {
    this.limitValue = limit;
    this.drain();
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    if (this.active < this.limitValue && this.waiters.length === 0)
      return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason as Error);
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.take());
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): () => void {
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limitValue) {
      const next = this.waiters.shift();
      if (next === undefined) return;
      next();
    }
  }
}
