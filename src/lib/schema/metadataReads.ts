/**
 * The Web API metadata reads the sync needs, one function per request, each checking the shape
 * it gets (reference: dataverse-metadata-and-security.md §1). Casting to EnumAttributeMetadata
 * is impossible, so choices take one request per derived type.
 */
import type { DataverseClient } from '../dataverse';
import { IntegrationError } from '../errors';
import type { DateBehavior } from './types';

export interface EntityDefinitionFacts {
  readonly logicalName: string;
  readonly entitySet: string;
  readonly primaryIdAttribute: string;
  readonly changeTrackingEnabled: boolean;
  readonly objectTypeCode: number | undefined;
}

export interface AttributeFacts {
  readonly logicalName: string;
  /** AttributeTypeName.Value, e.g. PicklistType. */
  readonly typeName: string;
  readonly isValidForRead: boolean;
  /** The column this one extends (a name or yominame shadow), or undefined. */
  readonly attributeOf: string | undefined;
  readonly isLogical: boolean;
}

/** An option of a choice: its value and its labels by language (LCID). */
export interface OptionFacts {
  readonly value: number;
  readonly labels: ReadonlyMap<number, string>;
  /** The caller's own language label (UserLocalizedLabel), when Dataverse sent one. */
  readonly userLabel: string | undefined;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(environment: string, what: string): IntegrationError {
  return new IntegrationError(`Dataverse metadata is not what the Web API documents: ${what}`, {
    step: 'read table metadata',
    environment,
    code: 'InvalidMetadata',
    hint: 'Check that the environment URL points at Dataverse (not a proxy rewriting answers); if it persists, report the table and the message.',
  });
}

function valueArray(body: unknown, environment: string, what: string): Json[] {
  if (!isRecord(body) || !Array.isArray(body.value) || !body.value.every(isRecord)) {
    throw malformed(environment, `${what} is not a collection`);
  }
  return body.value;
}

const quote = (name: string): string => `'${name.replace(/'/g, "''")}'`;

/** `EntityDefinitions(LogicalName='x')`: the facts that say how to read the table. */
export async function readEntityDefinition(
  client: DataverseClient,
  logicalName: string,
  signal?: AbortSignal,
): Promise<EntityDefinitionFacts> {
  const body = await client.getJson<unknown>(
    `EntityDefinitions(LogicalName=${quote(logicalName)})?$select=LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled,ObjectTypeCode`,
    signal,
  );
  const environment = client.environment.name;
  if (!isRecord(body)) throw malformed(environment, `the definition of ${logicalName}`);
  const { LogicalName, EntitySetName, PrimaryIdAttribute, ChangeTrackingEnabled, ObjectTypeCode } =
    body;
  if (
    typeof LogicalName !== 'string' ||
    typeof EntitySetName !== 'string' ||
    typeof PrimaryIdAttribute !== 'string' ||
    typeof ChangeTrackingEnabled !== 'boolean'
  ) {
    throw malformed(
      environment,
      `the definition of ${logicalName} lacks LogicalName, EntitySetName, PrimaryIdAttribute or ChangeTrackingEnabled`,
    );
  }
  return {
    logicalName: LogicalName,
    entitySet: EntitySetName,
    primaryIdAttribute: PrimaryIdAttribute,
    changeTrackingEnabled: ChangeTrackingEnabled,
    objectTypeCode: typeof ObjectTypeCode === 'number' ? ObjectTypeCode : undefined,
  };
}

/** The table's attributes with the facts that decide whether and how to copy them. */
export async function readAttributes(
  client: DataverseClient,
  logicalName: string,
  signal?: AbortSignal,
): Promise<AttributeFacts[]> {
  const body = await client.getJson<unknown>(
    `EntityDefinitions(LogicalName=${quote(logicalName)})/Attributes?$select=LogicalName,AttributeType,AttributeTypeName,IsValidForRead,AttributeOf,IsLogical`,
    signal,
  );
  const environment = client.environment.name;
  return valueArray(body, environment, `the attributes of ${logicalName}`).map((attribute) => {
    const {
      LogicalName,
      AttributeTypeName,
      AttributeType,
      IsValidForRead,
      AttributeOf,
      IsLogical,
    } = attribute;
    const typeName = isRecord(AttributeTypeName) ? AttributeTypeName.Value : undefined;
    if (
      typeof LogicalName !== 'string' ||
      (typeof typeName !== 'string' && typeof AttributeType !== 'string')
    ) {
      throw malformed(
        environment,
        `an attribute of ${logicalName} lacks LogicalName or AttributeTypeName`,
      );
    }
    return {
      logicalName: LogicalName,
      typeName: typeof typeName === 'string' ? typeName : `${String(AttributeType)}Type`,
      isValidForRead: IsValidForRead !== false,
      attributeOf: typeof AttributeOf === 'string' && AttributeOf !== '' ? AttributeOf : undefined,
      isLogical: IsLogical === true,
    };
  });
}

function optionsOf(optionSet: unknown): OptionFacts[] {
  if (!isRecord(optionSet) || !Array.isArray(optionSet.Options)) return [];
  return optionSet.Options.filter(isRecord).flatMap((option) => {
    if (typeof option.Value !== 'number') return [];
    const label = isRecord(option.Label) ? option.Label : {};
    const localized = Array.isArray(label.LocalizedLabels)
      ? label.LocalizedLabels.filter(isRecord)
      : [];
    const labels = new Map<number, string>();
    for (const entry of localized) {
      if (typeof entry.LanguageCode === 'number' && typeof entry.Label === 'string')
        labels.set(entry.LanguageCode, entry.Label);
    }
    const user = isRecord(label.UserLocalizedLabel) ? label.UserLocalizedLabel.Label : undefined;
    return [
      { value: option.Value, labels, userLabel: typeof user === 'string' ? user : undefined },
    ];
  });
}

/**
 * The options of every choice attribute of one derived type (PicklistAttributeMetadata,
 * StateAttributeMetadata, StatusAttributeMetadata, MultiSelectPicklistAttributeMetadata): a
 * local OptionSet, or the GlobalOptionSet it uses.
 */
export async function readChoiceOptions(
  client: DataverseClient,
  logicalName: string,
  cast: string,
  signal?: AbortSignal,
): Promise<Map<string, OptionFacts[]>> {
  const body = await client.getJson<unknown>(
    `EntityDefinitions(LogicalName=${quote(logicalName)})/Attributes/Microsoft.Dynamics.CRM.${cast}?$select=LogicalName&$expand=OptionSet($select=Options),GlobalOptionSet($select=Options)`,
    signal,
  );
  const result = new Map<string, OptionFacts[]>();
  for (const attribute of valueArray(
    body,
    client.environment.name,
    `the ${cast} attributes of ${logicalName}`,
  )) {
    if (typeof attribute.LogicalName !== 'string') continue;
    const local = optionsOf(attribute.OptionSet);
    result.set(
      attribute.LogicalName,
      local.length > 0 ? local : optionsOf(attribute.GlobalOptionSet),
    );
  }
  return result;
}

/** Lookup, Customer and Owner attributes (all LookupAttributeMetadata) and their target tables. */
export async function readLookupTargets(
  client: DataverseClient,
  logicalName: string,
  signal?: AbortSignal,
): Promise<Map<string, string[]>> {
  const body = await client.getJson<unknown>(
    `EntityDefinitions(LogicalName=${quote(logicalName)})/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets`,
    signal,
  );
  const result = new Map<string, string[]>();
  for (const attribute of valueArray(
    body,
    client.environment.name,
    `the lookups of ${logicalName}`,
  )) {
    const { LogicalName, Targets } = attribute;
    if (typeof LogicalName !== 'string') continue;
    result.set(
      LogicalName,
      Array.isArray(Targets) ? Targets.filter((t): t is string => typeof t === 'string') : [],
    );
  }
  return result;
}

/** Decimal places of Money or Decimal attributes (cast MoneyAttributeMetadata / DecimalAttributeMetadata). */
export async function readPrecisions(
  client: DataverseClient,
  logicalName: string,
  cast: 'MoneyAttributeMetadata' | 'DecimalAttributeMetadata',
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const body = await client.getJson<unknown>(
    `EntityDefinitions(LogicalName=${quote(logicalName)})/Attributes/Microsoft.Dynamics.CRM.${cast}?$select=LogicalName,Precision`,
    signal,
  );
  const result = new Map<string, number>();
  for (const attribute of valueArray(
    body,
    client.environment.name,
    `the ${cast} attributes of ${logicalName}`,
  )) {
    if (typeof attribute.LogicalName === 'string' && typeof attribute.Precision === 'number')
      result.set(attribute.LogicalName, attribute.Precision);
  }
  return result;
}

/** DateTimeBehavior of each DateTime attribute (DateOnly is a calendar date, not an instant). */
export async function readDateBehaviors(
  client: DataverseClient,
  logicalName: string,
  signal?: AbortSignal,
): Promise<Map<string, DateBehavior>> {
  const body = await client.getJson<unknown>(
    `EntityDefinitions(LogicalName=${quote(logicalName)})/Attributes/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata?$select=LogicalName,Format,DateTimeBehavior`,
    signal,
  );
  const result = new Map<string, DateBehavior>();
  for (const attribute of valueArray(
    body,
    client.environment.name,
    `the date columns of ${logicalName}`,
  )) {
    if (typeof attribute.LogicalName !== 'string') continue;
    const behavior = isRecord(attribute.DateTimeBehavior)
      ? attribute.DateTimeBehavior.Value
      : undefined;
    const dateOnly =
      behavior === 'DateOnly' || (behavior === undefined && attribute.Format === 'DateOnly');
    result.set(
      attribute.LogicalName,
      dateOnly
        ? 'DateOnly'
        : behavior === 'TimeZoneIndependent'
          ? 'TimeZoneIndependent'
          : 'UserLocal',
    );
  }
  return result;
}

/** The organisation's base language (LCID): `organizations?$select=languagecode`. */
export async function readBaseLanguage(
  client: DataverseClient,
  signal?: AbortSignal,
): Promise<number> {
  const body = await client.getJson<unknown>('organizations?$select=languagecode', signal);
  const [organization] = valueArray(body, client.environment.name, 'organizations');
  const code = organization?.languagecode;
  if (typeof code !== 'number')
    throw malformed(client.environment.name, 'organizations lacks languagecode');
  return code;
}
