import type { SimTable } from '../simTable';
import type { SimBooleanOptionSet, SimOption, SimOptionSet } from '../tableTypes';
import { BASE_PROPERTIES, DERIVED_PROPERTIES, metadataTypeOf } from './attributeKinds';
import { EMPTY_LABEL, wireLabel } from './labels';
import type { ResolvedAttribute } from './resolveDefinition';
import { stableGuid } from './resolveDefinition';

/**
 * EntityMetadata, AttributeMetadata and OptionSetMetadata objects as the Web API writes them,
 * with every property the simulator knows; routes then narrow them with `$select`.
 */

export type Json = Record<string, unknown>;

const NS = 'Microsoft.Dynamics.CRM';

/** The properties of EntityMetadata the simulator serves, in order. */
export const ENTITY_PROPERTIES = [
  'MetadataId',
  'HasChanged',
  'LogicalName',
  'SchemaName',
  'EntitySetName',
  'LogicalCollectionName',
  'CollectionSchemaName',
  'PrimaryIdAttribute',
  'PrimaryNameAttribute',
  'ObjectTypeCode',
  'ChangeTrackingEnabled',
  'CanChangeTrackingBeEnabled',
  'IsCustomEntity',
  'IsActivity',
  'OwnershipType',
  'DisplayName',
  'DisplayCollectionName',
] as const;

export function entityJson(table: SimTable, language: number): Json {
  const { info, changeTrackingEnabled } = table.schema;
  const managed = !info.IsCustomEntity;
  return {
    MetadataId: info.MetadataId,
    HasChanged: null,
    LogicalName: info.LogicalName,
    SchemaName: info.SchemaName,
    EntitySetName: info.EntitySetName,
    LogicalCollectionName: info.EntitySetName,
    CollectionSchemaName: `${info.SchemaName}s`,
    PrimaryIdAttribute: info.PrimaryIdAttribute,
    PrimaryNameAttribute: info.PrimaryNameAttribute,
    ObjectTypeCode: info.ObjectTypeCode,
    ChangeTrackingEnabled: changeTrackingEnabled,
    CanChangeTrackingBeEnabled: {
      Value: true,
      CanBeChanged: !changeTrackingEnabled,
      ManagedPropertyLogicalName: 'canchangetrackingbeenabled',
    },
    IsCustomEntity: info.IsCustomEntity,
    IsActivity: false,
    OwnershipType: info.OwnershipType,
    DisplayName: wireLabel(info.DisplayName, language, managed, `${info.LogicalName}.name`),
    DisplayCollectionName: wireLabel(
      info.DisplayCollectionName,
      language,
      managed,
      `${info.LogicalName}.collection`,
    ),
  };
}

/** The properties an attribute of this metadata type has (base properties, then its own). */
export function attributePropertiesOf(typeName: string | undefined): readonly string[] {
  return [
    ...BASE_PROPERTIES,
    ...(typeName === undefined ? [] : (DERIVED_PROPERTIES[typeName] ?? [])),
  ];
}

export function attributeJson(attribute: ResolvedAttribute, language: number): Json {
  const managed = !attribute.IsCustomAttribute;
  const owner = `${attribute.EntityLogicalName}.${attribute.LogicalName}`;
  const values: Json = {
    MetadataId: attribute.MetadataId,
    HasChanged: null,
    LogicalName: attribute.LogicalName,
    SchemaName: attribute.SchemaName,
    EntityLogicalName: attribute.EntityLogicalName,
    AttributeType: attribute.AttributeType,
    AttributeTypeName: { Value: attribute.AttributeTypeName.Value },
    AttributeOf: attribute.AttributeOf,
    IsLogical: attribute.IsLogical,
    IsValidForRead: attribute.IsValidForRead,
    IsValidForCreate: attribute.IsValidForCreate,
    IsValidForUpdate: attribute.IsValidForUpdate,
    IsPrimaryId: attribute.IsPrimaryId,
    IsPrimaryName: attribute.IsPrimaryName,
    IsCustomAttribute: attribute.IsCustomAttribute,
    DisplayName: wireLabel(attribute.DisplayName, language, managed, owner),
    RequiredLevel: {
      Value: attribute.RequiredLevel,
      CanBeChanged: !attribute.IsPrimaryId,
      ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
    },
    MaxLength: attribute.MaxLength ?? null,
    Format: attribute.Format ?? null,
    MinValue: attribute.MinValue ?? null,
    MaxValue: attribute.MaxValue ?? null,
    Precision: attribute.Precision ?? null,
    PrecisionSource: attribute.PrecisionSource ?? null,
    IsBaseCurrency: attribute.AttributeOf !== null,
    DateTimeBehavior:
      attribute.DateTimeBehavior === undefined ? null : { Value: attribute.DateTimeBehavior.Value },
    DefaultFormValue: -1,
    DefaultValue: false,
    Targets: attribute.Targets === undefined ? [] : [...attribute.Targets],
    IsPrimaryImage: attribute.LogicalName === 'entityimage',
    MaxHeight: 144,
    MaxWidth: 144,
    MaxSizeInKB: 32_768,
  };
  const json: Json = {};
  for (const property of attributePropertiesOf(metadataTypeOf(attribute)))
    json[property] = values[property];
  return json;
}

/** `@odata.type` of an attribute in a base-typed collection: only derived types carry one. */
export function odataTypeOf(attribute: ResolvedAttribute): string | undefined {
  const typeName = metadataTypeOf(attribute);
  return typeName === undefined ? undefined : `#${NS}.${typeName}`;
}

function optionJson(option: SimOption, language: number, managed: boolean, owner: string): Json {
  // Property order of Microsoft's sample (webapi/query-metadata-web-api.md).
  const json: Json = {
    Value: option.Value,
    Label: wireLabel(option.Label, language, managed, `${owner}.${option.Value}`),
    Description: EMPTY_LABEL,
    Color: option.Color ?? null,
    IsManaged: managed,
    MetadataId: null,
    HasChanged: null,
  };
  if (option.DefaultStatus !== undefined) {
    json.DefaultStatus = option.DefaultStatus;
    json.InvariantName = option.InvariantName ?? null;
  }
  if (option.State !== undefined) {
    json.State = option.State;
    json.TransitionData = null;
  }
  return json;
}

/** An OptionSetMetadata (or BooleanOptionSetMetadata) object. */
export function optionSetJson(
  optionSet: SimOptionSet | SimBooleanOptionSet,
  optionSetType: string,
  language: number,
  managed: boolean,
): Json {
  const owner = `optionset.${optionSet.Name}`;
  const common: Json = {
    MetadataId: stableGuid(owner),
    HasChanged: null,
    Name: optionSet.Name,
    IsGlobal: 'IsGlobal' in optionSet && optionSet.IsGlobal === true,
    IsCustomOptionSet: !managed,
    IsManaged: managed,
    OptionSetType: optionSetType,
    DisplayName: EMPTY_LABEL,
    Description: EMPTY_LABEL,
  };
  if ('TrueOption' in optionSet) {
    return {
      ...common,
      TrueOption: optionJson(optionSet.TrueOption, language, managed, owner),
      FalseOption: optionJson(optionSet.FalseOption, language, managed, owner),
    };
  }
  return {
    ...common,
    Options: optionSet.Options.map((option) => optionJson(option, language, managed, owner)),
  };
}

/** The properties an expanded option set may `$select`. */
export function optionSetProperties(boolean: boolean): readonly string[] {
  const common = [
    'MetadataId',
    'HasChanged',
    'Name',
    'IsGlobal',
    'IsCustomOptionSet',
    'IsManaged',
    'OptionSetType',
    'DisplayName',
    'Description',
  ];
  return boolean ? [...common, 'TrueOption', 'FalseOption'] : [...common, 'Options'];
}
