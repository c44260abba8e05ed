/**
 * Waits for `work`, but no longer than `timeoutInMs`: after that it settles with what
 * `onTimeout` returns (or rejects with what it throws), while `work` goes on unobserved. The
 * timer is cleared when `work` wins and never keeps the process alive.
 */
export async function withTimeout<T, F = T>(
  work: Promise<T>,
  timeoutInMs: number,
  onTimeout: () => F,
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error instanceof Error ? error : new TypeError(String(error)));
      }
    }, timeoutInMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
