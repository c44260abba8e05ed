import { randomUUID } from 'node:crypto';

import {
  generateBaseAccount,
  positionOfBaseAccountNumber,
  positionOfBaseId,
  seededOwnerId,
  toDataverseDateTime,
} from './accountGenerator';
import { duplicateAlternateKey, duplicateRecord } from './errors';
import type { AccountRow, WritableAccountColumns } from './types';

/** Positions (internal order) of the rows changed in a version range, last change wins. */
export interface ChangeSet {
  /** Rows whose last change in the range was a create or update, by that change's version. */
  upserts: number[];
  /** Rows whose last change in the range was a delete (created-then-deleted rows included). */
  deletions: number[];
}

const EMPTY_ROW: Omit<
  AccountRow,
  'accountid' | 'createdon' | 'modifiedon' | 'versionnumber' | '_ownerid_value'
> = {
  name: null,
  accountnumber: null,
  telephone1: null,
  emailaddress1: null,
  websiteurl: null,
  address1_line1: null,
  address1_city: null,
  address1_postalcode: null,
  address1_country: null,
  revenue: null,
  numberofemployees: null,
  industrycode: null,
  description: null,
  statecode: 0,
  statuscode: 1,
  _primarycontactid_value: null,
};

/**
 * The account table of one environment. Base rows 0..baseCount-1 are generated on demand by
 * {@link generateBaseAccount}; only overrides (updated or created rows), deletions and an
 * append-only change log are kept. A row's position is its place in the internal order:
 * base rows first, created rows after them in creation order. The version counter is global
 * to the environment and moves on every change, like Dataverse's rowversion.
 */
export class AccountStore {
  private seedValue = 0;
  private baseCount = 0;
  private overrides = new Map<number, AccountRow>();
  private deleted = new Set<number>();
  private createdIds = new Map<string, number>();
  /** Account numbers of overridden and created rows (base rows decode theirs). */
  private accountNumberIndex = new Map<string, number>();
  private nextPosition = 0;
  private live = 0;
  private version = 0;
  private logVersions: number[] = [];
  private logPositions: number[] = [];
  private logIsDelete: boolean[] = [];
  /** Undo steps of the open change set, newest last; undefined outside a transaction. */
  private undoSteps: (() => void)[] | undefined;

  constructor(private readonly nowInMs: () => number) {}

  /** Replaces every row with `count` generated ones; the change log starts empty. */
  seed(count: number, seed: number): void {
    this.seedValue = seed;
    this.baseCount = count;
    this.overrides = new Map();
    this.deleted = new Set();
    this.createdIds = new Map();
    this.accountNumberIndex = new Map();
    this.nextPosition = count;
    this.live = count;
    this.version = count;
    this.logVersions = [];
    this.logPositions = [];
    this.logIsDelete = [];
  }

  get currentVersion(): number {
    return this.version;
  }

  /** One past the last position ever used. */
  get endPosition(): number {
    return this.nextPosition;
  }

  get liveCount(): number {
    return this.live;
  }

  /** Moves the version counter without a change: tokens issued before stay distinguishable. */
  bumpVersion(): number {
    this.version += 1;
    return this.version;
  }

  /** The live row at `position`, or undefined if deleted / never used. */
  rowAt(position: number): AccountRow | undefined {
    if (position < 0 || position >= this.nextPosition || this.deleted.has(position))
      return undefined;
    return this.overrides.get(position) ?? generateBaseAccount(this.seedValue, position);
  }

  /** Id of the row that is or was at `position` (deleted rows keep theirs for delta output). */
  idAt(position: number): string {
    return (
      this.overrides.get(position)?.accountid ??
      generateBaseAccount(this.seedValue, position).accountid
    );
  }

  positionOfId(id: string): number | undefined {
    const normalised = id.toLowerCase();
    const position =
      this.createdIds.get(normalised) ??
      positionOfBaseId(this.seedValue, this.baseCount, normalised);
    return position === undefined || this.deleted.has(position) ? undefined : position;
  }

  positionOfAccountNumber(accountNumber: string): number | undefined {
    const indexed = this.accountNumberIndex.get(accountNumber);
    if (indexed !== undefined) return this.deleted.has(indexed) ? undefined : indexed;
    const position = positionOfBaseAccountNumber(accountNumber);
    if (position === undefined || position >= this.baseCount || this.deleted.has(position))
      return undefined;
    const override = this.overrides.get(position);
    return override === undefined || override.accountnumber === accountNumber
      ? position
      : undefined;
  }

  /** Creates a row (optionally with a client-chosen id). Fails on a duplicate id or alternate key. */
  create(values: Partial<WritableAccountColumns>, id?: string): AccountRow {
    const accountid = (id ?? randomUUID()).toLowerCase();
    if (this.positionOfId(accountid) !== undefined) throw duplicateRecord();
    const nowIso = toDataverseDateTime(this.nowInMs());
    const row: AccountRow = {
      ...EMPTY_ROW,
      ...values,
      accountid,
      createdon: nowIso,
      modifiedon: nowIso,
      versionnumber: 0,
      _ownerid_value: seededOwnerId(this.seedValue),
    };
    const position = this.nextPosition;
    this.checkAlternateKey(row.accountnumber, position);
    // A deleted row's id may be reused by a new row, as in Dataverse.
    const previousPosition = this.createdIds.get(accountid);
    this.nextPosition += 1;
    this.createdIds.set(accountid, position);
    this.live += 1;
    this.onUndo(() => {
      this.nextPosition -= 1;
      if (previousPosition === undefined) this.createdIds.delete(accountid);
      else this.createdIds.set(accountid, previousPosition);
      this.live -= 1;
    });
    return this.write(position, row);
  }

  /** Applies `changes` to the live row at `position` and returns the new state. */
  update(position: number, changes: Partial<WritableAccountColumns>): AccountRow {
    const current = this.rowAt(position);
    if (current === undefined) throw new Error(`update: no live row at position ${position}`);
    if (changes.accountnumber !== undefined)
      this.checkAlternateKey(changes.accountnumber, position);
    const row: AccountRow = {
      ...current,
      ...changes,
      accountid: current.accountid,
      modifiedon: toDataverseDateTime(this.nowInMs()),
    };
    return this.write(position, row);
  }

  delete(position: number): void {
    const current = this.rowAt(position);
    if (current === undefined) throw new Error(`delete: no live row at position ${position}`);
    const previousOverride = this.overrides.get(position);
    // Keep the row (with its id) so that delta output can still name it.
    this.overrides.set(position, current);
    this.deleted.add(position);
    this.live -= 1;
    this.unindex(current.accountnumber, position);
    this.log(position, true);
    this.onUndo(() => {
      this.deleted.delete(position);
      this.live += 1;
      if (previousOverride === undefined) this.overrides.delete(position);
      else this.overrides.set(position, previousOverride);
      if (current.accountnumber !== null)
        this.accountNumberIndex.set(current.accountnumber, position);
    });
  }

  /** Runs `work` atomically: if it throws, every change it made is undone (change sets). */
  transaction<T>(work: () => T): T {
    if (this.undoSteps !== undefined) return work();
    const steps: (() => void)[] = [];
    this.undoSteps = steps;
    try {
      return work();
    } catch (error) {
      for (let index = steps.length - 1; index >= 0; index--) steps[index]?.();
      throw error;
    } finally {
      this.undoSteps = undefined;
    }
  }

  /** Rows changed with a version in (fromVersion, toVersion]; the log is sorted by version. */
  changesBetween(fromVersion: number, toVersion: number): ChangeSet {
    let low = 0;
    let high = this.logVersions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.logVersions[middle] ?? 0) <= fromVersion) low = middle + 1;
      else high = middle;
    }
    const last = new Map<number, boolean>();
    for (let index = low; index < this.logVersions.length; index++) {
      if ((this.logVersions[index] ?? 0) > toVersion) break;
      const position = this.logPositions[index] ?? 0;
      // Delete and re-insert so that Map order is the order of each row's last change.
      last.delete(position);
      last.set(position, this.logIsDelete[index] ?? false);
    }
    const changes: ChangeSet = { upserts: [], deletions: [] };
    for (const [position, isDelete] of last) {
      (isDelete ? changes.deletions : changes.upserts).push(position);
    }
    return changes;
  }

  private write(position: number, row: AccountRow): AccountRow {
    const previous = this.overrides.get(position);
    const previousNumber = previous?.accountnumber ?? null;
    const version = this.log(position, false);
    const stored: AccountRow = { ...row, versionnumber: version };
    this.overrides.set(position, stored);
    this.unindex(previousNumber, position);
    if (stored.accountnumber !== null) this.accountNumberIndex.set(stored.accountnumber, position);
    this.onUndo(() => {
      if (stored.accountnumber !== null) this.unindex(stored.accountnumber, position);
      if (previous === undefined) this.overrides.delete(position);
      else this.overrides.set(position, previous);
      if (previousNumber !== null) this.accountNumberIndex.set(previousNumber, position);
    });
    return stored;
  }

  private log(position: number, isDelete: boolean): number {
    this.version += 1;
    this.logVersions.push(this.version);
    this.logPositions.push(position);
    this.logIsDelete.push(isDelete);
    this.onUndo(() => {
      this.logVersions.pop();
      this.logPositions.pop();
      this.logIsDelete.pop();
    });
    return this.version;
  }

  private checkAlternateKey(accountNumber: string | null, position: number): void {
    if (accountNumber === null) return;
    const holder = this.positionOfAccountNumber(accountNumber);
    if (holder !== undefined && holder !== position) throw duplicateAlternateKey();
  }

  private unindex(accountNumber: string | null, position: number): void {
    if (accountNumber !== null && this.accountNumberIndex.get(accountNumber) === position) {
      this.accountNumberIndex.delete(accountNumber);
    }
  }

  private onUndo(step: () => void): void {
    this.undoSteps?.push(step);
  }
}
