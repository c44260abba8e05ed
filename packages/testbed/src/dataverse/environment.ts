import type { ServerResponse } from 'node:http';

import type { TokenAuthority } from '../tokens';
import { parseAccountBody } from './accountColumns';
import { AccountStore } from './accountStore';
import { ApplicationUsers, type AuthSettings } from './auth';
import { ChangeTokenPolicy } from './changeTokens';
import type { ResolvedEnvironmentOptions } from './environmentOptions';
import { FaultQueue } from './faults';
import type { ResourceContext } from './resourceContext';
import { API_PATH } from './resources';
import { ServiceProtection } from './serviceProtection';
import { RequestStats } from './stats';
import type {
  AccountRow,
  SimEnvironment,
  SimFault,
  SimRequestRecord,
  WritableAccountColumns,
} from './types';

/**
 * One simulated environment: its data, users, faults, limits and statistics, plus the control
 * surface tests use. The HTTP side lives in `requestHandler.ts`.
 */
export class SimEnvironmentState implements SimEnvironment {
  readonly name: string;
  readonly serviceRootUrl: string;
  readonly organizationId: string;
  readonly tenantId: string;
  readonly store: AccountStore;
  readonly users = new ApplicationUsers();
  readonly faults = new FaultQueue();
  readonly stats = new RequestStats();
  readonly protection: ServiceProtection;
  readonly changeTokens: ChangeTokenPolicy;
  readonly context: ResourceContext;
  readonly auth: AuthSettings;
  /** Responses held open by `stall` faults; ended by the server's stop(). */
  readonly stalled = new Set<ServerResponse>();
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
    const now = (): number => this.nowInMs();
    this.store = new AccountStore(now);
    this.store.seed(options.accounts.count, options.accounts.seed);
    for (const user of options.applicationUsers) this.users.set(user.appId, user.enabled);
    this.protection = new ServiceProtection(options.limits);
    this.changeTokens = new ChangeTokenPolicy(options.changeTokenLifetimeDays, now);
    this.context = {
      store: this.store,
      serviceRoot: this.serviceRootUrl,
      changeTokens: this.changeTokens,
      defaultPageSize: options.defaultPageSize,
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
    this.store.seed(input.count, input.seed);
  }

  createAccount(partial: Partial<WritableAccountColumns> = {}): string {
    const { accountid, ...values } = parseAccountBody(partial);
    return this.store.create(values, accountid ?? undefined).accountid;
  }

  updateAccount(id: string, changes: Partial<WritableAccountColumns>): void {
    this.store.update(this.requirePosition(id), parseAccountBody(changes));
  }

  deleteAccount(id: string): void {
    this.store.delete(this.requirePosition(id));
  }

  getAccount(id: string): AccountRow | undefined {
    const position = this.store.positionOfId(id);
    return position === undefined ? undefined : this.store.rowAt(position);
  }

  *allAccounts(): IterableIterator<AccountRow> {
    const end = this.store.endPosition;
    for (let position = 0; position < end; position++) {
      const row = this.store.rowAt(position);
      if (row !== undefined) yield row;
    }
  }

  accountCount(): number {
    return this.store.liveCount;
  }

  expireChangeTokens(): void {
    this.changeTokens.expireAll(this.store);
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

  private requirePosition(id: string): number {
    const position = this.store.positionOfId(id);
    if (position === undefined)
      throw new Error(`No account with id ${id} in environment '${this.name}'`);
    return position;
  }
}
