import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Runtime } from '../../../src/lib/runtime';
import { WebhookReceiver } from '../../lib/sync/webhookReceiver';
import { readTableMirror } from './mirror';
import { startSyncBed, type SyncBed } from './syncBed';

/**
 * Any table, shaped by metadata, end to end: settings → runtime → the real client reading
 * EntityDefinitions and Attributes from the simulator → the engine → both targets. The rows are
 * created here with literal values, and the expectations are literal too: what each Dataverse
 * type becomes in an Azure Table (EDM type and value) and in the webhook's JSON, choice labels
 * in the configured language, lookups with the table their id belongs to, and schema changes.
 */
const SIGNATURE = encodeURIComponent(randomBytes(32).toString('base64'));
let sync: SyncBed;
let receiver: WebhookReceiver;
let webhookUrl: string;

const ACCOUNT_ID = '0a1b2c3d-0000-4000-8000-000000000001';
const PROJECT_ID = '5e7a0001-0000-4000-8000-00000000a001';
const EMPTY_PROJECT_ID = '5e7a0002-0000-4000-8000-00000000a002';
const CONTACT_OF_ACCOUNT = 'c0a7ac70-0000-4000-8000-00000000c001';
const CONTACT_OF_CONTACT = 'c0a7ac70-0000-4000-8000-00000000c002';

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      {
        name: 'alpine',
        accounts: { count: 0, seed: 101 },
        tables: {
          contact: { count: 0, seed: 102 },
          new_project: { count: 0, seed: 103, changeTracking: true },
        },
      },
      {
        name: 'schema',
        accounts: { count: 0, seed: 106 },
        tables: { new_project: { count: 4, seed: 107, changeTracking: true } },
      },
      {
        name: 'untracked',
        accounts: { count: 4, seed: 104 },
        tables: { new_project: { count: 3, seed: 105 } },
      },
    ],
  });
  sync.bed.plantSecret(SIGNATURE);
  const alpine = sync.environment('alpine');
  alpine.table('account').create({ accountid: ACCOUNT_ID, name: 'Alpine Outfitters' });
  alpine.table('new_project').create({
    new_projectid: PROJECT_ID,
    new_name: 'Apollo',
    new_budget: 1234.56,
    new_startdate: '2026-03-15',
    new_phase: 100_000_001,
    new_tags: '1,3',
    new_priority: 4,
    new_score: 87.25,
    new_rate: 0.1234,
    new_active: true,
    new_bigcount: 6_000_000_123,
    _new_accountid_value: ACCOUNT_ID,
  });
  alpine.table('new_project').create({ new_projectid: EMPTY_PROJECT_ID, new_name: 'Borealis' });
  alpine.table('contact').create({
    contactid: CONTACT_OF_ACCOUNT,
    firstname: 'Anna',
    lastname: 'Berg',
    _parentcustomerid_value: { id: ACCOUNT_ID, logicalName: 'account' },
  });
  alpine.table('contact').create({
    contactid: CONTACT_OF_CONTACT,
    firstname: 'Ben',
    lastname: 'Berg',
    _parentcustomerid_value: { id: CONTACT_OF_ACCOUNT, logicalName: 'contact' },
  });
  receiver = new WebhookReceiver();
  webhookUrl = `${await receiver.start()}?sig=${SIGNATURE}`;
});

afterAll(async () => {
  await receiver.stop();
  await sync.stop();
});

function run(runtime: Runtime, environment = 'alpine') {
  return runtime.sync.run({ logger: sync.logger, environmentNames: [environment] });
}

/**
 * A mirror entity exactly as stored: every property as `[EDM type, value as text]`, without
 * the service's bookkeeping (etag, timestamp, metadata) and the sync's generation mark.
 */
async function storedEntity(
  table: string,
  environment: string,
  id: string,
): Promise<Record<string, [string, string]>> {
  const entity: Record<string, unknown> = await sync
    .table(table)
    .getEntity(environment, id, { disableTypeConversion: true });
  const typed: Record<string, [string, string]> = {};
  for (const [name, property] of Object.entries(entity)) {
    if (['etag', 'timestamp', 'odata.metadata', 'syncGeneration'].includes(name)) continue;
    if (name === 'partitionKey' || name === 'rowKey') continue;
    const { type, value } = property as { type: string; value: string };
    typed[name] = [type, value];
  }
  return typed;
}

/** The simulator's own value of a column it sets itself (timestamps, owner, currency). */
function sourceValue(
  environment: string,
  table: 'new_project' | 'contact',
  id: string,
  column: string,
): string {
  const row = sync.environment(environment).table(table).get(id);
  const value = row?.[column];
  if (typeof value !== 'string') throw new Error(`${table} ${id} has no ${column}`);
  return value;
}

/** Log lines of the run so far that contain `text`. */
function logged(text: string): string[] {
  return sync.visible.logLines().filter((line) => line.includes(text));
}

describe('every attribute type, into each target', () => {
  it("new_project into Azure Table: one typed property per column, a label beside each choice, the lookup's table beside its id", async () => {
    const runtime = await sync.runtime({
      SYNC_TABLES: 'account(name),contact,new_project',
      SYNC_TABLE_PREFIX: 'e2e',
    });
    const report = await run(runtime);
    expect(report.results.map((r) => [r.table, r.outcome, r.roundKind, r.created])).toEqual([
      ['account', 'synced', 'full', 1],
      ['contact', 'synced', 'full', 2],
      ['new_project', 'synced', 'full', 2],
    ]);

    const timestamps = (id: string) => ({
      createdon: ['DateTime', sourceValue('alpine', 'new_project', id, 'createdon')],
      modifiedon: ['DateTime', sourceValue('alpine', 'new_project', id, 'modifiedon')],
    });
    const owner = (id: string) => ({
      ownerid: ['Guid', sourceValue('alpine', 'new_project', id, '_ownerid_value')],
      ownerid_table: ['String', 'systemuser'],
    });
    expect(await storedEntity('e2enewproject', 'alpine', PROJECT_ID)).toEqual({
      new_projectid: ['Guid', PROJECT_ID],
      new_name: ['String', 'Apollo'],
      new_budget: ['Double', '1234.56'],
      // DateOnly: a calendar date, not an instant (an Edm.DateTime would invent a time zone).
      new_startdate: ['String', '2026-03-15'],
      new_phase: ['Int32', '100000001'],
      new_phase_label: ['String', 'Execution'],
      new_tags: ['String', '1,3'],
      new_tags_label: ['String', 'Internal; Urgent'],
      new_priority: ['Int32', '4'],
      new_score: ['Double', '87.25'],
      new_rate: ['Double', '0.1234'],
      new_active: ['Boolean', 'true'],
      // Above 2^32: an Int64, every digit kept.
      new_bigcount: ['Int64', '6000000123'],
      new_accountid: ['Guid', ACCOUNT_ID],
      new_accountid_table: ['String', 'account'],
      transactioncurrencyid: [
        'Guid',
        sourceValue('alpine', 'new_project', PROJECT_ID, '_transactioncurrencyid_value'),
      ],
      transactioncurrencyid_table: ['String', 'transactioncurrency'],
      statecode: ['Int32', '0'],
      statecode_label: ['String', 'Active'],
      statuscode: ['Int32', '1'],
      statuscode_label: ['String', 'Active'],
      ...timestamps(PROJECT_ID),
      ...owner(PROJECT_ID),
      versionnumber: [
        'String',
        String(sync.environment('alpine').table('new_project').get(PROJECT_ID)?.versionnumber),
      ],
    });
    // Nulls are absent properties (how Table storage says null), labels of nulls too.
    expect(await storedEntity('e2enewproject', 'alpine', EMPTY_PROJECT_ID)).toEqual({
      new_projectid: ['Guid', EMPTY_PROJECT_ID],
      new_name: ['String', 'Borealis'],
      statecode: ['Int32', '0'],
      statecode_label: ['String', 'Active'],
      statuscode: ['Int32', '1'],
      statuscode_label: ['String', 'Active'],
      ...timestamps(EMPTY_PROJECT_ID),
      ...owner(EMPTY_PROJECT_ID),
      versionnumber: [
        'String',
        String(
          sync.environment('alpine').table('new_project').get(EMPTY_PROJECT_ID)?.versionnumber,
        ),
      ],
    });
    // account(name): an explicit column list copies exactly those columns.
    expect(Object.keys(await storedEntity('e2eaccount', 'alpine', ACCOUNT_ID))).toEqual([
      'accountid',
      'name',
      'versionnumber',
    ]);
  });

  it("contact's Customer lookup keeps which table each parent is in (account or contact)", async () => {
    const mirror = await readTableMirror(sync.table('e2econtact'), 'alpine');
    const parents = [...mirror.values()].map((row) => [
      row.fullname,
      row.parentcustomerid,
      row.parentcustomerid_table,
    ]);
    expect(parents.sort()).toEqual([
      ['Anna Berg', ACCOUNT_ID, 'account'],
      ['Ben Berg', CONTACT_OF_ACCOUNT, 'contact'],
    ]);
  });

  it('a new label language rewrites every label, rows unchanged in Dataverse included', async () => {
    const runtime = await sync.runtime({
      SYNC_TABLES: 'account(name),contact,new_project',
      SYNC_TABLE_PREFIX: 'e2e',
      SYNC_LABEL_LANGUAGE: '1031',
    });
    const report = await run(runtime);
    expect(report.results.map((r) => [r.table, r.outcome, r.roundKind])).toEqual([
      ['account', 'synced', 'delta'],
      ['contact', 'synced', 'full'],
      ['new_project', 'synced', 'full'],
    ]);
    expect(
      logged('sync alpine/new_project: full resync: the label language changed (1033 → 1031)'),
    ).toHaveLength(1);
    const mirror = await readTableMirror(sync.table('e2enewproject'), 'alpine');
    expect(mirror.get(PROJECT_ID)).toMatchObject({
      new_phase_label: 'Ausführung',
      new_tags_label: 'Intern; Dringend',
      statecode_label: 'Aktiv',
    });
  });

  it('new_project to the webhook in German (SYNC_LABEL_LANGUAGE=1031): JSON values, nulls sent as null', async () => {
    const runtime = await sync.runtime({
      SYNC_TABLES: 'new_project',
      SYNC_TARGET: 'http',
      SYNC_WEBHOOK_URL: webhookUrl,
      SYNC_LABEL_LANGUAGE: '1031',
    });
    const report = await run(runtime);
    expect(report.results.map((r) => [r.table, r.outcome, r.rows])).toEqual([
      ['new_project', 'synced', 2],
    ]);
    const rows = receiver.mirror('alpine', 'new_project');
    const source = (id: string, column: string) => sourceValue('alpine', 'new_project', id, column);
    const common = (id: string) => ({
      statecode: 0,
      statecode_label: 'Aktiv',
      statuscode: 1,
      statuscode_label: 'Aktiv',
      createdon: source(id, 'createdon'),
      modifiedon: source(id, 'modifiedon'),
      ownerid: source(id, '_ownerid_value'),
      ownerid_table: 'systemuser',
      versionnumber: String(sync.environment('alpine').table('new_project').get(id)?.versionnumber),
    });
    expect(rows.get(PROJECT_ID)).toEqual({
      new_projectid: PROJECT_ID,
      new_name: 'Apollo',
      new_budget: 1234.56,
      new_startdate: '2026-03-15',
      new_phase: 100_000_001,
      new_phase_label: 'Ausführung',
      new_tags: '1,3',
      new_tags_label: 'Intern; Dringend',
      new_priority: 4,
      new_score: 87.25,
      new_rate: 0.1234,
      new_active: true,
      // An Int64 travels as a string: JSON numbers lose digits past 2^53.
      new_bigcount: '6000000123',
      new_accountid: ACCOUNT_ID,
      new_accountid_table: 'account',
      transactioncurrencyid: source(PROJECT_ID, '_transactioncurrencyid_value'),
      transactioncurrencyid_table: 'transactioncurrency',
      ...common(PROJECT_ID),
    });
    expect(rows.get(EMPTY_PROJECT_ID)).toEqual({
      new_projectid: EMPTY_PROJECT_ID,
      new_name: 'Borealis',
      new_budget: null,
      new_startdate: null,
      new_phase: null,
      new_phase_label: null,
      new_tags: null,
      new_tags_label: null,
      new_priority: null,
      new_score: null,
      new_rate: null,
      new_active: null,
      new_bigcount: null,
      new_accountid: null,
      new_accountid_table: null,
      transactioncurrencyid: null,
      transactioncurrencyid_table: null,
      ...common(EMPTY_PROJECT_ID),
    });
  });
});

describe('schema changes', () => {
  it('a column added to the configured list is backfilled into rows whose version did not change', async () => {
    const before = await sync.runtime({
      SYNC_TABLES: 'contact(fullname)',
      SYNC_TABLE_PREFIX: 'e2elist',
    });
    expect((await run(before)).anyFailed).toBe(false);
    const narrow = await readTableMirror(sync.table('e2elistcontact'), 'alpine');
    expect([...narrow.values()].map((row) => Object.keys(row).sort())).toEqual([
      ['contactid', 'fullname', 'versionnumber'],
      ['contactid', 'fullname', 'versionnumber'],
    ]);

    const after = await sync.runtime({
      SYNC_TABLES: 'contact(fullname,parentcustomerid)',
      SYNC_TABLE_PREFIX: 'e2elist',
    });
    const report = await run(after);
    expect(report.results.map((r) => [r.outcome, r.roundKind])).toEqual([['synced', 'full']]);
    expect(
      logged('sync alpine/contact: full resync: the columns changed (added parentcustomerid'),
    ).toHaveLength(1);
    const wide = await readTableMirror(sync.table('e2elistcontact'), 'alpine');
    expect(wide.get(CONTACT_OF_ACCOUNT)).toMatchObject({
      parentcustomerid: ACCOUNT_ID,
      parentcustomerid_table: 'account',
    });
    expect(wide.get(CONTACT_OF_CONTACT)).toMatchObject({
      parentcustomerid: CONTACT_OF_ACCOUNT,
      parentcustomerid_table: 'contact',
    });
  });

  it('a column added in Dataverse is picked up at the next run; a removed one stops being written, without a resync', async () => {
    const runtime = await sync.runtime({
      SYNC_TABLES: 'new_project',
      SYNC_TABLE_PREFIX: 'e2eschema',
    });
    const projects = sync.environment('schema').table('new_project');
    expect((await run(runtime, 'schema')).results.map((r) => r.roundKind)).toEqual(['full']);

    sync.environment('schema').addColumn('new_project', {
      LogicalName: 'new_risk',
      AttributeType: 'String',
      AttributeTypeName: { Value: 'StringType' },
      MaxLength: 100,
    });
    const [first, second] = [...projects.rows()].map((row) => String(row.new_projectid));
    if (first === undefined || second === undefined) throw new Error('schema needs 2 projects');
    projects.update(first, { new_risk: 'supplier delay' });
    const added = await run(runtime, 'schema');
    expect(added.results.map((r) => [r.outcome, r.roundKind])).toEqual([['synced', 'full']]);
    expect(
      logged('sync schema/new_project: full resync: the columns changed (added new_risk)'),
    ).toHaveLength(1);
    let mirror = await readTableMirror(sync.table('e2eschemanewproject'), 'schema');
    expect(mirror.get(first)?.new_risk).toBe('supplier delay');
    expect(mirror.get(second)).not.toHaveProperty('new_risk');
    expect(mirror.size).toBe(4);

    // The next run is a delta again and does not log the change a second time.
    expect((await run(runtime, 'schema')).results.map((r) => r.roundKind)).toEqual(['delta']);
    expect(logged('(added new_risk)')).toHaveLength(1);

    sync.environment('schema').removeColumn('new_project', 'new_score');
    const removed = await run(runtime, 'schema');
    expect(removed.results.map((r) => [r.outcome, r.roundKind])).toEqual([['synced', 'delta']]);
    expect(logged('sync schema/new_project: new_score is no longer copied')).toHaveLength(1);
    projects.update(second, { new_name: 'Renamed after new_score went' });
    expect((await run(runtime, 'schema')).anyFailed).toBe(false);
    expect(logged('new_score is no longer copied')).toHaveLength(1);
    mirror = await readTableMirror(sync.table('e2eschemanewproject'), 'schema');
    expect(mirror.get(second)).toMatchObject({ new_name: 'Renamed after new_score went' });
    expect(mirror.get(second)).not.toHaveProperty('new_score');
    expect(mirror.get(first)).toHaveProperty('new_score');
  });
});

describe('tables that cannot be synced', () => {
  it('a table with change tracking off fails alone with the exact fix; once turned on it syncs', async () => {
    const runtime = await sync.runtime({
      SYNC_TABLES: 'account,new_project',
      SYNC_TABLE_PREFIX: 'e2eoff',
    });
    const report = await run(runtime, 'untracked');
    expect(report.results.map((r) => [r.table, r.outcome])).toEqual([
      ['account', 'synced'],
      ['new_project', 'failed'],
    ]);
    const error = report.results[1]?.error ?? '';
    expect(error).toContain(
      'Table new_project has change tracking off in environment untracked [ChangeTrackingDisabled]',
    );
    expect(error).toContain('turn on Track changes for table new_project');

    sync.environment('untracked').setChangeTracking('new_project', true);
    const retried = await run(runtime, 'untracked');
    expect(retried.results.map((r) => [r.table, r.outcome, r.rows])).toEqual([
      ['account', 'synced', 0],
      ['new_project', 'synced', 3],
    ]);
  });

  it('an unknown table or column fails naming it and the setting', async () => {
    const unknownTable = await run(
      await sync.runtime({ SYNC_TABLES: 'account,new_widget', SYNC_TABLE_PREFIX: 'e2eunknown' }),
      'untracked',
    );
    expect(unknownTable.results.map((r) => [r.table, r.outcome])).toEqual([
      ['account', 'synced'],
      ['new_widget', 'failed'],
    ]);
    expect(unknownTable.results[1]?.error).toContain(
      'Table new_widget does not exist in environment untracked',
    );
    expect(unknownTable.results[1]?.error).toContain('SYNC_TABLES');

    const unknownColumn = await run(
      await sync.runtime({
        SYNC_TABLES: 'account(name,nickname)',
        SYNC_TABLE_PREFIX: 'e2eunknown',
      }),
      'untracked',
    );
    expect(unknownColumn.results.map((r) => r.outcome)).toEqual(['failed']);
    expect(unknownColumn.results[0]?.error).toMatch(/nickname/);
    expect(unknownColumn.results[0]?.error).toContain('SYNC_TABLES');
  });
});

it('leaks no planted secret (the webhook signature) into any log line or error', () => {
  expect(sync.leaks()).toEqual([]);
});
