import type { StoreContext } from './database';
import { BASE_CURRENCY_ID, seededOwnerId } from './tables/seededValues';
import { TableSchema } from './tableSchema';
import { type RowSource, TableStore } from './tableStore';
import type { SimAttributeDefinition, SimRow, SimTableDefinition, SimValue } from './tableTypes';

/** The key that holds the target table of a multi-target lookup in a stored row. */
export function lookupTargetKey(wireName: string): string {
  return `${wireName}@Microsoft.Dynamics.CRM.lookuplogicalname`;
}

/** What a table module provides: its generator; the rest has defaults built from the schema. */
export type TableRows = Pick<RowSource, 'generate' | 'positionOfBaseId'> &
  Partial<Omit<RowSource, 'generate' | 'positionOfBaseId' | 'primaryId'>>;

/**
 * One simulated table: its live schema (metadata) and its rows. Schema changes reach the rows
 * through the store's `conform` hook, so every reader sees the current columns.
 */
export class SimTable {
  readonly schema: TableSchema;
  readonly store: TableStore;

  constructor(
    definition: SimTableDefinition,
    rows: TableRows | ((schema: TableSchema) => TableStore),
    shared: StoreContext,
  ) {
    this.schema = new TableSchema(definition);
    this.store =
      typeof rows === 'function' ? rows(this.schema) : new TableStore(this.source(rows), shared);
  }

  get logicalName(): string {
    return this.schema.logicalName;
  }

  addColumn(attribute: SimAttributeDefinition): void {
    this.schema.addAttribute(attribute);
    this.conformRows();
  }

  removeColumn(logicalName: string): void {
    for (const wireName of this.schema.removeAttribute(logicalName)) {
      this.store.dropColumn(wireName);
      this.store.dropColumn(lookupTargetKey(wireName));
    }
    this.conformRows();
  }

  /** Every live row in internal order, generated lazily. */
  *liveRows(): IterableIterator<SimRow> {
    const end = this.store.endPosition;
    for (let position = 0; position < end; position++) {
      const row = this.store.rowAt(position);
      if (row !== undefined) yield row;
    }
  }

  /** The primary name of the row `id`, for formatted lookup values. */
  nameOf(id: string): string | undefined {
    const position = this.store.positionOfId(id);
    const row = position === undefined ? undefined : this.store.rowAt(position);
    const name = row?.[this.schema.info.PrimaryNameAttribute];
    return typeof name === 'string' ? name : undefined;
  }

  private conformRows(): void {
    const schema = this.schema;
    this.store.conform = (row, isBase) => {
      const conformed: Record<string, SimValue> = {};
      for (const column of schema.columns()) {
        const name = column.wireName;
        conformed[name] = isBase && schema.isReset(name) ? null : (row[name] ?? null);
        const targetKey = lookupTargetKey(name);
        if (column.lookup !== undefined && row[targetKey] !== undefined)
          conformed[targetKey] = row[targetKey] ?? null;
      }
      return conformed;
    };
  }

  private source(rows: TableRows): RowSource {
    const schema = this.schema;
    return {
      primaryId: schema.primaryId,
      generate: rows.generate,
      positionOfBaseId: rows.positionOfBaseId,
      emptyRow: rows.emptyRow ?? ((seed) => emptyRow(schema, seed)),
      derive: (row) => {
        deriveMoney(schema, row);
        rows.derive?.(row);
      },
      ...(rows.alternateKey === undefined ? {} : { alternateKey: rows.alternateKey }),
    };
  }
}

/** A new row: every column null, Active (0/1), owned by the environment's seeded owner. */
function emptyRow(schema: TableSchema, seed: number): SimRow {
  const row: Record<string, SimValue> = {};
  for (const column of schema.columns()) row[column.wireName] = null;
  if ('statecode' in row) row.statecode = 0;
  if ('statuscode' in row) row.statuscode = 1;
  if ('_ownerid_value' in row) row._ownerid_value = seededOwnerId(seed);
  return row;
}

/** `<money>_base` follows its column (exchange rate 1); any money value sets the currency. */
function deriveMoney(schema: TableSchema, row: Record<string, SimValue>): void {
  let anyMoney = false;
  for (const column of schema.columns()) {
    const attribute = column.attribute;
    if (column.kind !== 'money' || attribute.AttributeOf !== null) continue;
    const value = row[column.wireName] ?? null;
    if (value !== null) anyMoney = true;
    if (schema.column(`${column.wireName}_base`) !== undefined)
      row[`${column.wireName}_base`] = value;
  }
  if (
    anyMoney &&
    (row._transactioncurrencyid_value ?? null) === null &&
    schema.column('_transactioncurrencyid_value') !== undefined
  )
    row._transactioncurrencyid_value = BASE_CURRENCY_ID;
}
