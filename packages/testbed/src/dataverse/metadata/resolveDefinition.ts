import { createHash } from 'node:crypto';

import type { SimAttributeDefinition, SimLabel, SimTableDefinition } from '../tableTypes';
import { isLookup, metadataTypeOf, OPTION_SET_TYPES } from './attributeKinds';

/**
 * Table and attribute definitions with Dataverse's defaults filled in once, so the metadata
 * routes and the row machinery never apply a default themselves.
 */

type RequiredLevel = NonNullable<SimAttributeDefinition['RequiredLevel']>;

export interface ResolvedAttribute extends SimAttributeDefinition {
  SchemaName: string;
  EntityLogicalName: string;
  DisplayName: SimLabel;
  IsValidForRead: boolean;
  IsValidForCreate: boolean;
  IsValidForUpdate: boolean;
  AttributeOf: string | null;
  IsLogical: boolean;
  IsCustomAttribute: boolean;
  MetadataId: string;
  RequiredLevel: RequiredLevel;
  IsPrimaryId: boolean;
  IsPrimaryName: boolean;
}

export interface ResolvedTableInfo {
  LogicalName: string;
  SchemaName: string;
  EntitySetName: string;
  PrimaryIdAttribute: string;
  PrimaryNameAttribute: string;
  ObjectTypeCode: number;
  MetadataId: string;
  IsCustomEntity: boolean;
  OwnershipType: 'UserOwned' | 'OrganizationOwned';
  DisplayName: SimLabel;
  DisplayCollectionName: SimLabel;
}

/** A GUID derived from names, so metadata ids are the same in every run. */
export function stableGuid(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('|')).digest('hex');
  const variant = ((parseInt(hash.charAt(16), 16) & 3) | 8).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

/** `new_startdate` → `new_Startdate`, `name` → `Name`: good enough where none is given. */
function defaultSchemaName(logicalName: string): string {
  const match = /^([a-z0-9]+_)(.*)$/.exec(logicalName);
  const [prefix, rest] =
    match !== null && logicalName.startsWith('new_')
      ? [match[1] ?? '', match[2] ?? '']
      : ['', logicalName];
  return `${prefix}${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

function isCustomName(logicalName: string): boolean {
  return logicalName.startsWith('new_');
}

export function resolveTableInfo(definition: SimTableDefinition): ResolvedTableInfo {
  const schemaName = definition.SchemaName ?? defaultSchemaName(definition.LogicalName);
  return {
    LogicalName: definition.LogicalName,
    SchemaName: schemaName,
    EntitySetName: definition.EntitySetName,
    PrimaryIdAttribute: definition.PrimaryIdAttribute,
    PrimaryNameAttribute: definition.PrimaryNameAttribute,
    ObjectTypeCode: definition.ObjectTypeCode,
    MetadataId: definition.MetadataId ?? stableGuid('entity', definition.LogicalName),
    IsCustomEntity: definition.IsCustomEntity ?? isCustomName(definition.LogicalName),
    OwnershipType: definition.OwnershipType ?? 'UserOwned',
    DisplayName: definition.DisplayName ?? label(schemaName),
    DisplayCollectionName: definition.DisplayCollectionName ?? label(`${schemaName}s`),
  };
}

function label(text: string): SimLabel {
  return { LocalizedLabels: [{ Label: text, LanguageCode: 1033 }] };
}

/** Fills in the defaults of one attribute of `table`; throws when its type lacks what it needs. */
export function resolveAttribute(
  table: ResolvedTableInfo,
  attribute: SimAttributeDefinition,
): ResolvedAttribute {
  checkAttribute(table.LogicalName, attribute);
  const shadow =
    (attribute.AttributeOf ?? null) !== null || attribute.AttributeTypeName.Value === 'VirtualType';
  const isPrimaryId = attribute.LogicalName === table.PrimaryIdAttribute;
  const schemaName = attribute.SchemaName ?? defaultSchemaName(attribute.LogicalName);
  return {
    ...attribute,
    SchemaName: schemaName,
    EntityLogicalName: table.LogicalName,
    DisplayName: attribute.DisplayName ?? label(schemaName),
    IsValidForRead: attribute.IsValidForRead ?? true,
    IsValidForCreate: attribute.IsValidForCreate ?? !shadow,
    IsValidForUpdate: attribute.IsValidForUpdate ?? (!shadow && !isPrimaryId),
    AttributeOf: attribute.AttributeOf ?? null,
    IsLogical: attribute.IsLogical ?? false,
    IsCustomAttribute: attribute.IsCustomAttribute ?? isCustomName(attribute.LogicalName),
    MetadataId:
      attribute.MetadataId ?? stableGuid('attribute', table.LogicalName, attribute.LogicalName),
    RequiredLevel: attribute.RequiredLevel ?? 'None',
    IsPrimaryId: isPrimaryId,
    IsPrimaryName: attribute.LogicalName === table.PrimaryNameAttribute,
  };
}

function checkAttribute(entity: string, attribute: SimAttributeDefinition): void {
  const where = `attribute '${attribute.LogicalName}' of '${entity}'`;
  if (!/^[a-z][a-z0-9_]*$/.test(attribute.LogicalName))
    throw new Error(`${where}: a logical name is lower-case letters, digits and '_'`);
  const type = metadataTypeOf(attribute);
  if (isLookup(attribute) && (attribute.Targets ?? []).length === 0)
    throw new Error(`${where}: a lookup needs Targets`);
  if (
    (type === 'MoneyAttributeMetadata' || type === 'DecimalAttributeMetadata') &&
    attribute.Precision === undefined
  )
    throw new Error(`${where}: Money and Decimal need a Precision`);
  if (type === 'DateTimeAttributeMetadata' && attribute.DateTimeBehavior === undefined)
    throw new Error(`${where}: DateTime needs a DateTimeBehavior`);
  if (type !== undefined && OPTION_SET_TYPES.has(type)) {
    const optionSet = attribute.OptionSet ?? attribute.GlobalOptionSet;
    if (optionSet === undefined || optionSet === null)
      throw new Error(`${where}: a choice or Boolean needs an OptionSet or GlobalOptionSet`);
    const boolean = type === 'BooleanAttributeMetadata';
    if (boolean !== 'TrueOption' in optionSet)
      throw new Error(`${where}: Boolean takes TrueOption/FalseOption, choices take Options`);
  }
}
