import { beforeAll, describe, expect, it } from 'vitest';

import {
  readTableDefinition,
  type TableDefinition,
  toTargetRow,
  ValueMismatch,
} from '../../../src/lib/schema';
import { metadataClient, projectMetadata } from './metadataFixture';

let table: TableDefinition;
beforeAll(async () => {
  table = await readTableDefinition(
    metadataClient(projectMetadata),
    { logicalName: 'new_project' },
    { setting: 'SYNC_TABLES' },
  );
});

const wire = {
  '@odata.etag': 'W/"9007199254740993"',
  new_projectid: 'ABCDEF00-0000-0000-0000-000000000001',
  new_name: 'Bridge',
  new_budget: 12000.5,
  new_startdate: '2026-03-01',
  new_phase: 2,
  new_tags: '1,3',
  _new_accountid_value: 'AAAAAAAA-0000-0000-0000-000000000002',
  new_bigcount: 12,
  new_active: true,
  statecode: 0,
  versionnumber: 9007199254740992,
};

describe('toTargetRow', () => {
  it('converts every column, adds labels and lookup tables, keeps the exact version', () => {
    expect(toTargetRow(wire, table)).toEqual({
      new_projectid: 'abcdef00-0000-0000-0000-000000000001',
      new_name: 'Bridge',
      new_budget: 12000.5,
      new_startdate: '2026-03-01',
      new_phase: 2,
      new_phase_label: 'Delivery',
      new_tags: '1,3',
      new_tags_label: 'Red; Blue',
      new_accountid: 'aaaaaaaa-0000-0000-0000-000000000002',
      new_accountid_table: 'account',
      new_bigcount: '12',
      new_active: true,
      statecode: 0,
      statecode_label: 'Active',
      versionnumber: '9007199254740993',
    });
  });

  it('takes the lookup table from the lookuplogicalname annotation (Customer, Owner)', () => {
    const row = toTargetRow(
      { ...wire, '_new_accountid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact' },
      table,
    );
    expect(row).toMatchObject({ new_accountid_table: 'contact' });
  });

  it('keeps nulls as nulls, labels and tables included', () => {
    expect(
      toTargetRow({ ...wire, new_phase: null, _new_accountid_value: null }, table),
    ).toMatchObject({
      new_phase: null,
      new_phase_label: null,
      new_accountid: null,
      new_accountid_table: null,
    });
  });

  it('reads a DateOnly value sent as a midnight timestamp as its date', () => {
    expect(toTargetRow({ ...wire, new_startdate: '2026-03-01T00:00:00Z' }, table)).toMatchObject({
      new_startdate: '2026-03-01',
    });
  });

  it('names the column and the expected type of a value that does not fit', () => {
    expect(toTargetRow({ ...wire, new_phase: 'two' }, table)).toEqual(
      new ValueMismatch('new_phase', 'a whole number', 'a string'),
    );
    expect(toTargetRow({ ...wire, new_tags: 'red' }, table)).toEqual(
      new ValueMismatch('new_tags', 'option values such as "1,3"', 'a string'),
    );
  });

  it('says when the id or the version is missing', () => {
    expect(toTargetRow({ ...wire, new_projectid: undefined }, table)).toBe('no id');
    expect(toTargetRow({ ...wire, '@odata.etag': undefined, versionnumber: 1.5 }, table)).toBe(
      'no version',
    );
  });
});
