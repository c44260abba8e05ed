import type { EnvironmentConnection } from './connection';

/** Which client reads the table in `children/read.ts`. */
/**
 * `bare` is a floor, not a contender: node:https + JSON.parse page by page, no pipeline at all,
 * to show what any page-at-a-time reader costs in this runtime.
 */
export type Reader = 'project' | 'dynamics-web-api' | 'bare';

export interface ReadChildInput {
  readonly reader: Reader;
  readonly connection: EnvironmentConnection;
  readonly columns: readonly string[];
  readonly pageSize: number;
}

export interface ReadChildOutput {
  readonly rows: number;
  readonly elapsedInMs: number;
  readonly peakRssInMb: number;
}
