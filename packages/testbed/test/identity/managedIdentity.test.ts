import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ManagedIdentityEndpoint, startManagedIdentity } from '../../src/managedIdentity';
import { TokenAuthority } from '../../src/tokens';
import { DATAVERSE_RESOURCE, DATAVERSE_SCOPE, errorOf, snapshotEnv, TENANT_A } from './fixtures';

const USER_ASSIGNED = {
  clientId: 'bbbbbbbb-0000-4000-8000-000000000001',
  objectId: 'cccccccc-0000-4000-8000-000000000001',
};
const SYSTEM_ASSIGNED = {
  clientId: 'bbbbbbbb-0000-4000-8000-000000000002',
  objectId: 'cccccccc-0000-4000-8000-000000000002',
};

// MSAL keeps the managed-identity source (endpoint + header) and its token cache in static
// fields: one endpoint per test process, environment set before the first credential is used.
describe('managed-identity endpoint with @azure/identity ManagedIdentityCredential', () => {
  const tokens = new TokenAuthority('https://127.0.0.1:1');
  let endpoint: ManagedIdentityEndpoint;
  let restoreEnv: () => void;

  beforeAll(async () => {
    endpoint = await startManagedIdentity({
      tokens,
      tenantId: TENANT_A,
      identities: [USER_ASSIGNED],
      systemAssigned: SYSTEM_ASSIGNED,
    });
    restoreEnv = snapshotEnv(['IDENTITY_ENDPOINT', 'IDENTITY_HEADER']);
    process.env.IDENTITY_ENDPOINT = endpoint.endpoint;
    process.env.IDENTITY_HEADER = endpoint.header;
  });
  afterAll(async () => {
    restoreEnv();
    await endpoint.stop();
  });

  it('issues a token for the user-assigned identity chosen by client id', async () => {
    const token = await new ManagedIdentityCredential({
      clientId: USER_ASSIGNED.clientId,
    }).getToken(DATAVERSE_SCOPE);
    const check = tokens.verify(token.token, DATAVERSE_RESOURCE);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.claims).toMatchObject({
      tid: TENANT_A,
      appid: USER_ASSIGNED.clientId,
      oid: USER_ASSIGNED.objectId,
    });
    // MSAL turns expires_on into "expires in" against its own clock and back, so across a
    // second boundary it lands one second early (seen once in four clean-clone CI runs).
    expect(Math.abs(token.expiresOnTimestamp - check.claims.exp * 1000)).toBeLessThanOrEqual(1000);
  });

  it('issues a token for the system-assigned identity when no id is given', async () => {
    const token = await new ManagedIdentityCredential().getToken(
      'https://vault.azure.net/.default',
    );
    const check = tokens.verify(token.token, 'https://vault.azure.net');
    expect(check.ok && check.claims.oid).toBe(SYSTEM_ASSIGNED.objectId);
  });

  it('shares the token cache across credential instances (MSAL static cache)', async () => {
    const first = await new ManagedIdentityCredential({
      clientId: USER_ASSIGNED.clientId,
    }).getToken(DATAVERSE_SCOPE);
    const requests = endpoint.requestCount();
    const second = await new ManagedIdentityCredential({
      clientId: USER_ASSIGNED.clientId,
    }).getToken(DATAVERSE_SCOPE);
    expect(second.token).toBe(first.token);
    expect(endpoint.requestCount()).toBe(requests);
  });

  it('answers an unknown client id with 400 and the platform message, surfaced by the SDK', async () => {
    const error = await errorOf(
      new ManagedIdentityCredential({ clientId: 'dddddddd-0000-4000-8000-000000000009' }).getToken(
        DATAVERSE_SCOPE,
      ),
    );
    expect(error.name).toBe('CredentialUnavailableError');
    expect(error.message).toContain('No User Assigned or Delegated Managed Identity found');
  });

  it('recovers after transient 500s (injected failures are retried by the SDK)', async () => {
    endpoint.setFailure({ status: 500, times: 1 });
    const requests = endpoint.requestCount();
    const token = await new ManagedIdentityCredential({
      clientId: USER_ASSIGNED.clientId,
    }).getToken('https://storage.azure.com/.default');
    expect(tokens.verify(token.token, 'https://storage.azure.com').ok).toBe(true);
    expect(endpoint.requestCount() - requests).toBe(2);
  });

  it('refuses a missing or wrong X-IDENTITY-HEADER and a missing resource on the wire', async () => {
    const url = `${endpoint.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(DATAVERSE_RESOURCE)}`;
    const missing = await fetch(url);
    expect(missing.status).toBe(400);
    const wrong = await fetch(url, { headers: { 'X-IDENTITY-HEADER': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ statusCode: 401 });
    const noResource = await fetch(`${endpoint.endpoint}?api-version=2019-08-01`, {
      headers: { 'X-IDENTITY-HEADER': endpoint.header },
    });
    expect(noResource.status).toBe(400);
    const ok = await fetch(url, { headers: { 'X-IDENTITY-HEADER': endpoint.header } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      resource: DATAVERSE_RESOURCE,
      token_type: 'Bearer',
      client_id: SYSTEM_ASSIGNED.clientId,
    });
    expect(body.expires_on).toMatch(/^\d+$/);
  });
});
