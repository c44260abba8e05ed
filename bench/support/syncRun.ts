import type { ClientStats } from '../../src/lib/dataverse';
import type { EnvironmentConnection } from './connection';

/**
 * The account columns every benchmarked sync copies (SYNC_TABLES=account(…)): the list the
 * account-only releases copied by default, kept so figures stay comparable across releases.
 */
export const SYNC_COLUMNS: readonly string[] = [
  'name',
  'accountnumber',
  'telephone1',
  'emailaddress1',
  'address1_city',
  'revenue',
  'statecode',
];

/** Which target a benchmarked sync writes to. */
export type SinkKind = 'discard' | 'count' | 'table';

/** Input of `children/sync.ts`: one full sync of one environment. */
export interface SyncChildInput {
  readonly connection: EnvironmentConnection;
  readonly sink: SinkKind;
  readonly pageSize: number;
  /** Azurite connection string and mirror table name (table sink only). */
  readonly storage?: { readonly connectionString: string; readonly tableName: string };
}

/** What `children/sync.ts` reports. */
export interface SyncChildOutput {
  readonly outcome: string;
  readonly error: string | undefined;
  readonly rows: number;
  readonly pages: number;
  /** Distinct accountids received (count sink only). */
  readonly distinctRows: number | undefined;
  readonly elapsedInMs: number;
  readonly peakRssInMb: number;
  readonly stats: Omit<ClientStats, 'lastThrottledAt'>;
}

/** Input of `children/tableWrite.ts`: the table sink alone writing generated pages. */
export interface TableWriteChildInput {
  /** Where to read account's definition from (once, before the timed writes). */
  readonly connection: EnvironmentConnection;
  readonly connectionString: string;
  readonly tableName: string;
  readonly environment: string;
  readonly seed: number;
  readonly rows: number;
  readonly pageSize: number;
}

export interface TableWriteChildOutput {
  readonly rows: number;
  /** Time spent inside applyPage only (row generation excluded). */
  readonly writeInMs: number;
  readonly peakRssInMb: number;
}
