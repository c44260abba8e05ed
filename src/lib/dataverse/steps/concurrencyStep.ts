import type { PipelineStep } from '../../http';
import type { ResizableSemaphore } from '../semaphore';

/** Parses x-ms-dop-hint: a positive whole number, or undefined. */
export function parseDopHint(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const hint = Number(value);
  return hint > 0 ? hint : undefined;
}

/**
 * Keeps requests in flight for this environment at or below the server's x-ms-dop-hint (read
 * from any response), capped at `maxConcurrency`. Shared by every caller of the client, since
 * the service counts per application user. Waiting for a slot does not use the per-attempt
 * timeout (the timeout step runs inside this one).
 */
export function concurrencyStep(
  semaphore: ResizableSemaphore,
  maxConcurrency: number,
): PipelineStep {
  return {
    name: 'concurrency',
    async send(request, next) {
      const release = await semaphore.acquire(request.signal);
      try {
        const response = await next(request);
        const hint = parseDopHint(response.headers['x-ms-dop-hint']);
        if (hint !== undefined) semaphore.resize(Math.min(hint, maxConcurrency));
        return response;
      } finally {
        release();
      }
    },
  };
}
