/** Caller-facing options of a sync run. */
export interface SyncOptions {
  /** Prefer: odata.maxpagesize. Default 5000. */
  readonly pageSize?: number;
  /** Time budget: stop at a page boundary once exceeded (outcome 'paused'). 0/absent: none. */
  readonly maxRunSeconds?: number;
  /** Start a full round (new generation, sweep afterwards) even if a deltaLink exists. */
  readonly full?: boolean;
  /** Log progress every this many pages (default 10) ... */
  readonly progressEveryPages?: number;
  /** ... or this often (default 10 s), whichever comes first. */
  readonly progressEveryInMs?: number;
}

/** Options with every default applied (resolved once, per style guide). */
export interface ResolvedOptions {
  readonly pageSize: number;
  readonly budgetInMs: number;
  readonly full: boolean;
  readonly progressEveryPages: number;
  readonly progressEveryInMs: number;
}

export function resolveOptions(options: SyncOptions = {}): ResolvedOptions {
  const seconds = options.maxRunSeconds ?? 0;
  return {
    pageSize: options.pageSize ?? 5000,
    budgetInMs: seconds > 0 ? seconds * 1000 : Number.POSITIVE_INFINITY,
    full: options.full ?? false,
    progressEveryPages: options.progressEveryPages ?? 10,
    progressEveryInMs: options.progressEveryInMs ?? 10_000,
  };
}
