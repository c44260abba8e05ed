import type { ClientStats } from '../http';
import type { EnvironmentSettings } from '../settings';

export type { ClientStats };

/** One Dataverse row as JSON (annotations like @odata.etag included as received). */
export type DataverseRow = Record<string, unknown>;

export interface WhoAmIResult {
  readonly UserId: string;
  readonly BusinessUnitId: string;
  readonly OrganizationId: string;
  /** x-ms-dop-hint of the response, when present. */
  readonly dopHint: number | undefined;
  readonly latencyInMs: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Epoch ms by which the call must end (the client's own 5-minute deadline otherwise). */
  readonly deadlineAt?: number;
}

export interface PageOptions {
  /** Prefer: odata.maxpagesize (1..5000). */
  readonly pageSize?: number;
  /**
   * Prefer: odata.include-annotations="…": the annotations to receive, e.g.
   * `Microsoft.Dynamics.CRM.lookuplogicalname`. Name them: "*" adds formatted values, which
   * have been reported to drop the deltaLink on a change-tracking round's last page.
   */
  readonly annotations?: readonly string[];
  readonly signal?: AbortSignal;
}

/** One page of a plain query. */
export interface QueryPage {
  readonly rows: readonly DataverseRow[];
  readonly nextLink: string | undefined;
}

/**
 * One page of a change-tracking round. Upserts come as rows; deletions as ids. A round ends
 * with the page that carries `deltaLink`; earlier pages carry `nextLink`.
 */
export interface ChangePage {
  readonly upserts: readonly DataverseRow[];
  readonly deletes: readonly string[];
  readonly nextLink: string | undefined;
  readonly deltaLink: string | undefined;
}

/** Where a change-tracking round starts: a fresh full load, a saved deltaLink, or a saved nextLink. */
export type ChangeRoundStart =
  | { readonly kind: 'full'; readonly entitySet: string; readonly select: readonly string[] }
  | { readonly kind: 'link'; readonly url: string };

/**
 * The Dataverse Web API client for one environment, shared process-wide. Every call goes
 * through the same steps: bearer token, correlation id, timeout, retry, concurrency limit.
 */
export interface DataverseClient {
  readonly environment: EnvironmentSettings;
  /**
   * `deadlineAt` (epoch ms): retries stop so that the call ends by then, with the last failure
   * (a health check must answer before its poller gives up).
   */
  whoAmI(signal?: AbortSignal, options?: CallOptions): Promise<WhoAmIResult>;
  /** Pages of a query path relative to the service root, e.g. `accounts?$select=name`. */
  queryPages(path: string, options?: PageOptions): AsyncIterable<QueryPage>;
  /** Rows of a query, flattening pages. */
  queryRows(path: string, options?: PageOptions): AsyncIterable<DataverseRow>;
  /**
   * Pages of a change-tracking round. Throws ExpiredChangeTokenError (0x80044352) when a
   * delta token is too old: the caller must start a full round.
   */
  changePages(start: ChangeRoundStart, options?: PageOptions): AsyncIterable<ChangePage>;
  /** GET a path relative to the service root and return the JSON body. */
  getJson<T>(path: string, signal?: AbortSignal): Promise<T>;
  stats(): ClientStats;
}
