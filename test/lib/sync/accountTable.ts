import {
  type SelectedAttribute,
  type TableDefinition,
  targetColumns,
} from '../../../src/lib/schema';

/** The types of FakeAccountSource's columns, as Dataverse metadata reports them. */
const ACCOUNT_ATTRIBUTES: readonly SelectedAttribute[] = [
  {
    logicalName: 'accountid',
    wireName: 'accountid',
    kind: 'uniqueidentifier',
    typeName: 'UniqueidentifierType',
  },
  { logicalName: 'name', wireName: 'name', kind: 'string', typeName: 'StringType' },
  {
    logicalName: 'accountnumber',
    wireName: 'accountnumber',
    kind: 'string',
    typeName: 'StringType',
  },
  {
    logicalName: 'revenue',
    wireName: 'revenue',
    kind: 'money',
    typeName: 'MoneyType',
    precision: 4,
  },
  {
    logicalName: 'numberofemployees',
    wireName: 'numberofemployees',
    kind: 'integer',
    typeName: 'IntegerType',
  },
  {
    logicalName: 'creditonhold',
    wireName: 'creditonhold',
    kind: 'boolean',
    typeName: 'BooleanType',
  },
  { logicalName: 'description', wireName: 'description', kind: 'memo', typeName: 'MemoType' },
  {
    logicalName: 'address1_city',
    wireName: 'address1_city',
    kind: 'string',
    typeName: 'StringType',
  },
];

/**
 * The account table as the engine would read it from metadata, for tests that drive the
 * engine against FakeAccountSource (which serves rows, not metadata). `columns` picks a subset.
 */
export function accountTable(columns?: readonly string[]): TableDefinition {
  const attributes = ACCOUNT_ATTRIBUTES.filter(
    (attribute) =>
      attribute.logicalName === 'accountid' ||
      columns === undefined ||
      columns.includes(attribute.logicalName),
  );
  return {
    logicalName: 'account',
    entitySet: 'accounts',
    primaryIdAttribute: 'accountid',
    objectTypeCode: 1,
    labelLanguage: 1033,
    attributes,
    columns: targetColumns('account', attributes),
  };
}
