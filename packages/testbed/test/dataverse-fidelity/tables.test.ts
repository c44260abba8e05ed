import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  apiHeaders,
  environmentOptions,
  type ErrorBody,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

type Row = Record<string, unknown>;

/**
 * contacts and new_projects on the wire: value shapes (DateOnly, multi-select, BigInt),
 * annotations, writes through @odata.bind, and change tracking per table.
 */
describe('Dataverse simulator: contact and new_project rows', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;
  let german: SimEnvironment;
  let client: DynamicsWebApi;

  beforeAll(async () => {
    fixture = await startSimulator([
      environmentOptions({
        accounts: { count: 10, seed: 7 },
        tables: { contact: { count: 40, seed: 4 }, new_project: { count: 15, seed: 5 } },
      }),
      environmentOptions({
        name: 'fabrikam',
        baseLanguage: 1031,
        tables: { new_project: { count: 3, seed: 5, changeTracking: true } },
      }),
    ]);
    env = fixture.sim.environment('contoso');
    german = fixture.sim.environment('fabrikam');
    client = new DynamicsWebApi({
      serverUrl: env.url,
      dataApi: { version: '9.2' },
      onTokenRefresh: () => Promise.resolve(fixture.tokenFor(env.url)),
    });
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const send = async (
    target: SimEnvironment,
    method: string,
    path: string,
    options: { body?: unknown; prefer?: string } = {},
  ): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${target.serviceRootUrl}${path}`, {
      method,
      headers: apiHeaders(fixture.tokenFor(target.url), {
        ...(options.body === undefined
          ? {}
          : { 'Content-Type': 'application/json; charset=utf-8' }),
        ...(options.prefer === undefined ? {} : { Prefer: options.prefer }),
      }),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  };

  it('sends a DateOnly column as YYYY-MM-DD and a Customer lookup with its table on request', async () => {
    const result = await client.retrieveMultiple<Row>({
      collection: 'contacts',
      select: ['fullname', 'birthdate', '_parentcustomerid_value'],
      includeAnnotations: '*',
    });
    expect(result.value).toHaveLength(40);
    const withBirthdate = result.value.filter((row) => row.birthdate !== null);
    expect(withBirthdate.length).toBeGreaterThan(0);
    for (const row of withBirthdate) expect(row.birthdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const parents = result.value.filter((row) => row._parentcustomerid_value !== null);
    const tables = new Set(
      parents.map((row) => row['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']),
    );
    expect(tables).toEqual(new Set(['account', 'contact']));
    const toAccount = parents.find((row) => row._parentcustomerid_value_LogicalName === 'account');
    const account = env.getAccount(String(toAccount?._parentcustomerid_value));
    expect(toAccount).toMatchObject({
      '_parentcustomerid_value@OData.Community.Display.V1.FormattedValue': account?.name,
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty':
        'parentcustomerid_account',
    });
    // Without the preference: no annotations at all.
    const plain = await client.retrieveMultiple<Row>({
      collection: 'contacts',
      select: ['_parentcustomerid_value'],
    });
    expect(
      Object.keys(plain.value[0] ?? {}).filter((key) => key.includes('@') && key !== '@odata.etag'),
    ).toEqual([]);
  });

  it('sends multi-select as "1,3", BigInt as a number, and choice labels in the base language', async () => {
    const result = await client.retrieveMultiple<Row>({
      collection: 'new_projects',
      select: [
        'new_name',
        'new_tags',
        'new_bigcount',
        'new_active',
        'new_phase',
        'new_startdate',
        'new_budget',
      ],
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue',
    });
    const tagged = result.value.filter((row) => row.new_tags !== null);
    expect(tagged.length).toBeGreaterThan(0);
    for (const row of tagged) expect(row.new_tags).toMatch(/^[1-4](,[1-4])*$/);
    for (const row of result.value) {
      expect(typeof row.new_bigcount).toBe('number');
      expect(Number(row.new_bigcount)).toBeGreaterThan(2 ** 32);
      expect(typeof row.new_active).toBe('boolean');
      expect(row.new_startdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const first = result.value[0] ?? {};
    expect(['Planning', 'Execution', 'Closing']).toContain(
      first['new_phase@OData.Community.Display.V1.FormattedValue'],
    );
    expect(first['new_active@OData.Community.Display.V1.FormattedValue']).toBe(
      first.new_active === true ? 'Yes' : 'No',
    );

    const inGerman = await send(german, 'GET', 'new_projects?$select=new_phase,new_tags', {
      prefer: 'odata.include-annotations="*"',
    });
    const germanRow = (inGerman.body as { value: Row[] }).value[0] ?? {};
    expect(['Planung', 'Ausführung', 'Abschluss']).toContain(
      germanRow['new_phase@OData.Community.Display.V1.FormattedValue'],
    );
  });

  it('fails a track-changes query while change tracking is off, and tracks once it is on', async () => {
    const refused = await send(env, 'GET', 'new_projects?$select=new_name', {
      prefer: 'odata.track-changes',
    });
    expect(refused.status).toBe(400);
    expect((refused.body as ErrorBody).error).toEqual({
      code: '0x80072491',
      message: "Entity new_project isn't enabled for change tracking.",
    });
    const viaClient: unknown = await client
      .retrieveAll({ collection: 'new_projects', select: ['new_name'], trackChanges: true })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(viaClient).toMatchObject({ status: 400, code: '0x80072491' });

    env.setChangeTracking('new_project', true);
    try {
      const initial = await client.retrieveAll<Row>({
        collection: 'new_projects',
        select: ['new_name', 'new_priority'],
        trackChanges: true,
        maxPageSize: 4,
      });
      expect(initial.value).toHaveLength(15);
      expect(initial.oDataDeltaLink).toContain(
        'new_projects?$select=new_name,new_priority&$deltatoken=',
      );
      const [first, second] = initial.value;
      await client.update({
        collection: 'new_projects',
        key: String(first?.new_projectid),
        data: { new_priority: 5 },
      });
      await client.deleteRecord({ collection: 'new_projects', key: String(second?.new_projectid) });
      const delta = await client.retrieveMultiple<Row>(
        { collection: 'new_projects', trackChanges: true },
        initial.oDataDeltaLink,
      );
      expect(delta.value).toEqual([
        expect.objectContaining({ new_projectid: first?.new_projectid, new_priority: 5 }),
        expect.objectContaining({
          '@odata.context': `${env.serviceRootUrl}$metadata#new_projects/$deletedEntity`,
          id: second?.new_projectid,
          reason: 'deleted',
        }),
      ]);
    } finally {
      env.setChangeTracking('new_project', false);
    }
  });

  it('tracks contacts page by page, and fails an expired token with 0x80044352', async () => {
    const initial = await client.retrieveAll<Row>({
      collection: 'contacts',
      select: ['fullname'],
      trackChanges: true,
      maxPageSize: 15,
    });
    expect(initial.value).toHaveLength(env.table('contact').count());
    const contacts = env.table('contact');
    const [row] = contacts.rows();
    contacts.update(String(row?.contactid), { firstname: 'Renamed' });
    const created = contacts.create({ firstname: 'New', lastname: 'Contact' });
    const delta = await client.retrieveMultiple<Row>(
      { collection: 'contacts', trackChanges: true },
      initial.oDataDeltaLink,
    );
    expect(delta.value.map((item) => item.contactid)).toEqual([row?.contactid, created]);
    expect(delta.value[1]).toMatchObject({ fullname: 'New Contact' });

    env.expireChangeTokens();
    const expired = await send(
      env,
      'GET',
      new URL(String(delta.oDataDeltaLink)).pathname.replace(/^.*v9\.2\//, '') +
        new URL(String(delta.oDataDeltaLink)).search,
    );
    expect(expired.status).toBe(400);
    expect((expired.body as ErrorBody).error.code).toBe('0x80044352');
  });

  it('writes lookups only through @odata.bind and reads them back with their table', async () => {
    const [account] = env.allAccounts();
    const created = await send(env, 'POST', 'contacts', {
      prefer:
        'return=representation,odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
      body: {
        firstname: 'Bound',
        lastname: 'Contact',
        birthdate: '1990-02-28',
        'parentcustomerid_account@odata.bind': `/accounts(${account?.accountid ?? ''})`,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      fullname: 'Bound Contact',
      birthdate: '1990-02-28',
      _parentcustomerid_value: account?.accountid,
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
    });

    const direct = await send(env, 'POST', 'contacts', {
      body: { lastname: 'Direct', _parentcustomerid_value: account?.accountid },
    });
    expect(direct.status).toBe(400);
    expect((direct.body as ErrorBody).error.message).toBe(
      'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
    );
    const badDate = await send(env, 'POST', 'contacts', {
      body: { lastname: 'X', birthdate: '1990-02-30' },
    });
    expect(badDate.status).toBe(400);

    const project = await send(env, 'POST', 'new_projects', {
      prefer: 'return=representation',
      body: {
        new_name: 'Written',
        new_tags: '1, 3',
        new_budget: 1234.567,
        new_active: true,
        new_bigcount: 9_007_199_254_740_000,
        'new_AccountId@odata.bind': `/accounts(${account?.accountid ?? ''})`,
      },
    });
    expect(project.body).toMatchObject({
      new_tags: '1,3',
      new_budget: 1234.57,
      new_budget_base: 1234.57,
      new_bigcount: 9_007_199_254_740_000,
      _new_accountid_value: account?.accountid,
    });
    const wrongCase = await send(env, 'POST', 'new_projects', {
      body: { new_name: 'x', 'new_accountid@odata.bind': `/accounts(${account?.accountid ?? ''})` },
    });
    expect(wrongCase.status).toBe(400);
  });

  it('runs a change set across two tables atomically', async () => {
    const before = [env.table('contact').count(), env.table('new_project').count()];
    const batch = async (projectName: unknown): Promise<void> => {
      client.startBatch();
      void client.create({ collection: 'contacts', data: { lastname: 'Batch' } });
      void client.create({ collection: 'new_projects', data: { new_name: projectName } });
      await client.executeBatch();
    };
    await batch('Batch project');
    expect([env.table('contact').count(), env.table('new_project').count()]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    await expect(batch(42)).rejects.toBeDefined();
    expect([env.table('contact').count(), env.table('new_project').count()]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
  });
});
