import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EntraStandIn, startEntra } from '../../src/entra';
import {
  DATAVERSE_RESOURCE,
  DATAVERSE_SCOPE,
  errorOf,
  loadRunCertificates,
  TENANT_A,
  TENANT_B,
  UNKNOWN_TENANT,
} from './fixtures';

const APP_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const SECRET = 'secret-value-1~abc';
const EXPIRED_SECRET = 'secret-value-0~old';

describe('Entra stand-in with @azure/identity ClientSecretCredential', () => {
  let entra: EntraStandIn;

  beforeAll(async () => {
    entra = await startEntra({ tls: loadRunCertificates() });
    entra.addTenant(TENANT_A);
    entra.addTenant(TENANT_B);
    entra.registerApp({ appId: APP_ID, homeTenantId: TENANT_A, displayName: 'sync app' });
    entra.addSecret(APP_ID, { value: SECRET, expiresOn: new Date(Date.now() + 3600_000) });
    entra.addSecret(APP_ID, { value: EXPIRED_SECRET, expiresOn: new Date(Date.now() - 60_000) });
  });
  afterAll(async () => {
    await entra.stop();
  });

  function credential(tenantId: string, secret: string): ClientSecretCredential {
    return new ClientSecretCredential(tenantId, APP_ID, secret, {
      authorityHost: entra.authorityHost,
      disableInstanceDiscovery: true,
    });
  }

  it('issues a token the shared authority verifies, with tid, appid, oid and aud', async () => {
    const token = await credential(TENANT_A, SECRET).getToken(DATAVERSE_SCOPE);
    const check = entra.tokens.verify(token.token, DATAVERSE_RESOURCE);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.claims.tid).toBe(TENANT_A);
    expect(check.claims.appid).toBe(APP_ID);
    expect(check.claims.oid).toBe(entra.servicePrincipalObjectId(APP_ID, TENANT_A));
    expect(check.claims.aud).toBe(DATAVERSE_RESOURCE);
    expect(entra.tokensIssued).toContainEqual({
      tenantId: TENANT_A,
      appId: APP_ID,
      audience: DATAVERSE_RESOURCE,
    });
    expect(entra.requestCount('openid-configuration')).toBeGreaterThan(0);
  });

  it('serves repeated getToken calls from the credential cache without a new token request', async () => {
    const cred = credential(TENANT_A, SECRET);
    const first = await cred.getToken(DATAVERSE_SCOPE);
    const tokenRequests = entra.requestCount('token');
    const second = await cred.getToken(DATAVERSE_SCOPE);
    expect(second.token).toBe(first.token);
    expect(entra.requestCount('token')).toBe(tokenRequests);
  });

  it('retries a throttled token request: the core pipeline honours Retry-After on 429', async () => {
    entra.setTokenFailure({ status: 429, times: 1, retryAfterInSeconds: 0 });
    const requests = entra.requestCount('token');
    const token = await credential(TENANT_A, SECRET).getToken('https://storage.azure.com/.default');
    expect(entra.tokens.verify(token.token, 'https://storage.azure.com').ok).toBe(true);
    expect(entra.requestCount('token') - requests).toBe(2);
  });

  it('rejects a wrong secret with AADSTS7000215, surfaced in the SDK error message', async () => {
    const error = await errorOf(credential(TENANT_A, 'wrong').getToken(DATAVERSE_SCOPE));
    // @azure/identity wraps Entra's server errors for confidential clients in AuthenticationRequiredError.
    expect(error.name).toBe('AuthenticationRequiredError');
    expect(error.message).toContain('AADSTS7000215');
    expect(error.message).toContain('invalid_client');
    expect(error.message).not.toContain('wrong');
    // Entra's Trace/Correlation ID lines reach the caller, which operators quote to support.
    expect(error.message).toMatch(/Correlation ID: [0-9a-f-]{36}/);
  });

  it('rejects an expired secret with AADSTS7000222', async () => {
    const error = await errorOf(credential(TENANT_A, EXPIRED_SECRET).getToken(DATAVERSE_SCOPE));
    expect(error.message).toContain('AADSTS7000222');
  });

  it('refuses a multi-tenant app in another tenant with AADSTS700016 until admin consent', async () => {
    const cred = credential(TENANT_B, SECRET);
    const error = await errorOf(cred.getToken(DATAVERSE_SCOPE));
    expect(error.message).toContain('AADSTS700016');
    expect(error.message).toContain('unauthorized_client');

    const objectIdInB = entra.consent(APP_ID, TENANT_B);
    expect(objectIdInB).not.toBe(entra.servicePrincipalObjectId(APP_ID, TENANT_A));
    const token = await cred.getToken(DATAVERSE_SCOPE);
    const check = entra.tokens.verify(token.token, DATAVERSE_RESOURCE);
    expect(check.ok && check.claims.tid).toBe(TENANT_B);
    expect(check.ok && check.claims.oid).toBe(objectIdInB);
  });

  it('answers with the HTTP statuses Entra uses: 401 invalid_client, 400 unauthorized_client, 400 invalid_scope', async () => {
    const post = async (tenantId: string, fields: Record<string, string>) => {
      const response = await fetch(`${entra.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: APP_ID,
          ...fields,
        }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const removable = 'secret-to-remove';
    entra.addSecret(APP_ID, { value: removable, expiresOn: new Date(Date.now() + 3600_000) });
    expect(
      (await post(TENANT_A, { client_secret: removable, scope: DATAVERSE_SCOPE })).status,
    ).toBe(200);
    entra.removeSecret(APP_ID, removable);
    expect(
      await post(TENANT_A, { client_secret: removable, scope: DATAVERSE_SCOPE }),
    ).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_codes: [7000215] },
    });
    expect(await post(TENANT_A, { scope: DATAVERSE_SCOPE })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_codes: [7000218] },
    });
    expect(
      await post(TENANT_A, { client_secret: SECRET, scope: DATAVERSE_RESOURCE }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope' },
    });
    const tenantC = '33333333-3333-4333-8333-333333333333';
    entra.addTenant(tenantC);
    entra.consent(APP_ID, tenantC);
    expect((await post(tenantC, { client_secret: SECRET, scope: DATAVERSE_SCOPE })).status).toBe(
      200,
    );
    entra.revokeConsent(APP_ID, tenantC);
    expect(await post(tenantC, { client_secret: SECRET, scope: DATAVERSE_SCOPE })).toMatchObject({
      status: 400,
      body: { error: 'unauthorized_client', error_codes: [700016] },
    });
  });

  it('answers AADSTS90002 for an unknown tenant at discovery and at the token endpoint', async () => {
    const discovery = await fetch(
      `${entra.authorityHost}/${UNKNOWN_TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(discovery.status).toBe(400);
    expect(await discovery.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });

    const token = await fetch(`${entra.authorityHost}/${UNKNOWN_TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'client-request-id': 'corr-1',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: APP_ID,
        client_secret: SECRET,
        scope: DATAVERSE_SCOPE,
      }),
    });
    expect(token.status).toBe(400);
    const body = (await token.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      error: 'invalid_request',
      error_codes: [90002],
      correlation_id: 'corr-1',
    });
    expect(body.error_description).toMatch(
      /^AADSTS90002: Tenant '.*' not found\..*\r\nTrace ID: .*\r\nCorrelation ID: corr-1\r\nTimestamp: /s,
    );
  });

  it('surfaces an unknown tenant in the SDK as CredentialUnavailableError (MSAL cannot resolve endpoints)', async () => {
    // Against login.microsoftonline.com MSAL uses built-in metadata and the token endpoint's
    // AADSTS90002 reaches the caller; against any other authority host discovery fails first.
    const error = await errorOf(credential(UNKNOWN_TENANT, SECRET).getToken(DATAVERSE_SCOPE));
    expect(error.name).toBe('CredentialUnavailableError');
    expect(error.message).toContain('endpoints_resolution_error');
  });
});
