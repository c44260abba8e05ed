import type { AttributeKind } from './types';

/**
 * AttributeTypeName.Value → what the sync does with it. Use AttributeTypeName, not the older
 * AttributeType, which reports Image and MultiSelectPicklist as Virtual (reference:
 * dataverse-metadata-and-security.md §1).
 */
const KINDS: Readonly<Record<string, AttributeKind>> = {
  UniqueidentifierType: 'uniqueidentifier',
  StringType: 'string',
  MemoType: 'memo',
  IntegerType: 'integer',
  BigIntType: 'bigint',
  DecimalType: 'decimal',
  DoubleType: 'double',
  MoneyType: 'money',
  BooleanType: 'boolean',
  DateTimeType: 'datetime',
  PicklistType: 'choice',
  StateType: 'choice',
  StatusType: 'choice',
  MultiSelectPicklistType: 'choices',
  LookupType: 'lookup',
  CustomerType: 'lookup',
  OwnerType: 'lookup',
  EntityNameType: 'entityname',
};

/**
 * Types the sync never copies: binary content (images, files: fetched through their own
 * endpoints), virtual and computed helper columns, and types with no row value.
 */
export const NEVER_COPIED: ReadonlySet<string> = new Set([
  'ImageType',
  'FileType',
  'VirtualType',
  'ManagedPropertyType',
  'CalendarRulesType',
  'PartyListType',
]);

/** The kind of a Dataverse attribute type, or undefined for a type the sync cannot copy. */
export function kindOf(typeName: string): AttributeKind | undefined {
  return KINDS[typeName];
}

/** Choice kinds read their labels from OptionSet metadata. */
export const CHOICE_CASTS: Readonly<Record<string, string>> = {
  PicklistType: 'PicklistAttributeMetadata',
  StateType: 'StateAttributeMetadata',
  StatusType: 'StatusAttributeMetadata',
  MultiSelectPicklistType: 'MultiSelectPicklistAttributeMetadata',
};
