/**
 * Public types of the simulated tables: the metadata that defines a table (shaped like the Web
 * API's EntityMetadata / AttributeMetadata, with Dataverse's own property names), rows, and the
 * control handle tests use. Re-exported by `types.ts`.
 */

/** A column value as it goes on the wire. */
export type SimValue = string | number | boolean | null;

/**
 * One row of a simulated table, keyed by wire names: `_<column>_value` for lookups, the logical
 * name for everything else. Multi-target lookups (Customer, Owner) keep the target table in a
 * `_<column>_value@Microsoft.Dynamics.CRM.lookuplogicalname` key, which is never sent as a column.
 */
export type SimRow = Readonly<Record<string, SimValue>>;

/** A lookup value for the control API: the row it points to and that row's table. */
export interface SimLookupInput {
  id: string;
  logicalName: string;
}

/** Control-API input of a row: wire names; lookups take a GUID (first target) or a {@link SimLookupInput}. */
export type SimRowInput = Readonly<Record<string, SimValue | SimLookupInput>>;

export interface SimLocalizedLabel {
  Label: string;
  LanguageCode: number;
}

/** A label in one or more languages; the simulator adds IsManaged, MetadataId and UserLocalizedLabel. */
export interface SimLabel {
  LocalizedLabels: readonly SimLocalizedLabel[];
}

export interface SimOption {
  Value: number;
  Label: SimLabel;
  Color?: string | null;
  /** Options of a State column: the statuscode a row gets in this state by default. */
  DefaultStatus?: number;
  /** Options of a State column: the language-independent name (`Active`, `Inactive`). */
  InvariantName?: string;
  /** Options of a Status column: the statecode this status belongs to. */
  State?: number;
}

export interface SimOptionSet {
  Name: string;
  /** True for a global choice (then it goes in `GlobalOptionSet`, see README). */
  IsGlobal?: boolean;
  Options: readonly SimOption[];
}

/** A Boolean column's option set: the labels of true (Value 1) and false (Value 0). */
export interface SimBooleanOptionSet {
  Name: string;
  TrueOption: SimOption;
  FalseOption: SimOption;
}

/** AttributeTypeCode: the older type name (Image and MultiSelectPicklist report `Virtual`). */
export type SimAttributeTypeCode =
  | 'BigInt'
  | 'Boolean'
  | 'Customer'
  | 'DateTime'
  | 'Decimal'
  | 'Double'
  | 'EntityName'
  | 'Integer'
  | 'Lookup'
  | 'Memo'
  | 'Money'
  | 'Owner'
  | 'Picklist'
  | 'State'
  | 'Status'
  | 'String'
  | 'Uniqueidentifier'
  | 'Virtual';

/** AttributeTypeName.Value: the precise type a client should branch on. */
export type SimAttributeTypeName =
  | 'BigIntType'
  | 'BooleanType'
  | 'CustomerType'
  | 'DateTimeType'
  | 'DecimalType'
  | 'DoubleType'
  | 'EntityNameType'
  | 'FileType'
  | 'ImageType'
  | 'IntegerType'
  | 'LookupType'
  | 'MemoType'
  | 'MoneyType'
  | 'MultiSelectPicklistType'
  | 'OwnerType'
  | 'PicklistType'
  | 'StateType'
  | 'StatusType'
  | 'StringType'
  | 'UniqueidentifierType'
  | 'VirtualType';

export type SimDateTimeBehavior = 'UserLocal' | 'DateOnly' | 'TimeZoneIndependent';

/**
 * One column of a table, as AttributeMetadata. Only the properties of its type apply (Targets for
 * lookups, Precision for Money/Decimal/Double, Format + DateTimeBehavior for DateTime, OptionSet or
 * GlobalOptionSet for choices, OptionSet with TrueOption/FalseOption for Boolean). Omitted common
 * properties get Dataverse's defaults (README, "Tables").
 */
export interface SimAttributeDefinition {
  LogicalName: string;
  SchemaName?: string;
  AttributeType: SimAttributeTypeCode;
  AttributeTypeName: { Value: SimAttributeTypeName };
  DisplayName?: SimLabel;
  /** Default true. */
  IsValidForRead?: boolean;
  /** Default true, false for shadow (AttributeOf) and system columns. */
  IsValidForCreate?: boolean;
  IsValidForUpdate?: boolean;
  /** The column this one extends (`primarycontactidname` → `primarycontactid`); default null. */
  AttributeOf?: string | null;
  /** Stored in another table (names of lookups); default false. */
  IsLogical?: boolean;
  /** Default: true when the name has a publisher prefix (`new_`). */
  IsCustomAttribute?: boolean;
  /** Default: a stable GUID derived from the table and column names. */
  MetadataId?: string;
  RequiredLevel?: 'None' | 'SystemRequired' | 'ApplicationRequired' | 'Recommended';
  MaxLength?: number;
  /** String: Text, Email, Url, Phone, TextArea; DateTime: DateOnly or DateAndTime. */
  Format?: string;
  MinValue?: number;
  MaxValue?: number;
  Precision?: number;
  /** Money: 0 = Precision, 1 = organization pricing precision, 2 = currency precision. */
  PrecisionSource?: number;
  DateTimeBehavior?: { Value: SimDateTimeBehavior };
  /** Lookup, Customer, Owner: the tables a value may point to. */
  Targets?: readonly string[];
  OptionSet?: SimOptionSet | SimBooleanOptionSet | null;
  GlobalOptionSet?: SimOptionSet | null;
}

/** One table, as EntityMetadata with its Attributes. */
export interface SimTableDefinition {
  LogicalName: string;
  SchemaName?: string;
  EntitySetName: string;
  PrimaryIdAttribute: string;
  PrimaryNameAttribute: string;
  ObjectTypeCode: number;
  ChangeTrackingEnabled: boolean;
  MetadataId?: string;
  IsCustomEntity?: boolean;
  OwnershipType?: 'UserOwned' | 'OrganizationOwned';
  DisplayName?: SimLabel;
  DisplayCollectionName?: SimLabel;
  Attributes: readonly SimAttributeDefinition[];
}

/** Logical names of the simulated tables. */
export type SimTableName = 'account' | 'contact' | 'new_project';

export interface SimSeedOptions {
  count: number;
  seed: number;
}

/** Seeded rows of the tables besides `account` (which keeps `SimEnvironmentOptions.accounts`). */
export interface SimTablesOptions {
  contact?: SimSeedOptions;
  /** Change tracking is off by default, as for a new custom table. */
  new_project?: SimSeedOptions & { changeTracking?: boolean };
}

/**
 * Control handle of one table (`SimEnvironment.table(name)`): writes here behave like a client's
 * (new version, change-log entry), without the wire.
 */
export interface SimTableHandle {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly primaryIdAttribute: string;
  /** Creates a row (an id may be given as the primary id column); returns its id. */
  create(fields?: SimRowInput): string;
  update(id: string, fields: SimRowInput): void;
  delete(id: string): void;
  /** The live row in the current schema (added columns null, removed columns gone). */
  get(id: string): SimRow | undefined;
  /** Every live row in internal order, generated lazily (safe with a million rows). */
  rows(): IterableIterator<SimRow>;
  count(): number;
  /** Replaces every row with `count` generated rows (no change-log entries). */
  seed(input: SimSeedOptions): void;
  /** The table's current definition (after addColumn/removeColumn and setChangeTracking). */
  definition(): SimTableDefinition;
}
