import { describe, expect, it } from 'vitest';

import { readTableDefinition } from '../../../src/lib/schema';
import { metadataClient, projectMetadata } from './metadataFixture';

describe('readTableDefinition', () => {
  it('copies every readable real column by default, with types, precisions, behaviours and labels', async () => {
    const client = metadataClient(projectMetadata);
    const table = await readTableDefinition(
      client,
      { logicalName: 'new_project' },
      { setting: 'SYNC_TABLES' },
    );
    expect(table).toMatchObject({
      logicalName: 'new_project',
      entitySet: 'new_projects',
      primaryIdAttribute: 'new_projectid',
      objectTypeCode: 10042,
      labelLanguage: 1033,
    });
    expect(table.attributes.map((a) => [a.logicalName, a.kind, a.wireName])).toEqual([
      ['new_projectid', 'uniqueidentifier', 'new_projectid'],
      ['new_name', 'string', 'new_name'],
      ['new_budget', 'money', 'new_budget'],
      ['new_startdate', 'datetime', 'new_startdate'],
      ['new_phase', 'choice', 'new_phase'],
      ['new_tags', 'choices', 'new_tags'],
      ['new_accountid', 'lookup', '_new_accountid_value'],
      ['new_bigcount', 'bigint', 'new_bigcount'],
      ['new_active', 'boolean', 'new_active'],
      ['statecode', 'choice', 'statecode'],
    ]);
    expect(table.columns.map((c) => `${c.name}:${c.type.name}`)).toEqual([
      'new_projectid:guid',
      'new_name:text',
      'new_budget:decimal',
      'new_startdate:date',
      'new_phase:int32',
      'new_phase_label:text',
      'new_tags:choices',
      'new_tags_label:text',
      'new_accountid:guid',
      'new_accountid_table:text',
      'new_bigcount:int64',
      'new_active:boolean',
      'statecode:int32',
      'statecode_label:text',
      'versionnumber:version',
    ]);
    expect(table.columns.find((c) => c.name === 'new_budget')?.type).toEqual({
      name: 'decimal',
      scale: 2,
    });
    const phase = table.attributes.find((a) => a.logicalName === 'new_phase');
    expect([...(phase?.labels ?? [])]).toEqual([
      [1, 'Planning'],
      [2, 'Delivery'],
    ]);
    // Global option sets are read too; no cast is requested for kinds the table does not select.
    expect(table.attributes.find((a) => a.logicalName === 'new_tags')?.labels?.get(3)).toBe('Blue');
    expect(client.paths.some((p) => p.includes('DecimalAttributeMetadata'))).toBe(false);
  });

  it('labels choices in the configured language', async () => {
    const table = await readTableDefinition(
      metadataClient(projectMetadata),
      { logicalName: 'new_project', columns: ['new_phase'] },
      { setting: 'SYNC_TABLES', labelLanguage: 1031 },
    );
    expect(table.attributes.find((a) => a.logicalName === 'new_phase')?.labels?.get(2)).toBe(
      'Lieferung',
    );
    expect(table.columns.map((c) => c.name)).toEqual([
      'new_projectid',
      'new_phase',
      'new_phase_label',
      'versionnumber',
    ]);
  });

  it('accepts a lookup by its wire name and names every column it cannot copy', async () => {
    const client = metadataClient(projectMetadata);
    await expect(
      readTableDefinition(
        client,
        { logicalName: 'new_project', columns: ['_new_accountid_value'] },
        { setting: 'SYNC_TABLES' },
      ),
    ).resolves.toMatchObject({
      attributes: [{ logicalName: 'new_projectid' }, { logicalName: 'new_accountid' }],
    });
    await expect(
      readTableDefinition(
        client,
        { logicalName: 'new_project', columns: ['new_nope', 'new_logo', 'new_secret'] },
        { setting: 'SYNC_TABLES' },
      ),
    ).rejects.toThrow(
      'SYNC_TABLES names columns of new_project that cannot be copied: new_nope does not exist; new_logo is of type ImageType, which has no value to copy; new_secret is not valid for read',
    );
  });

  it("refuses a listed helper column of another one (a lookup's …name), naming the column to list instead", async () => {
    const client = metadataClient(projectMetadata);
    await expect(
      readTableDefinition(
        client,
        { logicalName: 'new_project', columns: ['new_accountidname'] },
        { setting: 'SYNC_TABLES' },
      ),
    ).rejects.toThrow(
      'SYNC_TABLES names columns of new_project that cannot be copied: new_accountidname is a helper column of new_accountid, not a Web API property (list new_accountid: its _table or _label column comes with it)',
    );
  });

  it('still accepts a listed base-currency column (a real property, though AttributeOf names its money column)', async () => {
    const client = metadataClient(projectMetadata);
    await expect(
      readTableDefinition(
        client,
        { logicalName: 'new_project', columns: ['new_budget_base'] },
        { setting: 'SYNC_TABLES' },
      ),
    ).resolves.toMatchObject({
      attributes: [{ logicalName: 'new_projectid' }, { logicalName: 'new_budget_base' }],
    });
  });

  it('fails with the exact fix when change tracking is off', async () => {
    const off = {
      ...projectMetadata,
      [`EntityDefinitions(LogicalName='new_project')?`]: {
        ...(projectMetadata["EntityDefinitions(LogicalName='new_project')?"] as object),
        ChangeTrackingEnabled: false,
      },
    };
    const error = await readTableDefinition(
      metadataClient(off),
      { logicalName: 'new_project' },
      { setting: 'SYNC_TABLES' },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ChangeTrackingDisabled', environment: 'contoso' });
    expect((error as Error).message).toBe(
      'Table new_project has change tracking off in environment contoso',
    );
    expect((error as { hint: string }).hint).toMatch(/Track changes/);
  });

  it('names an unknown table and the setting to fix', async () => {
    const error = await readTableDefinition(
      metadataClient(projectMetadata),
      { logicalName: 'new_projet' },
      { setting: 'SYNC_TABLES' },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Table new_projet does not exist in environment contoso');
    expect((error as { hint: string }).hint).toMatch(/SYNC_TABLES.*logical name/);
  });
});
