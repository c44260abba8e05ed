/**
 * A Dataverse table as the sync copies it, read from the Web API metadata: which columns, of
 * which types, with which choice labels. Targets map these types to their own (Azure Table EDM
 * types, the webhook's JSON, SQL column types): the one mapping layer every target shares.
 */

/** What a Dataverse attribute is, as far as copying it goes (from AttributeTypeName.Value). */
export type AttributeKind =
  | 'uniqueidentifier'
  | 'string'
  | 'memo'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'double'
  | 'money'
  | 'boolean'
  | 'datetime'
  | 'choice'
  | 'choices'
  | 'lookup'
  | 'entityname';

/** DateTimeBehavior.Value: a DateOnly column is a calendar date, the others an instant. */
export type DateBehavior = 'UserLocal' | 'DateOnly' | 'TimeZoneIndependent';

/** The type of a target column: what every target maps to its own storage type. */
export type ColumnType =
  | { readonly name: 'guid' }
  | { readonly name: 'text' }
  | { readonly name: 'int32' }
  | { readonly name: 'int64' }
  | { readonly name: 'decimal'; readonly scale: number }
  | { readonly name: 'double' }
  | { readonly name: 'boolean' }
  | { readonly name: 'timestamp' }
  | { readonly name: 'date' }
  /** The option values of a multi-select choice, as Dataverse sends them: "1,3". */
  | { readonly name: 'choices' }
  /** The row version (a rowversion): a decimal string, compared as a big integer. */
  | { readonly name: 'version' };

/** Why a target column exists: the attribute's value, its label, or a lookup's target table. */
export type ColumnRole = 'id' | 'version' | 'value' | 'label' | 'lookupTable';

/** One column of the target: a Dataverse attribute's value, or a column derived from it. */
export interface TargetColumn {
  /** The target's column name: the attribute's logical name, `<name>_label`, `<name>_table`. */
  readonly name: string;
  readonly type: ColumnType;
  readonly role: ColumnRole;
  /** The Dataverse attribute it comes from. */
  readonly attribute: string;
}

/** A Dataverse attribute the sync selects, with what it needs to convert its values. */
export interface SelectedAttribute {
  readonly logicalName: string;
  /** Its property on the wire: `_<name>_value` for lookups, the logical name otherwise. */
  readonly wireName: string;
  readonly kind: AttributeKind;
  /** AttributeTypeName.Value as Dataverse reports it (for messages and docs). */
  readonly typeName: string;
  /** Decimal places (Money, Decimal). */
  readonly precision?: number;
  readonly dateBehavior?: DateBehavior;
  /** Lookup targets (table logical names). */
  readonly targets?: readonly string[];
  /** Choice labels in the sync's label language, by option value. */
  readonly labels?: ReadonlyMap<number, string>;
}

/** A table as one run copies it. */
export interface TableDefinition {
  readonly logicalName: string;
  readonly entitySet: string;
  readonly primaryIdAttribute: string;
  readonly objectTypeCode: number | undefined;
  /** The language (LCID) choice labels are in. */
  readonly labelLanguage: number;
  /** The attributes read from Dataverse, the primary id first. */
  readonly attributes: readonly SelectedAttribute[];
  /** The target's columns, in order: id, the attributes' columns, version. */
  readonly columns: readonly TargetColumn[];
}

/** Which table to copy, and optionally which columns (otherwise every copyable one). */
export interface TableRequest {
  readonly logicalName: string;
  readonly columns?: readonly string[];
}
