import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimEnvironment } from '../../src/dataverse';
import {
  apiHeaders,
  APP_ID,
  environmentOptions,
  type ErrorBody,
  type SimulatorFixture,
  startSimulator,
  TENANT_ID,
} from './simulatorFixture';

describe('Dataverse simulator: authentication and documented errors over HTTP', () => {
  let fixture: SimulatorFixture;
  let env: SimEnvironment;
  let other: SimEnvironment;

  beforeAll(async () => {
    fixture = await startSimulator([
      environmentOptions({ dopHint: 6 }),
      environmentOptions({ name: 'fabrikam', tenantId: '11111111-2222-3333-4444-555555555555' }),
    ]);
    env = fixture.sim.environment('contoso');
    other = fixture.sim.environment('fabrikam');
  });
  afterAll(async () => {
    await fixture.sim.stop();
  });

  const get = (
    path: string,
    token: string | undefined,
    extra: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(`${env.serviceRootUrl}${path}`, {
      headers: token === undefined ? { Accept: 'application/json' } : apiHeaders(token, extra),
    });

  it('answers WhoAmI (and WhoAmI()) with the documented body and common headers', async () => {
    for (const path of ['WhoAmI', 'WhoAmI()']) {
      const response = await get(path, fixture.tokenFor(env.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        'application/json; odata.metadata=minimal; charset=utf-8',
      );
      expect(response.headers.get('odata-version')).toBe('4.0');
      expect(response.headers.get('x-ms-dop-hint')).toBe('6');
      expect(response.headers.get('x-ms-service-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const body = (await response.json()) as Record<string, string>;
      expect(Object.keys(body)).toEqual([
        '@odata.context',
        'BusinessUnitId',
        'UserId',
        'OrganizationId',
      ]);
      expect(body['@odata.context']).toBe(
        `${env.serviceRootUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      );
      expect(body.OrganizationId).toBe(env.organizationId);
    }
  });

  it.each([
    ['no Authorization header', undefined],
    ['a malformed token', 'not-a-jwt'],
  ])('answers 401 with a Bearer challenge for %s', async (_label, token) => {
    const response = await get('WhoAmI', token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer authorization_uri=https://127.0.0.1:1/${TENANT_ID}/oauth2/authorize, resource_id=${env.url}/`,
    );
    expect(response.headers.get('x-ms-service-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toBe('');
  });

  it('answers 401 for an expired token, a token for another environment and a token of another tenant', async () => {
    const expired = fixture.tokens.issue({
      tenantId: TENANT_ID,
      audience: env.url,
      appId: APP_ID,
      objectId: 'o',
      lifetimeSeconds: 60,
      nowInMs: Date.now() - 3_600_000,
    }).token;
    const wrongAudience = fixture.tokenFor(other.url);
    const wrongTenant = fixture.tokenFor(env.url, {
      tenantId: '99999999-2222-3333-4444-555555555555',
    });
    for (const token of [expired, wrongAudience, wrongTenant]) {
      expect((await get('WhoAmI', token)).status).toBe(401);
    }
  });

  it('answers 403 0x80072560 when the app has no application user in the environment', async () => {
    const response = await get(
      'WhoAmI',
      fixture.tokenFor(env.url, { appId: 'aaaaaaaa-0000-0000-0000-000000000000' }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: '0x80072560', message: 'The user is not a member of the organization.' },
    });
  });

  it('answers 403 naming the SystemUserId when the application user is disabled', async () => {
    const token = fixture.tokenFor(env.url);
    const whoAmI = (await (await get('WhoAmI', token)).json()) as { UserId: string };
    env.setApplicationUser(APP_ID, { enabled: false });
    try {
      const response = await get('WhoAmI', token);
      expect(response.status).toBe(403);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('0x80040225');
      expect(body.error.message).toMatch(
        new RegExp(
          `^The user with SystemUserId=${whoAmI.UserId} is disabled\\. Disabled users cannot log in`,
        ),
      );
    } finally {
      env.setApplicationUser(APP_ID, { enabled: true });
    }
  });

  it('answers 404 0x80040217 for a missing row, by id and by alternate key', async () => {
    const token = fixture.tokenFor(env.url);
    const id = '00000000-0000-0000-0000-000000000001';
    const byId = await get(`accounts(${id})`, token);
    expect(byId.status).toBe(404);
    expect(await byId.json()).toEqual({
      error: { code: '0x80040217', message: `account With Id = ${id} Does Not Exist` },
    });
    const byKey = await get("accounts(accountnumber='NOPE')", token);
    expect(byKey.status).toBe(404);
    expect(((await byKey.json()) as ErrorBody).error.code).toBe('0x80040217');
  });

  it('rejects $skip, unknown columns and track-changes with $filter/$orderby/$top with 400', async () => {
    const token = fixture.tokenFor(env.url);
    const skip = await get('accounts?$skip=10', token);
    expect(skip.status).toBe(400);
    const unknown = await get('accounts?$select=nosuchcolumn', token);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.message).toBe(
      "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.account'.",
    );
    for (const option of ['$filter', '$orderby', '$top']) {
      const value = option === '$filter' ? "name eq 'x'" : option === '$orderby' ? 'name' : '5';
      const response = await get(`accounts?${option}=${encodeURIComponent(value)}`, token, {
        Prefer: 'odata.track-changes',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toBe(
        `The "${option}" query parameter isn't supported when Change Tracking is enabled.`,
      );
    }
  });

  it('answers an unknown entity set with 404 and never echoes the token', async () => {
    const token = fixture.tokenFor(env.url);
    const response = await get('contactz', token);
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).toContain("Resource not found for the segment 'contactz'.");
    expect(text).not.toContain(token);
    expect(JSON.stringify([...response.headers.entries()])).not.toContain(token);
  });
});
