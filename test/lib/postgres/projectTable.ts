import {
  type SelectedAttribute,
  type TableDefinition,
  targetColumns,
} from '../../../src/lib/schema';

/** A table with one column of every kind the schema layer knows, as metadata would give it. */
const ATTRIBUTES: readonly SelectedAttribute[] = [
  {
    logicalName: 'new_projectid',
    wireName: 'new_projectid',
    kind: 'uniqueidentifier',
    typeName: 'UniqueidentifierType',
  },
  { logicalName: 'new_name', wireName: 'new_name', kind: 'string', typeName: 'StringType' },
  { logicalName: 'new_notes', wireName: 'new_notes', kind: 'memo', typeName: 'MemoType' },
  {
    logicalName: 'new_priority',
    wireName: 'new_priority',
    kind: 'integer',
    typeName: 'IntegerType',
  },
  { logicalName: 'new_bigcount', wireName: 'new_bigcount', kind: 'bigint', typeName: 'BigIntType' },
  {
    logicalName: 'new_budget',
    wireName: 'new_budget',
    kind: 'money',
    typeName: 'MoneyType',
    precision: 2,
  },
  {
    logicalName: 'new_rate',
    wireName: 'new_rate',
    kind: 'decimal',
    typeName: 'DecimalType',
    precision: 4,
  },
  { logicalName: 'new_score', wireName: 'new_score', kind: 'double', typeName: 'DoubleType' },
  { logicalName: 'new_active', wireName: 'new_active', kind: 'boolean', typeName: 'BooleanType' },
  {
    logicalName: 'new_due',
    wireName: 'new_due',
    kind: 'datetime',
    typeName: 'DateTimeType',
    dateBehavior: 'UserLocal',
  },
  {
    logicalName: 'new_startdate',
    wireName: 'new_startdate',
    kind: 'datetime',
    typeName: 'DateTimeType',
    dateBehavior: 'DateOnly',
  },
  {
    logicalName: 'new_phase',
    wireName: 'new_phase',
    kind: 'choice',
    typeName: 'PicklistType',
    labels: new Map([
      [100000000, 'Plan'],
      [100000001, 'Build'],
    ]),
  },
  {
    logicalName: 'new_tags',
    wireName: 'new_tags',
    kind: 'choices',
    typeName: 'MultiSelectPicklistType',
    labels: new Map([
      [1, 'Red'],
      [2, 'Green'],
      [3, 'Blue'],
    ]),
  },
  {
    logicalName: 'new_accountid',
    wireName: '_new_accountid_value',
    kind: 'lookup',
    typeName: 'LookupType',
    targets: ['account'],
  },
];

/** new_project as the engine reads it; `without` leaves columns out (a column added later). */
export function projectTable(without: readonly string[] = []): TableDefinition {
  const attributes = ATTRIBUTES.filter((attribute) => !without.includes(attribute.logicalName));
  return {
    logicalName: 'new_project',
    entitySet: 'new_projects',
    primaryIdAttribute: 'new_projectid',
    objectTypeCode: 10001,
    labelLanguage: 1033,
    attributes,
    columns: targetColumns('new_project', attributes),
  };
}
