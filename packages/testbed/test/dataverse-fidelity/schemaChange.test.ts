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

/** addColumn / removeColumn: a schema change seen the way a metadata-driven client sees it. */
describe('Dataverse simulator: schema changes', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;
  let client: DynamicsWebApi;

  beforeAll(async () => {
    fixture = await startSimulator([
      environmentOptions({ tables: { contact: { count: 6, seed: 9 } } }),
    ]);
    env = fixture.sim.environment('contoso');
    client = new DynamicsWebApi({
      serverUrl: env.url,
      dataApi: { version: '9.2' },
      onTokenRefresh: () => Promise.resolve(fixture.tokenFor(env.url)),
    });
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const columnNames = async (): Promise<string[]> => {
    const result = await client.retrieveAttributes<{ LogicalName: string }>({
      entityKey: "LogicalName='contact'",
      select: ['LogicalName'],
    });
    return result.value.map((item) => item.LogicalName);
  };

  it('shows an added column in the metadata and, empty, in every row; a new round reads its values', async () => {
    const round = await client.retrieveAll<Row>({
      collection: 'contacts',
      select: ['fullname'],
      trackChanges: true,
    });
    env.addColumn('contact', {
      LogicalName: 'new_nickname',
      AttributeType: 'String',
      AttributeTypeName: { Value: 'StringType' },
      MaxLength: 100,
    });
    expect(await columnNames()).toContain('new_nickname');
    const typed = await client.retrieveAttribute<Row>({
      entityKey: "LogicalName='contact'",
      attributeKey: "LogicalName='new_nickname'",
      select: ['LogicalName', 'IsCustomAttribute', 'AttributeOf'],
    });
    expect(typed).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata',
      IsCustomAttribute: true,
      AttributeOf: null,
    });

    const rows = await client.retrieveMultiple<Row>({
      collection: 'contacts',
      select: ['new_nickname'],
    });
    expect(rows.value.map((row) => row.new_nickname)).toEqual(Array(6).fill(null));
    const whole = await client.retrieveMultiple<Row>({ collection: 'contacts' });
    expect(whole.value[0]).toHaveProperty('new_nickname', null);

    // Adding a column changes no row: nothing new in the delta until a row is written.
    const quiet = await client.retrieveMultiple<Row>(
      { collection: 'contacts', trackChanges: true },
      round.oDataDeltaLink,
    );
    expect(quiet.value).toEqual([]);
    const id = String(rows.value[0]?.contactid);
    await client.update({ collection: 'contacts', key: id, data: { new_nickname: 'Nick' } });
    // The deltaLink keeps the round's $select: the row comes, the new column only in a new round.
    const delta = await client.retrieveMultiple<Row>(
      { collection: 'contacts', trackChanges: true },
      quiet.oDataDeltaLink,
    );
    expect(delta.value).toEqual([
      expect.objectContaining({ contactid: id, fullname: expect.any(String) as string }),
    ]);
    expect(delta.value[0]).not.toHaveProperty('new_nickname');
    const fresh = await client.retrieveAll<Row>({
      collection: 'contacts',
      select: ['fullname', 'new_nickname'],
      trackChanges: true,
    });
    expect(fresh.value.find((row) => row.contactid === id)).toMatchObject({ new_nickname: 'Nick' });
    expect(env.table('contact').get(id)).toMatchObject({ new_nickname: 'Nick' });
  });

  it('drops a removed column from the metadata, the rows and $select', async () => {
    env.removeColumn('contact', 'new_nickname');
    expect(await columnNames()).not.toContain('new_nickname');
    const response = await fetch(`${env.serviceRootUrl}contacts?$select=fullname,new_nickname`, {
      headers: apiHeaders(fixture.tokenFor(env.url)),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toBe(
      "Could not find a property named 'new_nickname' on type 'Microsoft.Dynamics.CRM.contact'.",
    );
    const single = await fetch(
      `${env.serviceRootUrl}EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='new_nickname')`,
      { headers: apiHeaders(fixture.tokenFor(env.url)) },
    );
    expect(single.status).toBe(404);
    for (const row of env.table('contact').rows()) expect(row).not.toHaveProperty('new_nickname');

    // A lookup goes with its shadow columns.
    env.removeColumn('contact', 'parentcustomerid');
    const names = await columnNames();
    expect(names.filter((name) => name.startsWith('parentcustomerid'))).toEqual([]);
  });

  it('adds a choice whose labels the cast route serves at once', async () => {
    env.addColumn('contact', {
      LogicalName: 'new_tier',
      AttributeType: 'Picklist',
      AttributeTypeName: { Value: 'PicklistType' },
      OptionSet: {
        Name: 'contact_new_tier',
        Options: [
          { Value: 1, Label: { LocalizedLabels: [{ Label: 'Gold', LanguageCode: 1033 }] } },
          { Value: 2, Label: { LocalizedLabels: [{ Label: 'Silver', LanguageCode: 1033 }] } },
        ],
      },
      GlobalOptionSet: null,
    });
    const result = await client.retrieveAttributes<{
      LogicalName: string;
      OptionSet: { Options: { Value: number }[] } | null;
    }>({
      entityKey: "LogicalName='contact'",
      castType: 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
      select: ['LogicalName'],
      expand: [{ property: 'OptionSet', select: ['Options'] }],
    });
    const tier = result.value.find((item) => item.LogicalName === 'new_tier');
    expect(tier?.OptionSet?.Options.map((item) => item.Value)).toEqual([1, 2]);
    const [contact] = env.table('contact').rows();
    env.table('contact').update(String(contact?.contactid), { new_tier: 2 });
    const row = await client.retrieve<Row>({
      collection: 'contacts',
      key: String(contact?.contactid),
      select: ['new_tier'],
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue',
    });
    expect(row).toMatchObject({
      new_tier: 2,
      'new_tier@OData.Community.Display.V1.FormattedValue': 'Silver',
    });
  });
});
