import { describe, expect, it } from 'vitest';

import { targetColumns } from '../../../src/lib/schema';
import { outputShape, shapeChange } from '../../../src/lib/sync/outputShape';
import type { OutputShape, StoredCheckpoint, SyncCheckpoint } from '../../../src/lib/sync/types';
import { accountTable } from './accountTable';

const DESTINATION = 'table:dvaccount';
const DELTA_LINK =
  'https://fake.crm.dynamics.com/api/data/v9.2/accounts?$select=accountid,name&$deltatoken=7%2105%2f01%2f2024';

/** Every account column but `left`. */
function accountColumnsWithout(...left: string[]): string[] {
  return [
    'name',
    'accountnumber',
    'revenue',
    'numberofemployees',
    'creditonhold',
    'description',
    'address1_city',
  ].filter((column) => !left.includes(column));
}

/** The shape a run over these account columns writes (all of them when undefined). */
function shapeOf(columns?: readonly string[]): OutputShape {
  return outputShape(accountTable(columns), DESTINATION);
}

/** A stored checkpoint at a deltaLink, written with `shape` (none: an earlier version's). */
function storedAt(
  shape: OutputShape | undefined,
  fields: Partial<SyncCheckpoint> = {},
): StoredCheckpoint {
  return {
    checkpoint: {
      version: shape === undefined ? 1 : 2,
      ...(shape === undefined ? {} : { shape }),
      deltaLink: DELTA_LINK,
      generation: 5,
      lastRunAt: '2026-01-01T00:00:00.000Z',
      ...fields,
    },
    etag: '"etag"',
  };
}

/** `shape` with one column's recorded type replaced, as an older run would have written it. */
function withColumnType(shape: OutputShape, column: string, type: string): OutputShape {
  return {
    ...shape,
    columns: shape.columns.map((entry) =>
      entry.startsWith(`${column}:`) ? `${column}:${type}` : entry,
    ),
  };
}

describe('outputShape', () => {
  it('records each target column as name:type, sorted, with the entity set and destination', () => {
    expect(shapeOf(['name', 'revenue', 'numberofemployees'])).toEqual({
      entitySet: 'accounts',
      columns: [
        'accountid:guid',
        'name:text',
        'numberofemployees:int32',
        'revenue:decimal(4)',
        'versionnumber:version',
      ],
      destination: DESTINATION,
    });
  });
});

describe('shapeChange', () => {
  it('continues an unchanged shape: no resync, nothing removed', () => {
    expect(shapeChange(storedAt(shapeOf()), shapeOf())).toEqual({
      resync: undefined,
      removed: [],
    });
  });

  it('starts a full round for an added column, naming it', () => {
    const change = shapeChange(storedAt(shapeOf(['name'])), shapeOf(['name', 'revenue']));
    expect(change.resync).toBe('the columns changed (added revenue)');
    expect(change.removed).toEqual([]);
  });

  it('starts a full round for a column whose type changed, naming both types', () => {
    const before = withColumnType(shapeOf(), 'revenue', 'decimal(2)');
    const change = shapeChange(storedAt(before), shapeOf());
    expect(change.resync).toBe('the columns changed (retyped revenue (decimal(2) → decimal(4)))');
    expect(change.removed).toEqual([]);
  });

  it('does not start a full round when columns were only removed, and lists them', () => {
    const change = shapeChange(
      storedAt(shapeOf()),
      shapeOf(accountColumnsWithout('description', 'revenue')),
    );
    expect(change).toEqual({ resync: undefined, removed: ['description', 'revenue'] });
  });

  it('starts a full round when columns were added and others removed, naming both', () => {
    const change = shapeChange(
      storedAt(shapeOf(accountColumnsWithout('revenue'))),
      shapeOf(accountColumnsWithout('description')),
    );
    expect(change.resync).toBe('the columns changed (added revenue; removed description)');
    // The full round writes the new shape: nothing is left to report or rewrite separately.
    expect(change.removed).toEqual([]);
  });

  it('starts a full round for a shape of bare column names (an earlier version: types unknown)', () => {
    const names = shapeOf().columns.map((column) => column.slice(0, column.indexOf(':')));
    const legacy: OutputShape = { ...shapeOf(), columns: names };
    const change = shapeChange(storedAt(legacy), shapeOf());
    expect(change.resync).toMatch(
      /^the columns changed \(retyped accountid \(untyped → guid\), .*revenue \(untyped → decimal\(4\)\)/,
    );
  });

  it('starts a full round for a bare-name shape even when the only other change is a removal', () => {
    const legacy: OutputShape = {
      ...shapeOf(),
      columns: ['accountid', 'description', 'name', 'versionnumber'],
    };
    const change = shapeChange(storedAt(legacy), shapeOf(['name']));
    expect(change.resync).toMatch(/^the columns changed \(retyped .*; removed description\)$/);
  });

  it('lists at most ten changed columns', () => {
    const before: OutputShape = { ...shapeOf(), columns: ['accountid:guid'] };
    const many: OutputShape = {
      ...shapeOf(),
      columns: [
        'accountid:guid',
        ...Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}:text`),
      ],
    };
    expect(shapeChange(storedAt(before), many).resync).toBe(
      'the columns changed (added c00, c01, c02, c03, c04, c05, c06, c07, c08, c09 and 2 more)',
    );
  });

  it('starts a full round for a new entity set or a new destination', () => {
    expect(shapeChange(storedAt(shapeOf()), { ...shapeOf(), entitySet: 'contacts' }).resync).toBe(
      'the table changed (accounts → contacts)',
    );
    expect(
      shapeChange(storedAt(shapeOf()), { ...shapeOf(), destination: 'table:dvmirror' }).resync,
    ).toBe('the destination changed (table:dvaccount → table:dvmirror)');
  });

  it('starts a full round without a checkpoint, or with a damaged one', () => {
    expect(shapeChange(undefined, shapeOf()).resync).toMatch(/^no checkpoint yet/);
    const damaged = { ...storedAt(shapeOf()), damaged: 'not JSON' };
    expect(shapeChange(damaged, shapeOf()).resync).toBe('the checkpoint is damaged (not JSON)');
  });

  it('starts a full round from a position written by a version that did not record its shape', () => {
    expect(shapeChange(storedAt(undefined), shapeOf()).resync).toMatch(
      /earlier version that did not record its columns/,
    );
  });

  it('starts a full round from a checkpoint that holds no position, whatever its shape', () => {
    const noPosition = storedAt(shapeOf(), { deltaLink: undefined });
    expect(shapeChange(noPosition, shapeOf()).resync).toMatch(/^no position yet/);
    const reserved = storedAt(shapeOf(), {
      deltaLink: undefined,
      round: {
        kind: 'full',
        generation: 6,
        pagesDone: 0,
        rowsDone: 0,
        startedAt: '2026-01-01T00:00:00.000Z',
      },
    });
    expect(shapeChange(reserved, shapeOf()).resync).toMatch(/stopped before its first page/);
  });
});

describe('label language', () => {
  it('labels in another language start a full round, so unchanged rows get them too', () => {
    const english = { ...shapeOf(), labelLanguage: 1033 };
    const german = { ...shapeOf(), labelLanguage: 1031 };
    expect(shapeChange(storedAt(english), german)).toEqual({
      resync: 'the label language changed (1033 → 1031)',
      removed: [],
    });
    expect(shapeChange(storedAt(english), english)).toEqual({ resync: undefined, removed: [] });
  });

  it('a table without choices records no label language', () => {
    expect(shapeOf()).not.toHaveProperty('labelLanguage');
  });
});

describe('choice labels', () => {
  /** account with one choice column whose options are labelled `labels`. */
  function withStatus(labels: ReadonlyMap<number, string>) {
    const table = accountTable(['name']);
    const status = {
      logicalName: 'statuscode',
      wireName: 'statuscode',
      kind: 'choice' as const,
      typeName: 'StatusType',
      labels,
    };
    const attributes = [...table.attributes, status];
    return outputShape(
      { ...table, attributes, columns: targetColumns('account', attributes) },
      DESTINATION,
    );
  }

  it('an option renamed in Dataverse starts a full round, so unchanged rows get the new label', () => {
    const before = withStatus(
      new Map([
        [1, 'Active'],
        [2, 'Inactive'],
      ]),
    );
    const renamed = withStatus(
      new Map([
        [1, 'Open'],
        [2, 'Inactive'],
      ]),
    );
    expect(shapeChange(storedAt(before), renamed)).toEqual({
      resync: 'the choice labels changed (statuscode)',
      removed: [],
    });
    expect(
      shapeChange(
        storedAt(before),
        withStatus(
          new Map([
            [1, 'Active'],
            [2, 'Inactive'],
          ]),
        ),
      ),
    ).toEqual({
      resync: undefined,
      removed: [],
    });
  });
});
