import type { LatencyModel } from '@dataverse-s2s/testbed';

/** Sizes of one benchmark run: `npm run bench` (quick) or `npm run bench -- --full`. */
export interface Profile {
  readonly name: 'quick' | 'full';
  /** Scenario 1: accounts in the full sync into the discarding target. */
  readonly exportRows: number;
  /** Scenario 1: accounts in the table-target sync (Azurite's table store slows as it fills). */
  readonly tableRows: number;
  /** Scenario 2: accounts read by each client. */
  readonly compareRows: number;
  /** Scenario 3: the small and the large table. */
  readonly memoryRows: readonly [number, number];
  /** Scenario 4: accounts in the throttled sync. */
  readonly throttledRows: number;
  /** Scenario 5: length of the polling storm. */
  readonly stormSeconds: number;
  /** Scenario 6: fresh processes per measurement. */
  readonly coldStartRuns: number;
}

export const QUICK: Profile = {
  name: 'quick',
  exportRows: 200_000,
  tableRows: 10_000,
  compareRows: 200_000,
  memoryRows: [10_000, 200_000],
  throttledRows: 20_000,
  stormSeconds: 3,
  coldStartRuns: 20,
};

export const FULL: Profile = {
  name: 'full',
  exportRows: 1_000_000,
  tableRows: 20_000,
  compareRows: 200_000,
  memoryRows: [10_000, 1_000_000],
  throttledRows: 50_000,
  stormSeconds: 10,
  coldStartRuns: 20,
};

/** Reads `--full` from the command line. */
export function profileFromArguments(argv: readonly string[]): Profile {
  return argv.includes('--full') ? FULL : QUICK;
}

/**
 * The latency model of the export scenario: ~1.1 s for a 5000-row page, the order of what a
 * real environment takes for a page of a few columns (our assumption; Microsoft publishes no
 * figure). The modelled cost must dominate the simulator's own CPU per page (JSON, TLS),
 * which no latency model describes, or the "limit" would not be one: see docs/performance.md.
 */
export const EXPORT_LATENCY: LatencyModel = { perRequestMs: 100, perRowMs: 0.2 };

/** The model suggested in the issue, reported alongside to show what bounds a cheap model. */
export const EXAMPLE_LATENCY: LatencyModel = { perRequestMs: 50, perRowMs: 0.02 };

/** No modelled latency: client-cost comparisons and memory runs. */
export const NO_LATENCY: LatencyModel = { perRequestMs: 0, perRowMs: 0 };

/** Engine page size (its default and Dataverse's maximum). */
export const PAGE_SIZE = 5000;

/** Page size of the table-target run: small pages so the first (unoverlapped) fetch is short. */
export const TABLE_PAGE_SIZE = 1000;
