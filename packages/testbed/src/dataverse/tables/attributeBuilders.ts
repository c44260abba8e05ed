import type {
  SimAttributeDefinition,
  SimBooleanOptionSet,
  SimDateTimeBehavior,
  SimLabel,
  SimOption,
  SimOptionSet,
} from '../tableTypes';

/**
 * Short builders for the attribute definitions of the simulated tables, so that a table's file
 * reads as its column list. Every builder returns plain AttributeMetadata-shaped objects.
 */

/** A label from `{ lcid: text }`, e.g. `label({ 1033: 'Planning', 1031: 'Planung' })`. */
export function label(texts: Readonly<Record<number, string>>): SimLabel {
  return {
    LocalizedLabels: Object.entries(texts).map(([code, text]) => ({
      Label: text,
      LanguageCode: Number(code),
    })),
  };
}

/** An English-only label. */
export function english(text: string): SimLabel {
  return label({ 1033: text });
}

export function option(value: number, texts: Readonly<Record<number, string>>): SimOption {
  return { Value: value, Label: label(texts) };
}

type Extra = Partial<SimAttributeDefinition>;

export function primaryKey(logicalName: string): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'Uniqueidentifier',
    AttributeTypeName: { Value: 'UniqueidentifierType' },
    IsValidForUpdate: false,
    RequiredLevel: 'SystemRequired',
  };
}

export function text(
  logicalName: string,
  maxLength: number,
  extra: Extra = {},
): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'String',
    AttributeTypeName: { Value: 'StringType' },
    MaxLength: maxLength,
    Format: 'Text',
    ...extra,
  };
}

export function memo(logicalName: string, maxLength: number): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'Memo',
    AttributeTypeName: { Value: 'MemoType' },
    MaxLength: maxLength,
    Format: 'TextArea',
  };
}

export function integer(logicalName: string, min: number, max: number): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'Integer',
    AttributeTypeName: { Value: 'IntegerType' },
    MinValue: min,
    MaxValue: max,
    Format: 'None',
  };
}

export function bigInt(logicalName: string, extra: Extra = {}): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'BigInt',
    AttributeTypeName: { Value: 'BigIntType' },
    // ±2^63 (JSON numbers cannot hold 2^63 - 1 exactly either; Dataverse sends these bounds).
    MinValue: -(2 ** 63),
    MaxValue: 2 ** 63,
    ...extra,
  };
}

export function decimal(logicalName: string, precision: number): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'Decimal',
    AttributeTypeName: { Value: 'DecimalType' },
    Precision: precision,
    MinValue: -100_000_000_000,
    MaxValue: 100_000_000_000,
  };
}

export function double(logicalName: string, precision: number): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'Double',
    AttributeTypeName: { Value: 'DoubleType' },
    Precision: precision,
    MinValue: -100_000_000_000,
    MaxValue: 100_000_000_000,
  };
}

/** A money column plus its platform-maintained `_base` shadow (AttributeOf the column). */
export function money(logicalName: string, precision: number): SimAttributeDefinition[] {
  const base = {
    AttributeType: 'Money',
    AttributeTypeName: { Value: 'MoneyType' },
    Precision: precision,
    PrecisionSource: precision === 2 ? 2 : 0,
    MinValue: -922_337_203_685_477,
    MaxValue: 922_337_203_685_477,
  } as const;
  return [
    { LogicalName: logicalName, ...base },
    {
      LogicalName: `${logicalName}_base`,
      ...base,
      AttributeOf: logicalName,
      IsValidForCreate: false,
      IsValidForUpdate: false,
    },
  ];
}

export function dateTime(
  logicalName: string,
  behavior: SimDateTimeBehavior,
  extra: Extra = {},
): SimAttributeDefinition {
  return {
    LogicalName: logicalName,
    AttributeType: 'DateTime',
    AttributeTypeName: { Value: 'DateTimeType' },
    Format: behavior === 'DateOnly' ? 'DateOnly' : 'DateAndTime',
    DateTimeBehavior: { Value: behavior },
    ...extra,
  };
}

/** A Boolean column (OptionSet with TrueOption/FalseOption) and its virtual `name` shadow. */
export function boolean(
  logicalName: string,
  optionSet: SimBooleanOptionSet,
): SimAttributeDefinition[] {
  return [
    {
      LogicalName: logicalName,
      AttributeType: 'Boolean',
      AttributeTypeName: { Value: 'BooleanType' },
      OptionSet: optionSet,
    },
    virtualName(logicalName),
  ];
}

/** A choice (local or global option set) and its virtual `name` shadow. */
export function choice(logicalName: string, optionSet: SimOptionSet): SimAttributeDefinition[] {
  return [
    {
      LogicalName: logicalName,
      AttributeType: 'Picklist',
      AttributeTypeName: { Value: 'PicklistType' },
      ...(optionSet.IsGlobal === true
        ? { OptionSet: null, GlobalOptionSet: optionSet }
        : { OptionSet: optionSet, GlobalOptionSet: null }),
    },
    virtualName(logicalName),
  ];
}

/** A multi-select choice (AttributeType reports Virtual) and its virtual `name` shadow. */
export function choices(logicalName: string, optionSet: SimOptionSet): SimAttributeDefinition[] {
  return [
    {
      LogicalName: logicalName,
      AttributeType: 'Virtual',
      AttributeTypeName: { Value: 'MultiSelectPicklistType' },
      OptionSet: optionSet,
      GlobalOptionSet: null,
    },
    virtualName(logicalName),
  ];
}

/** The `<column>name` shadow of a choice or Boolean: a base AttributeMetadata, not on the wire. */
export function virtualName(of: string): SimAttributeDefinition {
  return {
    LogicalName: `${of}name`,
    AttributeType: 'Virtual',
    AttributeTypeName: { Value: 'VirtualType' },
    AttributeOf: of,
    IsLogical: true,
    IsValidForCreate: false,
    IsValidForUpdate: false,
  };
}

/**
 * A lookup (Lookup, Customer or Owner) and its shadows: `<column>name` (a String, AttributeOf the
 * lookup, IsLogical) and, for Customer and Owner, `<column>type` (EntityName) and `<column>yominame`.
 */
export function lookup(
  logicalName: string,
  kind: 'Lookup' | 'Customer' | 'Owner',
  targets: readonly string[],
  extra: Extra = {},
): SimAttributeDefinition[] {
  const shadow = (suffix: string, maxLength: number): SimAttributeDefinition =>
    text(`${logicalName}${suffix}`, maxLength, {
      AttributeOf: logicalName,
      IsLogical: true,
      IsValidForCreate: false,
      IsValidForUpdate: false,
    });
  const attributes: SimAttributeDefinition[] = [
    {
      LogicalName: logicalName,
      AttributeType: kind,
      AttributeTypeName: { Value: `${kind}Type` },
      Targets: targets,
      Format: 'None',
      ...extra,
    },
    shadow('name', 160),
  ];
  if (kind !== 'Lookup') {
    attributes.push(
      {
        LogicalName: `${logicalName}type`,
        AttributeType: 'EntityName',
        AttributeTypeName: { Value: 'EntityNameType' },
        AttributeOf: logicalName,
        IsLogical: true,
        IsValidForCreate: false,
        IsValidForUpdate: false,
      },
      shadow('yominame', 160),
    );
  }
  return attributes;
}
