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

interface Label {
  LocalizedLabels: { Label: string; LanguageCode: number }[];
  UserLocalizedLabel: { Label: string; LanguageCode: number } | null;
}
interface Option {
  Value: number;
  Label: Label;
  State?: number;
  DefaultStatus?: number;
}
interface OptionSet {
  Options?: Option[];
  TrueOption?: Option;
  FalseOption?: Option;
}
type Attribute = Record<string, unknown> & {
  LogicalName: string;
  OptionSet?: OptionSet | null;
  GlobalOptionSet?: OptionSet | null;
};

/**
 * The metadata routes through dynamics-web-api's own metadata calls (retrieveEntity,
 * retrieveEntities, retrieveAttributes with casts, retrieveAttribute) and plain fetch.
 */
describe('Dataverse simulator: table metadata', () => {
  let fixture: SimulatorFixture;
  let english: SimEnvironment;
  let german: SimEnvironment;
  const clients = new Map<SimEnvironment, DynamicsWebApi>();
  const client = (env: SimEnvironment): DynamicsWebApi => {
    let found = clients.get(env);
    if (found === undefined) {
      found = new DynamicsWebApi({
        serverUrl: env.url,
        dataApi: { version: '9.2' },
        onTokenRefresh: () => Promise.resolve(fixture.tokenFor(env.url)),
      });
      clients.set(env, found);
    }
    return found;
  };
  const attributes = async (
    env: SimEnvironment,
    table: string,
    castType: string,
    select: string[],
    withOptions = false,
  ): Promise<Attribute[]> => {
    const result = await client(env).retrieveAttributes<Attribute>({
      entityKey: `LogicalName='${table}'`,
      castType: `Microsoft.Dynamics.CRM.${castType}`,
      select,
      ...(withOptions
        ? {
            expand: [
              { property: 'OptionSet', select: ['Options'] },
              { property: 'GlobalOptionSet', select: ['Options'] },
            ],
          }
        : {}),
    });
    return result.value;
  };
  const byName = (items: Attribute[], name: string): Attribute => {
    const found = items.find((item) => item.LogicalName === name);
    if (found === undefined) throw new Error(`no attribute ${name}`);
    return found;
  };

  beforeAll(async () => {
    fixture = await startSimulator([
      environmentOptions({
        tables: { contact: { count: 5, seed: 2 }, new_project: { count: 5, seed: 3 } },
      }),
      environmentOptions({ name: 'fabrikam', baseLanguage: 1031 }),
    ]);
    english = fixture.sim.environment('contoso');
    german = fixture.sim.environment('fabrikam');
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  it('retrieves one table definition with $select, MetadataId always included', async () => {
    const definition = await client(english).retrieveEntity<Record<string, unknown>>({
      key: "LogicalName='contact'",
      select: [
        'LogicalName',
        'EntitySetName',
        'PrimaryIdAttribute',
        'PrimaryNameAttribute',
        'ObjectTypeCode',
        'ChangeTrackingEnabled',
      ],
    });
    expect(definition).toMatchObject({
      oDataContext: `${english.serviceRootUrl}$metadata#EntityDefinitions(LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ObjectTypeCode,ChangeTrackingEnabled)/$entity`,
      LogicalName: 'contact',
      EntitySetName: 'contacts',
      PrimaryIdAttribute: 'contactid',
      PrimaryNameAttribute: 'fullname',
      ObjectTypeCode: 2,
      ChangeTrackingEnabled: true,
    });
    expect(definition.MetadataId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(definition)).not.toContain('DisplayName');
  });

  it('answers an unknown table with 404 0x80040217', async () => {
    const error: unknown = await client(english)
      .retrieveEntity({ key: "LogicalName='new_nothing'", select: ['LogicalName'] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toMatchObject({
      status: 404,
      code: '0x80040217',
      message:
        'Could not find an entity with name new_nothing and id 00000000-0000-0000-0000-000000000000.',
    });
  });

  it('lists the change-tracked tables with $filter=ChangeTrackingEnabled eq true', async () => {
    const tracked = async (): Promise<string[]> => {
      const result = await client(english).retrieveEntities<{ LogicalName: string }>({
        select: ['LogicalName'],
        filter: 'ChangeTrackingEnabled eq true',
      });
      return result.value.map((item) => item.LogicalName);
    };
    expect(await tracked()).toEqual(['account', 'contact']);
    english.setChangeTracking('new_project', true);
    try {
      expect(await tracked()).toEqual(['account', 'contact', 'new_project']);
    } finally {
      english.setChangeTracking('new_project', false);
    }
  });

  it('lists attributes with the properties a client needs to skip virtual and shadow columns', async () => {
    const result = await client(english).retrieveAttributes<Attribute>({
      entityKey: "LogicalName='account'",
      select: [
        'LogicalName',
        'AttributeType',
        'AttributeTypeName',
        'IsValidForRead',
        'AttributeOf',
        'IsLogical',
      ],
    });
    expect(result.oDataContext).toBe(
      `${english.serviceRootUrl}$metadata#EntityDefinitions('account')/Attributes(LogicalName,AttributeType,AttributeTypeName,IsValidForRead,AttributeOf,IsLogical)`,
    );
    const all = result.value;
    // Derived types carry @odata.type; the primary key and Virtual `name` columns do not.
    expect(byName(all, 'accountid')['@odata.type']).toBeUndefined();
    expect(byName(all, 'industrycode')['@odata.type']).toBe(
      '#Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
    );
    expect(byName(all, 'industrycodename')).toMatchObject({
      AttributeType: 'Virtual',
      AttributeOf: 'industrycode',
    });
    expect(byName(all, 'industrycodename')['@odata.type']).toBeUndefined();
    expect(byName(all, 'primarycontactid')).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.LookupAttributeMetadata',
      AttributeType: 'Lookup',
      AttributeOf: null,
    });
    expect(byName(all, 'primarycontactidname')).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata',
      AttributeOf: 'primarycontactid',
      IsLogical: true,
    });
    expect(byName(all, 'ownerid')).toMatchObject({
      AttributeType: 'Owner',
      AttributeTypeName: { Value: 'OwnerType' },
    });
    expect(byName(all, 'owneridtype')).toMatchObject({
      AttributeType: 'EntityName',
      AttributeOf: 'ownerid',
    });
    expect(byName(all, 'revenue_base')).toMatchObject({
      AttributeType: 'Money',
      AttributeOf: 'revenue',
    });
    // AttributeType says Virtual for images; AttributeTypeName says what it is.
    expect(byName(all, 'entityimage')).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.ImageAttributeMetadata',
      AttributeType: 'Virtual',
      AttributeTypeName: { Value: 'ImageType' },
    });
    expect(byName(all, 'statecode')).toMatchObject({ AttributeType: 'State' });
    expect(byName(all, 'createdon')).toMatchObject({ AttributeType: 'DateTime' });

    const readable = await client(english).retrieveAttributes<Attribute>({
      entityKey: "LogicalName='account'",
      select: ['LogicalName'],
      filter: 'IsValidForRead eq true and AttributeOf eq null',
    });
    const names = readable.value.map((item) => item.LogicalName);
    expect(names).toContain('primarycontactid');
    expect(names).not.toContain('primarycontactidname');
    expect(names).not.toContain('revenue_base');
    expect(names).not.toContain('industrycodename');
  });

  it('filters by enumeration only with the namespaced literal, and rejects string functions', async () => {
    const picklists = await client(english).retrieveAttributes<Attribute>({
      entityKey: "LogicalName='new_project'",
      select: ['LogicalName'],
      filter: "AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'",
    });
    expect(picklists.value.map((item) => item.LogicalName)).toEqual(['new_phase']);
    const get = (filter: string): Promise<Response> =>
      fetch(
        `${english.serviceRootUrl}EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName&$filter=${encodeURIComponent(filter)}`,
        { headers: apiHeaders(fixture.tokenFor(english.url)) },
      );
    const plain = await get("AttributeType eq 'Picklist'");
    expect(plain.status).toBe(400);
    const function_ = await get("startswith(LogicalName,'new_')");
    expect(function_.status).toBe(400);
    expect(((await function_.json()) as ErrorBody).error).toEqual({
      code: '0x8006088a',
      message: 'The "startswith" function isn\'t supported for Metadata Entities.',
    });
    const top = await fetch(
      `${english.serviceRootUrl}EntityDefinitions?$select=LogicalName&$top=1`,
      {
        headers: apiHeaders(fixture.tokenFor(english.url)),
      },
    );
    expect(top.status).toBe(400);
  });

  it('casts to PicklistAttributeMetadata: local labels in two languages, a global choice in GlobalOptionSet', async () => {
    const projects = await attributes(
      english,
      'new_project',
      'PicklistAttributeMetadata',
      ['LogicalName'],
      true,
    );
    expect(projects.map((item) => item.LogicalName)).toEqual(['new_phase']);
    const phase = byName(projects, 'new_phase');
    expect(phase['@odata.type']).toBeUndefined();
    expect(phase.GlobalOptionSet).toBeNull();
    const planning = phase.OptionSet?.Options?.[0];
    expect(planning?.Value).toBe(100_000_000);
    expect(planning?.Label.LocalizedLabels).toHaveLength(2);
    expect(planning?.Label.LocalizedLabels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Label: 'Planning', LanguageCode: 1033 }),
        expect.objectContaining({ Label: 'Planung', LanguageCode: 1031 }),
      ]),
    );
    expect(planning?.Label.UserLocalizedLabel).toMatchObject({
      Label: 'Planning',
      LanguageCode: 1033,
    });

    const inGerman = byName(
      await attributes(german, 'new_project', 'PicklistAttributeMetadata', ['LogicalName'], true),
      'new_phase',
    );
    expect(inGerman.OptionSet?.Options?.[0]?.Label.UserLocalizedLabel).toMatchObject({
      Label: 'Planung',
      LanguageCode: 1031,
    });

    const industry = byName(
      await attributes(english, 'account', 'PicklistAttributeMetadata', ['LogicalName'], true),
      'industrycode',
    );
    expect(industry.OptionSet).toBeNull();
    expect(industry.GlobalOptionSet?.Options).toHaveLength(33);
    // English-only labels: a German user gets no UserLocalizedLabel and falls back.
    const germanIndustry = byName(
      await attributes(german, 'account', 'PicklistAttributeMetadata', ['LogicalName'], true),
      'industrycode',
    );
    expect(germanIndustry.GlobalOptionSet?.Options?.[0]?.Label.UserLocalizedLabel).toBeNull();
  });

  it('casts to MultiSelectPicklist, State, Status and Boolean metadata', async () => {
    const tags = byName(
      await attributes(
        english,
        'new_project',
        'MultiSelectPicklistAttributeMetadata',
        ['LogicalName'],
        true,
      ),
      'new_tags',
    );
    expect(tags.OptionSet?.Options?.map((item) => item.Value)).toEqual([1, 2, 3, 4]);
    const state = byName(
      await attributes(english, 'contact', 'StateAttributeMetadata', ['LogicalName'], true),
      'statecode',
    );
    expect(state.OptionSet?.Options?.map((item) => [item.Value, item.DefaultStatus])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    const status = byName(
      await attributes(english, 'contact', 'StatusAttributeMetadata', ['LogicalName'], true),
      'statuscode',
    );
    expect(status.OptionSet?.Options?.map((item) => [item.Value, item.State])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    const result = await client(english).retrieveAttributes<Attribute>({
      entityKey: "LogicalName='new_project'",
      castType: 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata',
      select: ['LogicalName'],
      expand: [{ property: 'OptionSet' }],
    });
    const active = byName(result.value, 'new_active');
    expect(active.OptionSet?.TrueOption).toMatchObject({
      Value: 1,
      Label: { UserLocalizedLabel: { Label: 'Yes' } },
    });
    expect(active.OptionSet?.FalseOption).toMatchObject({
      Value: 0,
      Label: { UserLocalizedLabel: { Label: 'No' } },
    });
    // A Boolean's option set has TrueOption/FalseOption, not Options.
    const wrongSelect = await fetch(
      `${english.serviceRootUrl}EntityDefinitions(LogicalName='new_project')/Attributes/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)`,
      { headers: apiHeaders(fixture.tokenFor(english.url)) },
    );
    expect(wrongSelect.status).toBe(400);
  });

  it('casts to Lookup, Money, Decimal and DateTime metadata', async () => {
    const lookups = await attributes(english, 'contact', 'LookupAttributeMetadata', [
      'LogicalName',
      'Targets',
    ]);
    expect(byName(lookups, 'parentcustomerid').Targets).toEqual(['account', 'contact']);
    expect(byName(lookups, 'ownerid').Targets).toEqual(['systemuser', 'team']);
    const money = await attributes(english, 'account', 'MoneyAttributeMetadata', [
      'LogicalName',
      'Precision',
      'PrecisionSource',
    ]);
    expect(byName(money, 'revenue')).toMatchObject({ Precision: 4 });
    const projectMoney = await attributes(english, 'new_project', 'MoneyAttributeMetadata', [
      'LogicalName',
      'Precision',
    ]);
    expect(byName(projectMoney, 'new_budget')).toMatchObject({ Precision: 2 });
    const decimals = await attributes(english, 'new_project', 'DecimalAttributeMetadata', [
      'LogicalName',
      'Precision',
    ]);
    expect(decimals).toEqual([expect.objectContaining({ LogicalName: 'new_rate', Precision: 4 })]);
    const dates = await attributes(english, 'contact', 'DateTimeAttributeMetadata', [
      'LogicalName',
      'Format',
      'DateTimeBehavior',
    ]);
    expect(byName(dates, 'birthdate')).toMatchObject({
      Format: 'DateOnly',
      DateTimeBehavior: { Value: 'DateOnly' },
    });
    expect(byName(dates, 'createdon')).toMatchObject({
      Format: 'DateAndTime',
      DateTimeBehavior: { Value: 'UserLocal' },
    });
    // Derived properties need the cast: on the base type they do not exist.
    const uncast = await fetch(
      `${english.serviceRootUrl}EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,Targets`,
      { headers: apiHeaders(fixture.tokenFor(english.url)) },
    );
    expect(uncast.status).toBe(400);
    expect(((await uncast.json()) as ErrorBody).error.message).toBe(
      "Could not find a property named 'Targets' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'.",
    );
  });

  it('retrieves one attribute by LogicalName with a cast (retrieveAttribute)', async () => {
    const phase = await client(english).retrieveAttribute<Attribute>({
      entityKey: "LogicalName='new_project'",
      attributeKey: "LogicalName='new_phase'",
      castType: 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
      select: ['LogicalName'],
      expand: [{ property: 'OptionSet', select: ['Options'] }],
    });
    // DynamicsWebApi turns every `*@odata.context` key into `oDataContext`, so the nested
    // `OptionSet@odata.context` (Microsoft's sample has one) wins there: read the raw key.
    expect(phase['@odata.context']).toBe(
      `${english.serviceRootUrl}$metadata#EntityDefinitions('new_project')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata(LogicalName,OptionSet,OptionSet(Options))/$entity`,
    );
    expect(phase.OptionSet?.Options?.map((item) => item.Value)).toEqual([
      100_000_000, 100_000_001, 100_000_002,
    ]);
    const wrongCast = await fetch(
      `${english.serviceRootUrl}EntityDefinitions(LogicalName='new_project')/Attributes(LogicalName='new_phase')/Microsoft.Dynamics.CRM.MoneyAttributeMetadata`,
      { headers: apiHeaders(fixture.tokenFor(english.url)) },
    );
    expect(wrongCast.status).toBe(404);
  });

  it("reads the organization's base language from organizations?$select=languagecode", async () => {
    const read = async (env: SimEnvironment): Promise<unknown> => {
      const result = await client(env).retrieveMultiple<{ languagecode: number }>({
        collection: 'organizations',
        select: ['languagecode'],
      });
      return result.value[0]?.languagecode;
    };
    expect(await read(english)).toBe(1033);
    expect(await read(german)).toBe(1031);
    expect(german.baseLanguage).toBe(1031);
  });
});
