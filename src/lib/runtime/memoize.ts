import type { Runtime } from './types';

export type RuntimeFactory = () => Promise<Runtime>;

/**
 * Caches the initialisation PROMISE, not its value, so concurrent first invocations share one
 * build (one Key Vault read, one token request) — and drops it again if it rejects, so a
 * transient failure (Key Vault briefly unreachable) does not poison the process until restart.
 */
export function memoizeRuntime(factory: RuntimeFactory): {
  get: RuntimeFactory;
  reset: () => void;
} {
  let promise: Promise<Runtime> | undefined;
  return {
    get(): Promise<Runtime> {
      if (promise === undefined) {
        const attempt = factory();
        promise = attempt;
        attempt.catch(() => {
          if (promise === attempt) promise = undefined;
        });
      }
      return promise;
    },
    reset(): void {
      promise = undefined;
    },
  };
}
