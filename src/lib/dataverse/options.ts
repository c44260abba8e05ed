import {
  type GetBearerToken,
  type PipelineOptions,
  type PipelineOptionsInput,
  resolvePipelineOptions,
  wholeOption,
} from '../http';
import type { EnvironmentSettings } from '../settings';
import type { Delay, Logger } from '../util';

/** Returns a bearer token for the environment; `forceRefresh` bypasses every cache (after a 401). */
export type GetDataverseToken = GetBearerToken;

/** Waits `ms`, rejecting with the signal's reason when it aborts first. */
export type Sleep = Delay;

export interface DataverseClientOptions extends Omit<
  PipelineOptionsInput,
  'name' | 'transient' | 'logger'
> {
  readonly environment: EnvironmentSettings;
  readonly getToken: GetDataverseToken;
  readonly logger: Logger;
  /** Application (client) id, only to make operator hints precise ("create the user for client id X"). */
  readonly applicationClientId?: string;
  /** Concurrency before the first x-ms-dop-hint arrives. Default 4. */
  readonly initialConcurrency?: number;
  /** Upper bound for the dop hint: the service's concurrent-request limit. Default and maximum 52. */
  readonly maxConcurrency?: number;
}

/** The same options with every default applied: the only shape the steps see. */
export interface ResolvedClientOptions extends PipelineOptions {
  readonly environment: EnvironmentSettings;
  readonly getToken: GetDataverseToken;
  readonly applicationClientId: string | undefined;
  readonly initialConcurrency: number;
  readonly maxConcurrency: number;
}

/** Dataverse refuses more than 52 concurrent requests per user (0x80072326). */
export const SERVICE_CONCURRENCY_LIMIT = 52;

const OWNER = 'Dataverse client';

/** Applies defaults and checks ranges once, so no step carries a `?? DEFAULT`. */
export function resolveClientOptions(options: DataverseClientOptions): ResolvedClientOptions {
  const maxConcurrency = wholeOption(
    OWNER,
    'maxConcurrency',
    options.maxConcurrency,
    SERVICE_CONCURRENCY_LIMIT,
    1,
    SERVICE_CONCURRENCY_LIMIT,
  );
  return {
    ...resolvePipelineOptions(OWNER, {
      ...options,
      name: options.environment.name,
      // A name that does not resolve is a wrong org URL: fail at once with the hint.
      transient: { retryUnresolvedHost: false },
    }),
    environment: options.environment,
    getToken: options.getToken,
    applicationClientId: options.applicationClientId,
    initialConcurrency: Math.min(
      wholeOption(
        OWNER,
        'initialConcurrency',
        options.initialConcurrency,
        4,
        1,
        SERVICE_CONCURRENCY_LIMIT,
      ),
      maxConcurrency,
    ),
    maxConcurrency,
  };
}
