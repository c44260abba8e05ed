import { ConfigurationError } from '../errors';
import type { Logger } from '../logger';
import type { EnvironmentSettings } from '../settingsTypes';

/** Returns a bearer token for the environment; `forceRefresh` bypasses every cache (after a 401). */
export type GetDataverseToken = (options: {
  forceRefresh: boolean;
  signal?: AbortSignal;
}) => Promise<string>;

/** Waits `ms`, rejecting with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface DataverseClientOptions {
  readonly environment: EnvironmentSettings;
  readonly getToken: GetDataverseToken;
  readonly logger: Logger;
  /** Application (client) id, only to make operator hints precise ("create the user for client id X"). */
  readonly applicationClientId?: string;
  /** Per attempt, from sending to the last body byte. Default 30 s. */
  readonly timeoutInMs?: number;
  /** Retries of transient failures (408, 5xx, network). Throttling is not counted. Default 5. */
  readonly maxRetries?: number;
  /** One call, all attempts and waits included, never runs past this. Default 5 min. */
  readonly overallDeadlineInMs?: number;
  /** Concurrency before the first x-ms-dop-hint arrives. Default 4. */
  readonly initialConcurrency?: number;
  /** Upper bound for the dop hint: the service's concurrent-request limit. Default and maximum 52. */
  readonly maxConcurrency?: number;
  /** First backoff step of the exponential strategy. Default 1 s. */
  readonly retryDelayInMs?: number;
  /** Largest computed backoff. Default 30 s. */
  readonly maxRetryDelayInMs?: number;
  /** Largest server-given Retry-After honoured as is. Default 5 min. */
  readonly maxRetryAfterInMs?: number;
  /** Test seams. */
  readonly sleep?: Sleep;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The same options with every default applied: the only shape the steps see. */
export interface ResolvedClientOptions {
  readonly environment: EnvironmentSettings;
  readonly getToken: GetDataverseToken;
  readonly logger: Logger;
  readonly applicationClientId: string | undefined;
  readonly timeoutInMs: number;
  readonly maxRetries: number;
  readonly overallDeadlineInMs: number;
  readonly initialConcurrency: number;
  readonly maxConcurrency: number;
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
  readonly maxRetryAfterInMs: number;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random: () => number;
}

/** Dataverse refuses more than 52 concurrent requests per user (0x80072326). */
export const SERVICE_CONCURRENCY_LIMIT = 52;

/** setTimeout-based sleep that honours an AbortSignal. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function whole(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min || resolved > max) {
    throw new ConfigurationError(
      `Dataverse client option ${name} must be a whole number from ${min} to ${max}`,
      {
        step: 'Dataverse client options',
      },
    );
  }
  return resolved;
}

/** Applies defaults and checks ranges once, so no step carries a `?? DEFAULT`. */
export function resolveClientOptions(options: DataverseClientOptions): ResolvedClientOptions {
  const maxConcurrency = whole(
    'maxConcurrency',
    options.maxConcurrency,
    SERVICE_CONCURRENCY_LIMIT,
    1,
    SERVICE_CONCURRENCY_LIMIT,
  );
  return {
    environment: options.environment,
    getToken: options.getToken,
    logger: options.logger,
    applicationClientId: options.applicationClientId,
    timeoutInMs: whole('timeoutInMs', options.timeoutInMs, 30_000, 1, 600_000),
    maxRetries: whole('maxRetries', options.maxRetries, 5, 0, 50),
    overallDeadlineInMs: whole(
      'overallDeadlineInMs',
      options.overallDeadlineInMs,
      300_000,
      1,
      86_400_000,
    ),
    initialConcurrency: Math.min(
      whole('initialConcurrency', options.initialConcurrency, 4, 1, SERVICE_CONCURRENCY_LIMIT),
      maxConcurrency,
    ),
    maxConcurrency,
    retryDelayInMs: whole('retryDelayInMs', options.retryDelayInMs, 1_000, 0, 600_000),
    maxRetryDelayInMs: whole('maxRetryDelayInMs', options.maxRetryDelayInMs, 30_000, 0, 3_600_000),
    maxRetryAfterInMs: whole(
      'maxRetryAfterInMs',
      options.maxRetryAfterInMs,
      300_000,
      0,
      86_400_000,
    ),
    sleep: options.sleep ?? realSleep,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}
