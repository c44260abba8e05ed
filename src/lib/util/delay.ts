/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (or at once if it has). */
export type Delay = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The one abortable wait of the app: every retry backoff, Retry-After wait and poll interval
 * goes through it, so Ctrl-C, a lost lease or a run's deadline stops a wait at once.
 */
export const delay: Delay = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The signal's reason as an Error (AbortSignal.abort() without a reason gives a DOMException). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('The operation was aborted', 'AbortError');
}
