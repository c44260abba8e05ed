import { randomUUID } from 'node:crypto';

import type { StoreContext } from './database';
import { duplicateRecord, type SimHttpError } from './errors';
import { toDataverseDateTime } from './tables/seededValues';
import type { SimRow, SimValue } from './tableTypes';

/** Positions (internal order) of the rows changed in a version range, last change wins. */
export interface ChangeSet {
  /** Rows whose last change in the range was a create or update, by that change's version. */
  upserts: number[];
  /** Rows whose last change in the range was a delete (created-then-deleted rows included). */
  deletions: number[];
}

/** An alternate key whose base values decode to a position (accounts' `accountnumber`). */
export interface AlternateKey {
  readonly column: string;
  positionOfBase(value: string): number | undefined;
  duplicate(): SimHttpError;
}

/** Where a table's base rows come from and what a new row starts as. */
export interface RowSource {
  readonly primaryId: string;
  /** Base row `position`: a pure function of (seed, position) with versionnumber position + 1. */
  generate(seed: number, position: number): SimRow;
  positionOfBaseId(seed: number, baseCount: number, id: string): number | undefined;
  /** What a create starts from: nulls, the default state and status, the seeded owner. */
  emptyRow(seed: number): SimRow;
  /** Columns the platform derives on every write (money `_base`, the currency). */
  derive?(row: Record<string, SimValue>): void;
  readonly alternateKey?: AlternateKey;
}

/**
 * The rows of one table. Base rows 0..baseCount-1 are generated on demand; only overrides
 * (updated or created rows), deletions and an append-only change log are kept. A row's position
 * is its place in the internal order: base rows first, created rows after them in creation order.
 * Versions come from the environment's shared clock, like Dataverse's rowversion.
 */
export class TableStore {
  private seedValue = 0;
  private baseCountValue = 0;
  private overrides = new Map<number, SimRow>();
  private deleted = new Set<number>();
  private createdIds = new Map<string, number>();
  /** Alternate-key values of overridden and created rows (base rows decode theirs). */
  private keyIndex = new Map<string, number>();
  private nextPosition = 0;
  private live = 0;
  private logVersions: number[] = [];
  private logPositions: number[] = [];
  private logIsDelete: boolean[] = [];
  /** Set by the table after a schema change: brings rows to the current columns. */
  conform: ((row: SimRow, isBase: boolean) => SimRow) | undefined;

  constructor(
    private readonly source: RowSource,
    private readonly shared: StoreContext,
  ) {}

  /** The alternate key column (`accountnumber`), if the table has one. */
  get alternateKeyColumn(): string | undefined {
    return this.source.alternateKey?.column;
  }

  /** How many base rows the last seeding generated. */
  get baseCount(): number {
    return this.baseCountValue;
  }

  /** The seed the base rows were generated with. */
  get currentSeed(): number {
    return this.seedValue;
  }

  /** Replaces every row with `count` generated ones; the change log starts empty. */
  seed(count: number, seed: number): void {
    this.seedValue = seed;
    this.baseCountValue = count;
    this.overrides = new Map();
    this.deleted = new Set();
    this.createdIds = new Map();
    this.keyIndex = new Map();
    this.nextPosition = count;
    this.live = count;
    this.logVersions = [];
    this.logPositions = [];
    this.logIsDelete = [];
    this.shared.clock.raiseTo(count);
  }

  get currentVersion(): number {
    return this.shared.clock.current;
  }

  /** One past the last position ever used. */
  get endPosition(): number {
    return this.nextPosition;
  }

  get liveCount(): number {
    return this.live;
  }

  /** The live row at `position`, or undefined if deleted / never used. */
  rowAt(position: number): SimRow | undefined {
    if (position < 0 || position >= this.nextPosition || this.deleted.has(position))
      return undefined;
    const override = this.overrides.get(position);
    const row = override ?? this.source.generate(this.seedValue, position);
    return this.conform === undefined ? row : this.conform(row, override === undefined);
  }

  /** Id of the row that is or was at `position` (deleted rows keep theirs for delta output). */
  idAt(position: number): string {
    const row = this.overrides.get(position) ?? this.source.generate(this.seedValue, position);
    return String(row[this.source.primaryId]);
  }

  positionOfId(id: string): number | undefined {
    const normalised = id.toLowerCase();
    const position =
      this.createdIds.get(normalised) ??
      this.source.positionOfBaseId(this.seedValue, this.baseCountValue, normalised);
    return position === undefined || this.deleted.has(position) ? undefined : position;
  }

  positionOfAlternateKey(value: string): number | undefined {
    const key = this.source.alternateKey;
    if (key === undefined) return undefined;
    const indexed = this.keyIndex.get(value);
    if (indexed !== undefined) return this.deleted.has(indexed) ? undefined : indexed;
    const position = key.positionOfBase(value);
    if (position === undefined || position >= this.baseCountValue || this.deleted.has(position))
      return undefined;
    const override = this.overrides.get(position);
    return override === undefined || override[key.column] === value ? position : undefined;
  }

  /** Creates a row (optionally with a client-chosen id). Fails on a duplicate id or alternate key. */
  create(values: Readonly<Record<string, SimValue>>, id?: string): SimRow {
    const primaryId = this.source.primaryId;
    const rowId = (id ?? randomUUID()).toLowerCase();
    if (this.positionOfId(rowId) !== undefined) throw duplicateRecord();
    const nowIso = toDataverseDateTime(this.shared.nowInMs());
    const row: Record<string, SimValue> = {
      ...this.source.emptyRow(this.seedValue),
      ...values,
      [primaryId]: rowId,
      createdon: nowIso,
      modifiedon: nowIso,
      versionnumber: 0,
    };
    const position = this.nextPosition;
    this.checkAlternateKey(row, position);
    // A deleted row's id may be reused by a new row, as in Dataverse.
    const previousPosition = this.createdIds.get(rowId);
    this.nextPosition += 1;
    this.createdIds.set(rowId, position);
    this.live += 1;
    this.shared.undo.push(() => {
      this.nextPosition -= 1;
      if (previousPosition === undefined) this.createdIds.delete(rowId);
      else this.createdIds.set(rowId, previousPosition);
      this.live -= 1;
    });
    return this.write(position, row);
  }

  /** Applies `changes` to the live row at `position` and returns the new state. */
  update(position: number, changes: Readonly<Record<string, SimValue>>): SimRow {
    const current = this.rowAt(position);
    if (current === undefined) throw new Error(`update: no live row at position ${position}`);
    const primaryId = this.source.primaryId;
    const row: Record<string, SimValue> = {
      ...current,
      ...changes,
      [primaryId]: current[primaryId] ?? null,
      modifiedon: toDataverseDateTime(this.shared.nowInMs()),
    };
    if (this.source.alternateKey !== undefined && this.source.alternateKey.column in changes)
      this.checkAlternateKey(row, position);
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
    const keyValue = this.keyOf(current);
    this.unindex(keyValue, position);
    this.log(position, true);
    this.shared.undo.push(() => {
      this.deleted.delete(position);
      this.live += 1;
      if (previousOverride === undefined) this.overrides.delete(position);
      else this.overrides.set(position, previousOverride);
      if (keyValue !== null) this.keyIndex.set(keyValue, position);
    });
  }

  /** Runs `work` atomically (see UndoLog): the environment's change sets span tables. */
  transaction<T>(work: () => T): T {
    return this.shared.undo.transaction(work);
  }

  /** A schema change removed a column: forget the values written to it. */
  dropColumn(wireName: string): void {
    for (const [position, row] of this.overrides) {
      if (!(wireName in row)) continue;
      const { [wireName]: _dropped, ...rest } = row;
      this.overrides.set(position, rest);
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

  private write(position: number, row: Record<string, SimValue>): SimRow {
    const previous = this.overrides.get(position);
    const previousKey = previous === undefined ? null : this.keyOf(previous);
    this.source.derive?.(row);
    const version = this.log(position, false);
    const stored: SimRow = { ...row, versionnumber: version };
    const storedKey = this.keyOf(stored);
    this.overrides.set(position, stored);
    this.unindex(previousKey, position);
    if (storedKey !== null) this.keyIndex.set(storedKey, position);
    this.shared.undo.push(() => {
      this.unindex(storedKey, position);
      if (previous === undefined) this.overrides.delete(position);
      else this.overrides.set(position, previous);
      if (previousKey !== null) this.keyIndex.set(previousKey, position);
    });
    return stored;
  }

  private log(position: number, isDelete: boolean): number {
    const version = this.shared.clock.next();
    this.logVersions.push(version);
    this.logPositions.push(position);
    this.logIsDelete.push(isDelete);
    this.shared.undo.push(() => {
      this.logVersions.pop();
      this.logPositions.pop();
      this.logIsDelete.pop();
    });
    return version;
  }

  private keyOf(row: SimRow): string | null {
    const column = this.source.alternateKey?.column;
    const value = column === undefined ? null : row[column];
    return typeof value === 'string' ? value : null;
  }

  private checkAlternateKey(row: SimRow, position: number): void {
    const value = this.keyOf(row);
    if (value === null || this.source.alternateKey === undefined) return;
    const holder = this.positionOfAlternateKey(value);
    if (holder !== undefined && holder !== position) throw this.source.alternateKey.duplicate();
  }

  private unindex(value: string | null, position: number): void {
    if (value !== null && this.keyIndex.get(value) === position) this.keyIndex.delete(value);
  }
}
