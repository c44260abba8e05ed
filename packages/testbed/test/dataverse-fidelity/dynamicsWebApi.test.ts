import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  APP_ID,
  environmentOptions,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

/**
 * Drives the simulator with the third-party DynamicsWebApi client: if a widely used client
 * understands the simulator's answers, the simulator speaks Dataverse's dialect.
 */
describe('dynamics-web-api against the simulator', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;
  let client: DynamicsWebApi;

  beforeAll(async () => {
    fixture = await startSimulator([environmentOptions({ accounts: { count: 23, seed: 11 } })]);
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

  it('calls WhoAmI as an unbound function and gets the organization and user', async () => {
    const result = await client.callFunction<{
      UserId: string;
      OrganizationId: string;
      BusinessUnitId: string;
    }>('WhoAmI');
    expect(result.OrganizationId).toBe(env.organizationId);
    expect(result.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.BusinessUnitId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retrieves every row page by page with retrieveAll and maxPageSize', async () => {
    env.resetStats();
    const result = await client.retrieveAll<{ accountid: string; name: string }>({
      collection: 'accounts',
      select: ['name'],
      maxPageSize: 5,
    });
    expect(result.value).toHaveLength(23);
    expect(new Set(result.value.map((row) => row.accountid)).size).toBe(23);
    expect(result.value.map((row) => row.name)).toEqual(
      [...env.allAccounts()].map((row) => row.name),
    );
    expect(env.requestCounts()['accounts 200']).toBe(5);
  });

  it('tracks changes: a full round yields a deltaLink, and the delta carries updates and deletions', async () => {
    const initial = await client.retrieveAll<{ accountid: string }>({
      collection: 'accounts',
      select: ['name', 'accountnumber'],
      trackChanges: true,
      maxPageSize: 10,
    });
    expect(initial.value).toHaveLength(env.accountCount());
    expect(initial.oDataDeltaLink).toContain('$deltatoken=');

    const [first, second] = [...env.allAccounts()];
    env.updateAccount(first!.accountid, { name: 'Renamed by the test' });
    env.deleteAccount(second!.accountid);

    const delta = await client.retrieveMultiple<Record<string, unknown>>(
      { collection: 'accounts', trackChanges: true },
      initial.oDataDeltaLink,
    );
    expect(delta.value).toHaveLength(2);
    expect(delta.value[0]).toMatchObject({
      accountid: first!.accountid,
      name: 'Renamed by the test',
    });
    expect(delta.value[1]).toMatchObject({ id: second!.accountid, reason: 'deleted' });
    expect(delta.oDataDeltaLink).toContain('$deltatoken=');
  });

  it('upserts by alternate key: creates, then updates the same row', async () => {
    const before = env.accountCount();
    await client.upsert({
      collection: 'accounts',
      key: "accountnumber='DWA-1'",
      data: { name: 'Created by upsert' },
    });
    expect(env.accountCount()).toBe(before + 1);
    await client.upsert({
      collection: 'accounts',
      key: "accountnumber='DWA-1'",
      data: { name: 'Updated by upsert' },
    });
    expect(env.accountCount()).toBe(before + 1);
    const row = [...env.allAccounts()].find((account) => account.accountnumber === 'DWA-1');
    expect(row?.name).toBe('Updated by upsert');
  });

  it('executes a DynamicsWebApi batch (a change set of two creates) atomically', async () => {
    const before = env.accountCount();
    client.startBatch();
    void client.create({ collection: 'accounts', data: { name: 'batch one' } });
    void client.create({ collection: 'accounts', data: { name: 'batch two' } });
    const results = await client.executeBatch();
    expect(results).toHaveLength(2);
    expect(env.accountCount()).toBe(before + 2);
  });

  it('surfaces 403 0x80072560 when the application user is missing', async () => {
    env.removeApplicationUser(APP_ID);
    try {
      const error: unknown = await client.callFunction('WhoAmI').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({
        status: 403,
        code: '0x80072560',
        message: 'The user is not a member of the organization.',
      });
    } finally {
      env.setApplicationUser(APP_ID, { enabled: true });
    }
  });
});
