import type { AccountStore } from './accountStore';
import type { ChangeTokenPolicy } from './changeTokens';

/** What the resource handlers (accounts, WhoAmI, $batch parts) need from their environment. */
export interface ResourceContext {
  readonly store: AccountStore;
  /** `https://127.0.0.1:PORT/api/data/v9.2/` */
  readonly serviceRoot: string;
  readonly changeTokens: ChangeTokenPolicy;
  /** Page size without odata.maxpagesize (default and maximum 5000). */
  readonly defaultPageSize: number;
}

/** One request to a resource, after auth: also what a $batch part turns into. */
export interface ResourceRequest {
  method: string;
  /** Absolute URL (the service root prefix identifies the resource). */
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export const MAX_PAGE_SIZE = 5000;
