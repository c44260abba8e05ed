import { ConfigurationError } from '../errors';
import { type Delay, delay, type Logger, type TransientRules } from '../util';

/** What a client may tune; every field has a default (see {@link resolvePipelineOptions}). */
export interface PipelineOptionsInput {
  /** Who is called, for log lines: an environment name, "webhook". */
  readonly name: string;
  readonly logger: Logger;
  /** Per attempt, from sending to the last body byte. Default 30 s. */
  readonly timeoutInMs?: number;
  /** Retries of transient failures (408, 5xx, network). Throttling is not counted. Default 5. */
  readonly maxRetries?: number;
  /** One call, all attempts and waits included, never runs past this. Default 5 min. */
  readonly overallDeadlineInMs?: number;
  /** First backoff step of the exponential strategy. Default 1 s. */
  readonly retryDelayInMs?: number;
  /** Largest computed backoff. Default 30 s. */
  readonly maxRetryDelayInMs?: number;
  /** Largest server-given Retry-After honoured as is. Default 5 min. */
  readonly maxRetryAfterInMs?: number;
  /** Per-client differences from the transient table. Default: no retry of ENOTFOUND. */
  readonly transient?: TransientRules;
  /** Test seams. */
  readonly sleep?: Delay;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The same options with every default applied: the only shape the steps see. */
export interface PipelineOptions {
  readonly name: string;
  readonly logger: Logger;
  readonly timeoutInMs: number;
  readonly maxRetries: number;
  readonly overallDeadlineInMs: number;
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
  readonly maxRetryAfterInMs: number;
  readonly transient: TransientRules;
  readonly sleep: Delay;
  readonly now: () => number;
  readonly random: () => number;
}

/** A whole-number option within [min, max], or the fallback; anything else is a programming error. */
export function wholeOption(
  owner: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min || resolved > max) {
    throw new ConfigurationError(
      `${owner} option ${name} must be a whole number from ${min} to ${max}`,
      { step: `${owner} options` },
    );
  }
  return resolved;
}

/** Applies defaults and checks ranges once, so no step carries a `?? DEFAULT`. */
export function resolvePipelineOptions(
  owner: string,
  options: PipelineOptionsInput,
): PipelineOptions {
  const whole = (
    name: string,
    value: number | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => wholeOption(owner, name, value, fallback, min, max);
  return {
    name: options.name,
    logger: options.logger,
    timeoutInMs: whole('timeoutInMs', options.timeoutInMs, 30_000, 1, 600_000),
    maxRetries: whole('maxRetries', options.maxRetries, 5, 0, 50),
    overallDeadlineInMs: whole(
      'overallDeadlineInMs',
      options.overallDeadlineInMs,
      300_000,
      1,
      86_400_000,
    ),
    retryDelayInMs: whole('retryDelayInMs', options.retryDelayInMs, 1_000, 0, 600_000),
    maxRetryDelayInMs: whole('maxRetryDelayInMs', options.maxRetryDelayInMs, 30_000, 0, 3_600_000),
    maxRetryAfterInMs: whole(
      'maxRetryAfterInMs',
      options.maxRetryAfterInMs,
      300_000,
      0,
      86_400_000,
    ),
    transient: options.transient ?? { retryUnresolvedHost: false },
    sleep: options.sleep ?? delay,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}
