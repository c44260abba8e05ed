import type { ServerResponse } from 'node:http';

import type { TokenAuthority } from '../tokens';
import { ApplicationUsers, type AuthSettings } from './auth';
import { ChangeTokenPolicy } from './changeTokens';
import { newStoreContext, type StoreContext } from './database';
import type { ResolvedEnvironmentOptions } from './environmentOptions';
import { FaultQueue } from './faults';
import type { ResourceContext } from './resourceContext';
import { API_PATH } from './resources';
import { ServiceProtection } from './serviceProtection';
import { RequestStats } from './stats';
import { createTableHandle } from './tableHandle';
import { TableRegistry } from './tableRegistry';
import type {
  AccountRow,
  SimAttributeDefinition,
  SimEnvironment,
  SimFault,
  SimRequestRecord,
  SimRow,
  SimRowInput,
  SimTableHandle,
  SimTableName,
  SimValue,
  WritableAccountColumns,
} from './types';

/** Account control input without the `undefined`s a Partial allows. */
function accountInput(partial: Partial<WritableAccountColumns>): SimRowInput {
  const input: Record<string, SimValue> = {};
  for (const [column, value] of Object.entries(partial as Record<string, SimValue | undefined>))
    if (value !== undefined) input[column] = value;
  return input;
}

/** The account rows are SimRows with AccountRow's columns (until a test changes the schema). */
function asAccount(row: SimRow): AccountRow {
  return row as unknown as AccountRow;
}

/**
 * One simulated environment: its tables, users, faults, limits and statistics, plus the control
 * surface tests use. The HTTP side lives in `requestHandler.ts`.
 */
export class SimEnvironmentState implements SimEnvironment {
  readonly name: string;
  readonly serviceRootUrl: string;
  readonly organizationId: string;
  readonly tenantId: string;
  readonly baseLanguage: number;
  readonly shared: StoreContext;
  readonly tables: TableRegistry;
  readonly users = new ApplicationUsers();
  readonly faults = new FaultQueue();
  readonly stats = new RequestStats();
  readonly protection: ServiceProtection;
  readonly changeTokens: ChangeTokenPolicy;
  readonly context: ResourceContext;
  readonly auth: AuthSettings;
  /** Responses held open by `stall` faults; ended by the server's stop(). */
  readonly stalled = new Set<ServerResponse>();
  private readonly accounts: SimTableHandle;
  private clockOffsetMs = 0;

  constructor(
    readonly url: string,
    readonly options: ResolvedEnvironmentOptions,
    tokens: TokenAuthority,
  ) {
    this.name = options.name;
    this.serviceRootUrl = `${url}${API_PATH}`;
    this.organizationId = options.organizationId;
    this.tenantId = options.tenantId;
    this.baseLanguage = options.baseLanguage;
    const now = (): number => this.nowInMs();
    this.shared = newStoreContext(now);
    this.tables = new TableRegistry(this.shared, options.tables);
    this.accounts = createTableHandle(this.tables.account, this.name);
    for (const user of options.applicationUsers) this.users.set(user.appId, user.enabled);
    this.protection = new ServiceProtection(options.limits);
    this.changeTokens = new ChangeTokenPolicy(options.changeTokenLifetimeDays, now);
    this.context = {
      tables: this.tables,
      shared: this.shared,
      serviceRoot: this.serviceRootUrl,
      changeTokens: this.changeTokens,
      defaultPageSize: options.defaultPageSize,
      organization: {
        organizationId: options.organizationId,
        name: options.name,
        languageCode: options.baseLanguage,
        changeTokenLifetimeDays: options.changeTokenLifetimeDays,
      },
    };
    this.auth = {
      tokens,
      audience: url,
      tenantId: options.tenantId,
      organizationId: options.organizationId,
      users: this.users,
    };
  }

  /** The simulator clock: wall time moved by {@link advanceClock}. */
  nowInMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  seedAccounts(input: { count: number; seed: number }): void {
    this.accounts.seed(input);
  }

  createAccount(partial: Partial<WritableAccountColumns> = {}): string {
    return this.accounts.create(accountInput(partial));
  }

  updateAccount(id: string, changes: Partial<WritableAccountColumns>): void {
    this.accounts.update(id, accountInput(changes));
  }

  deleteAccount(id: string): void {
    this.accounts.delete(id);
  }

  getAccount(id: string): AccountRow | undefined {
    const row = this.accounts.get(id);
    return row === undefined ? undefined : asAccount(row);
  }

  *allAccounts(): IterableIterator<AccountRow> {
    for (const row of this.accounts.rows()) yield asAccount(row);
  }

  accountCount(): number {
    return this.accounts.count();
  }

  table(logicalName: SimTableName): SimTableHandle {
    return logicalName === 'account'
      ? this.accounts
      : createTableHandle(this.tables.require(logicalName), this.name);
  }

  setChangeTracking(logicalName: SimTableName, enabled: boolean): void {
    this.tables.require(logicalName).schema.changeTrackingEnabled = enabled;
  }

  addColumn(logicalName: SimTableName, attribute: SimAttributeDefinition): void {
    this.tables.require(logicalName).addColumn(attribute);
  }

  removeColumn(logicalName: SimTableName, attributeLogicalName: string): void {
    this.tables.require(logicalName).removeColumn(attributeLogicalName);
  }

  expireChangeTokens(): void {
    this.changeTokens.expireAll(this.shared.clock);
  }

  setApplicationUser(appId: string, options: { enabled: boolean }): void {
    this.users.set(appId, options.enabled);
  }

  removeApplicationUser(appId: string): void {
    this.users.remove(appId);
  }

  injectFault(fault: SimFault): void {
    this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  get requests(): readonly SimRequestRecord[] {
    return this.stats.requests;
  }

  requestCounts(): Record<string, number> {
    return this.stats.countsByRouteAndStatus();
  }

  get peakConcurrency(): number {
    return this.stats.peakConcurrency;
  }

  get inFlight(): number {
    return this.stats.inFlight;
  }

  resetStats(): void {
    this.stats.reset();
  }
}
