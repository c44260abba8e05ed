/**
 * Public types of the Dataverse Web API simulator: options, the per-environment control
 * surface, faults and statistics. Behaviour is specified in
 * `../shared/reference/dataverse-web-api.md`; choices on undocumented points are listed in
 * `README.md` next to this file.
 */

import type {
  SimAttributeDefinition,
  SimTableHandle,
  SimTableName,
  SimTablesOptions,
} from './tableTypes';

export type * from './tableTypes';

/** One row of the simulated `account` table as it goes on the wire (without annotations). */
export interface AccountRow {
  accountid: string;
  name: string | null;
  accountnumber: string | null;
  telephone1: string | null;
  emailaddress1: string | null;
  websiteurl: string | null;
  address1_line1: string | null;
  address1_city: string | null;
  address1_postalcode: string | null;
  address1_country: string | null;
  revenue: number | null;
  /** revenue in the base currency (exchange rate 1): maintained by the platform. */
  revenue_base: number | null;
  numberofemployees: number | null;
  industrycode: number | null;
  description: string | null;
  statecode: number;
  statuscode: number;
  createdon: string;
  modifiedon: string;
  versionnumber: number;
  _primarycontactid_value: string | null;
  _ownerid_value: string;
  /** Set by the platform whenever a money column has a value. */
  _transactioncurrencyid_value: string | null;
  /** Image bytes (base64); sent only when named in `$select` (README). */
  entityimage: string | null;
  entityimage_url: string | null;
  entityimage_timestamp: number | null;
  entityimageid: string | null;
}

/** Columns a client may write (everything except the key and system-maintained columns). */
export type WritableAccountColumns = Omit<
  AccountRow,
  | 'accountid'
  | 'createdon'
  | 'modifiedon'
  | 'versionnumber'
  | '_ownerid_value'
  | 'revenue_base'
  | '_transactioncurrencyid_value'
  | 'entityimage_url'
  | 'entityimage_timestamp'
  | 'entityimageid'
>;

export interface ServiceProtectionLimits {
  /** In-flight requests per application user; one more fails at once with 0x80072326. */
  concurrent: number;
  /** Requests per application user in the sliding window (0x80072322). */
  requestsPerWindow: number;
  /** Modelled execution time per application user in the sliding window (0x80072321). */
  executionTimeMsPerWindow: number;
  windowMs: number;
}

/**
 * Latency model: every request costs `perRequestMs + rows * perRowMs` (rows returned or
 * written), waited with a timer, so the event loop stays free for other requests.
 */
export interface LatencyModel {
  perRequestMs: number;
  perRowMs: number;
}

export interface SimApplicationUser {
  appId: string;
  /** Default true. A disabled user fails every call with 403 (see README for the code). */
  enabled?: boolean;
}

export interface SimEnvironmentOptions {
  /** Short name used to look the environment up, e.g. `contoso-prod`. */
  name: string;
  /** Entra tenant the environment belongs to: tokens must carry this `tid`. */
  tenantId: string;
  organizationId?: string;
  applicationUsers: SimApplicationUser[];
  /** Seeded base rows generated on demand; default none. */
  accounts?: { count: number; seed: number };
  /** Seeded rows of the other tables (contact, new_project); default none. */
  tables?: SimTablesOptions;
  /** The organization's base language (LCID): labels and formatted values; default 1033. */
  baseLanguage?: number;
  /** Page size when the client sends no odata.maxpagesize; default and maximum 5000. */
  defaultPageSize?: number;
  /** Value of the x-ms-dop-hint response header; default 4. */
  dopHint?: number;
  limits?: Partial<ServiceProtectionLimits>;
  latency?: Partial<LatencyModel>;
  /** Organization.ExpireChangeTrackingInDays; default 7. */
  changeTokenLifetimeDays?: number;
}

/** Which part of the API a request hit: used by faults and statistics. */
export type SimRoute =
  'whoami' | 'accounts' | 'contacts' | 'new_projects' | 'metadata' | 'batch' | 'other';
/** Route filter of a fault; `any` (the default) matches every route. */
export type FaultRoute = SimRoute | 'any';

/**
 * A fault injected into the next matching requests. Faults are consumed in the order they were
 * injected; latency faults add to whatever else happens to the request.
 */
export type SimFault =
  | { kind: 'latency'; extraMs: number; count?: number; route?: FaultRoute }
  | {
      kind: 'throttle';
      code: 'concurrency' | 'requests' | 'executionTime';
      retryAfterSeconds: number;
      count: number;
      route?: FaultRoute;
    }
  | {
      kind: 'serverError';
      status: 500 | 502 | 503 | 504;
      count: number;
      code?: string;
      route?: FaultRoute;
    }
  /** Destroys the socket without an answer (the client sees ECONNRESET / socket hang up). */
  | { kind: 'dropConnection'; count: number; route?: FaultRoute }
  /** Never answers, until the client gives up or the simulator stops. */
  | { kind: 'stall'; count: number; route?: FaultRoute };

/** One request as the simulator saw it. No headers or bodies are kept (they may hold tokens). */
export interface SimRequestRecord {
  method: string;
  route: SimRoute;
  /** 0 when no status was sent (dropped or stalled). */
  status: number;
  appId: string | undefined;
  atMs: number;
}

/** Control and inspection surface of one simulated environment. */
export interface SimEnvironment {
  readonly name: string;
  /** `https://127.0.0.1:PORT` (no trailing slash): the token audience. */
  readonly url: string;
  /** `url + /api/data/v9.2/`. */
  readonly serviceRootUrl: string;
  readonly organizationId: string;
  readonly tenantId: string;
  /** The organization's base language (LCID), `organizations?$select=languagecode`. */
  readonly baseLanguage: number;

  /** Replaces every row with `count` generated rows (no change-log entries). */
  seedAccounts(input: { count: number; seed: number }): void;
  /** Creates a row like a client would (new version, change-log entry); returns its id. */
  createAccount(partial?: Partial<WritableAccountColumns>): string;
  updateAccount(id: string, changes: Partial<WritableAccountColumns>): void;
  deleteAccount(id: string): void;
  getAccount(id: string): AccountRow | undefined;
  /** Every live row in internal order, generated lazily (safe with a million rows). */
  allAccounts(): IterableIterator<AccountRow>;
  accountCount(): number;
  /** Control handle of any simulated table (`account` shares the store of the methods above). */
  table(logicalName: SimTableName): SimTableHandle;
  /** Turns a table's change tracking on or off (Dataverse itself cannot turn it off again). */
  setChangeTracking(logicalName: SimTableName, enabled: boolean): void;
  /** A schema change: the column appears in the metadata and, null, in every row. */
  addColumn(logicalName: SimTableName, attribute: SimAttributeDefinition): void;
  /** A schema change: the column (and its shadow columns) leave the metadata and the rows. */
  removeColumn(logicalName: SimTableName, attributeLogicalName: string): void;
  /** Makes every change token issued so far fail with 0x80044352. */
  expireChangeTokens(): void;
  /** Moves the simulator clock (token age, createdon/modifiedon of new changes). */
  advanceClock(ms: number): void;
  setApplicationUser(appId: string, options: { enabled: boolean }): void;
  removeApplicationUser(appId: string): void;
  injectFault(fault: SimFault): void;
  clearFaults(): void;

  readonly requests: readonly SimRequestRecord[];
  /** Counts keyed `"<route> <status>"`, e.g. `"accounts 200"`, `"whoami 429"`. */
  requestCounts(): Record<string, number>;
  readonly peakConcurrency: number;
  readonly inFlight: number;
  resetStats(): void;
}

export interface DataverseSimulator {
  environment(name: string): SimEnvironment;
  readonly environments: readonly SimEnvironment[];
  stop(): Promise<void>;
}
