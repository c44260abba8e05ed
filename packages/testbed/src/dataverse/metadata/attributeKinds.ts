import type { SimAttributeDefinition, SimAttributeTypeName } from '../tableTypes';

/**
 * What each attribute type means for the metadata (its derived EntityType, the properties that
 * type adds) and for rows (the wire name and the kind of value).
 */

/** How a column's value is held and checked. */
export type ValueKind =
  | 'guid'
  | 'string'
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'double'
  | 'money'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'choice'
  | 'choices'
  | 'lookup'
  | 'image';

const METADATA_TYPES: Readonly<Record<SimAttributeTypeName, string | undefined>> = {
  BigIntType: 'BigIntAttributeMetadata',
  BooleanType: 'BooleanAttributeMetadata',
  CustomerType: 'LookupAttributeMetadata',
  DateTimeType: 'DateTimeAttributeMetadata',
  DecimalType: 'DecimalAttributeMetadata',
  DoubleType: 'DoubleAttributeMetadata',
  EntityNameType: 'EntityNameAttributeMetadata',
  FileType: 'FileAttributeMetadata',
  ImageType: 'ImageAttributeMetadata',
  IntegerType: 'IntegerAttributeMetadata',
  LookupType: 'LookupAttributeMetadata',
  MemoType: 'MemoAttributeMetadata',
  MoneyType: 'MoneyAttributeMetadata',
  MultiSelectPicklistType: 'MultiSelectPicklistAttributeMetadata',
  OwnerType: 'LookupAttributeMetadata',
  PicklistType: 'PicklistAttributeMetadata',
  StateType: 'StateAttributeMetadata',
  StatusType: 'StatusAttributeMetadata',
  StringType: 'StringAttributeMetadata',
  // A real mailbox definition lists its primary key and `entityimageid` without @odata.type,
  // and the `<choice>name` virtual columns likewise: they are plain AttributeMetadata.
  UniqueidentifierType: undefined,
  VirtualType: undefined,
};

/** The derived metadata type of an attribute (`PicklistAttributeMetadata`), undefined for the base. */
export function metadataTypeOf(attribute: SimAttributeDefinition): string | undefined {
  return METADATA_TYPES[attribute.AttributeTypeName.Value];
}

/** Properties of every AttributeMetadata, in the order the simulator writes them. */
export const BASE_PROPERTIES = [
  'MetadataId',
  'HasChanged',
  'LogicalName',
  'SchemaName',
  'EntityLogicalName',
  'AttributeType',
  'AttributeTypeName',
  'AttributeOf',
  'IsLogical',
  'IsValidForRead',
  'IsValidForCreate',
  'IsValidForUpdate',
  'IsPrimaryId',
  'IsPrimaryName',
  'IsCustomAttribute',
  'DisplayName',
  'RequiredLevel',
] as const;

/** Structural properties each derived type adds (a subset of Dataverse's). */
export const DERIVED_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  StringAttributeMetadata: ['MaxLength', 'Format'],
  MemoAttributeMetadata: ['MaxLength', 'Format'],
  IntegerAttributeMetadata: ['MinValue', 'MaxValue', 'Format'],
  BigIntAttributeMetadata: ['MinValue', 'MaxValue'],
  DecimalAttributeMetadata: ['Precision', 'MinValue', 'MaxValue'],
  DoubleAttributeMetadata: ['Precision', 'MinValue', 'MaxValue'],
  MoneyAttributeMetadata: [
    'Precision',
    'PrecisionSource',
    'MinValue',
    'MaxValue',
    'IsBaseCurrency',
  ],
  DateTimeAttributeMetadata: ['Format', 'DateTimeBehavior'],
  PicklistAttributeMetadata: ['DefaultFormValue'],
  MultiSelectPicklistAttributeMetadata: ['DefaultFormValue'],
  StateAttributeMetadata: ['DefaultFormValue'],
  StatusAttributeMetadata: ['DefaultFormValue'],
  BooleanAttributeMetadata: ['DefaultValue'],
  LookupAttributeMetadata: ['Targets', 'Format'],
  ImageAttributeMetadata: ['IsPrimaryImage', 'MaxHeight', 'MaxWidth'],
  EntityNameAttributeMetadata: [],
  FileAttributeMetadata: ['MaxSizeInKB'],
};

/** Types with OptionSet / GlobalOptionSet navigation properties (EnumAttributeMetadata and Boolean). */
export const OPTION_SET_TYPES = new Set([
  'PicklistAttributeMetadata',
  'MultiSelectPicklistAttributeMetadata',
  'StateAttributeMetadata',
  'StatusAttributeMetadata',
  'BooleanAttributeMetadata',
]);

const LOOKUP_TYPES = new Set<SimAttributeTypeName>(['LookupType', 'CustomerType', 'OwnerType']);

export function isLookup(attribute: SimAttributeDefinition): boolean {
  return LOOKUP_TYPES.has(attribute.AttributeTypeName.Value);
}

/**
 * The property name of a column in rows, or undefined when it is metadata only: the Web API
 * has no property for virtual columns (`industrycodename`), for the shadows of lookups
 * (`primarycontactidname`, `owneridtype`) or for file columns. Lookups read as `_<name>_value`.
 */
export function wireNameOf(
  attribute: SimAttributeDefinition,
  parent: SimAttributeDefinition | undefined,
): string | undefined {
  const type = attribute.AttributeTypeName.Value;
  if (type === 'VirtualType' || type === 'FileType') return undefined;
  if (parent !== undefined && isLookup(parent)) return undefined;
  if (isLookup(attribute)) return `_${attribute.LogicalName}_value`;
  return attribute.LogicalName;
}

export function valueKindOf(attribute: SimAttributeDefinition): ValueKind {
  switch (attribute.AttributeTypeName.Value) {
    case 'UniqueidentifierType':
      return 'guid';
    case 'IntegerType':
      return 'int';
    case 'BigIntType':
      return 'bigint';
    case 'DecimalType':
      return 'decimal';
    case 'DoubleType':
      return 'double';
    case 'MoneyType':
      return 'money';
    case 'BooleanType':
      return 'boolean';
    case 'DateTimeType':
      // DateOnly behaviour is an Edm.Date; UserLocal and TimeZoneIndependent are DateTimeOffset.
      return attribute.DateTimeBehavior?.Value === 'DateOnly' ? 'date' : 'datetime';
    case 'PicklistType':
    case 'StateType':
    case 'StatusType':
      return 'choice';
    case 'MultiSelectPicklistType':
      return 'choices';
    case 'LookupType':
    case 'CustomerType':
    case 'OwnerType':
      return 'lookup';
    case 'ImageType':
      return 'image';
    default:
      return 'string';
  }
}
