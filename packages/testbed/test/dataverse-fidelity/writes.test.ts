import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  apiHeaders,
  environmentOptions,
  type ErrorBody,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

describe('Dataverse simulator: create, upsert, conditional writes and delete', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;

  beforeAll(async () => {
    fixture = await startSimulator([environmentOptions()]);
    env = fixture.sim.environment('contoso');
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const send = (
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(`${env.serviceRootUrl}${path}`, {
      method,
      headers: apiHeaders(fixture.tokenFor(env.url), {
        'Content-Type': 'application/json; charset=utf-8',
        ...extra,
      }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('creates with POST: 204 and OData-EntityId; 201 with the row when return=representation', async () => {
    const created = await send('POST', 'accounts', {
      name: 'Posted',
      accountnumber: 'W-1',
      revenue: 12.5,
    });
    expect(created.status).toBe(204);
    const entityId = created.headers.get('odata-entityid') ?? '';
    const id = /accounts\(([0-9a-f-]{36})\)$/.exec(entityId)?.[1];
    expect(entityId.startsWith(`${env.serviceRootUrl}accounts(`)).toBe(true);
    expect(env.getAccount(id!)).toMatchObject({
      name: 'Posted',
      accountnumber: 'W-1',
      revenue: 12.5,
    });

    const represented = await send(
      'POST',
      'accounts?$select=name',
      { name: 'Represented' },
      { Prefer: 'return=representation' },
    );
    expect(represented.status).toBe(201);
    expect(represented.headers.get('preference-applied')).toBe('return=representation');
    const row = (await represented.json()) as Record<string, unknown>;
    expect(row.name).toBe('Represented');
    expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/);
  });

  it('upserts by id and by alternate key: 204 both ways, 201/200 with representation', async () => {
    const id = '6f1d8f3e-0000-4000-8000-00000000abcd';
    expect((await send('PATCH', `accounts(${id})`, { name: 'Upserted' })).status).toBe(204);
    expect(env.getAccount(id)?.name).toBe('Upserted');
    const updated = await send(
      'PATCH',
      `accounts(${id})`,
      { name: 'Again' },
      { Prefer: 'return=representation' },
    );
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { name: string }).name).toBe('Again');

    const createdByKey = await send(
      'PATCH',
      "accounts(accountnumber='ALT-9')",
      { name: 'By key' },
      { Prefer: 'return=representation' },
    );
    expect(createdByKey.status).toBe(201);
    expect(((await createdByKey.json()) as { accountnumber: string }).accountnumber).toBe('ALT-9');
  });

  it('honours If-Match: * (update only), If-None-Match: * (create only) and If-Match with a version', async () => {
    const missing = await send(
      'PATCH',
      'accounts(6f1d8f3e-0000-4000-8000-0000000000ff)',
      { name: 'x' },
      { 'If-Match': '*' },
    );
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('0x80040217');

    const [existing] = [...env.allAccounts()];
    const duplicate = await send(
      'PATCH',
      `accounts(${existing!.accountid})`,
      { name: 'x' },
      { 'If-None-Match': '*' },
    );
    expect(duplicate.status).toBe(412);
    expect(((await duplicate.json()) as ErrorBody).error.message).toBe(
      'A record with matching key values already exists.',
    );

    const stale = await send(
      'PATCH',
      `accounts(${existing!.accountid})`,
      { name: 'x' },
      { 'If-Match': 'W/"999999"' },
    );
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as ErrorBody).error.message).toBe(
      "The version of the existing record doesn't match the RowVersion property provided.",
    );
    const current = env.getAccount(existing!.accountid)!;
    const fresh = await send(
      'PATCH',
      `accounts(${existing!.accountid})`,
      { name: 'Fresh' },
      { 'If-Match': `W/"${current.versionnumber}"` },
    );
    expect(fresh.status).toBe(204);
    expect(env.getAccount(existing!.accountid)?.versionnumber).toBeGreaterThan(
      current.versionnumber,
    );
  });

  it('rejects unknown properties and a duplicate alternate key', async () => {
    const unknown = await send('POST', 'accounts', { nosuchcolumn: 1 });
    expect(unknown.status).toBe(400);
    const [existing] = [...env.allAccounts()];
    const duplicate = await send('POST', 'accounts', { accountnumber: existing!.accountnumber });
    expect(duplicate.status).toBe(412);
  });

  it('deletes with 204, then 404', async () => {
    const id = env.createAccount({ name: 'To delete' });
    expect((await send('DELETE', `accounts(${id})`)).status).toBe(204);
    expect(env.getAccount(id)).toBeUndefined();
    expect((await send('DELETE', `accounts(${id})`)).status).toBe(404);
  });
});
