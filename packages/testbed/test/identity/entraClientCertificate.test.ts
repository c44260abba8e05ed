import { sign } from 'node:crypto';

import { ClientCertificateCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ClientCertificate, createClientCertificate } from '../../src/certificates';
import { type EntraStandIn, startEntra } from '../../src/entra';
import {
  DATAVERSE_RESOURCE,
  DATAVERSE_SCOPE,
  errorOf,
  loadRunCertificates,
  TENANT_A,
} from './fixtures';

const APP_ID = 'aaaaaaaa-0000-4000-8000-000000000002';

describe('Entra stand-in with @azure/identity ClientCertificateCredential', () => {
  let entra: EntraStandIn;
  let registered: ClientCertificate;
  let unregistered: ClientCertificate;

  beforeAll(async () => {
    entra = await startEntra({ tls: loadRunCertificates() });
    entra.addTenant(TENANT_A);
    entra.registerApp({ appId: APP_ID, homeTenantId: TENANT_A, displayName: 'cert app' });
    registered = createClientCertificate({ commonName: 'sync-app' });
    unregistered = createClientCertificate({ commonName: 'stranger' });
    entra.addCertificate(APP_ID, registered.certPem);
  });
  afterAll(async () => {
    await entra.stop();
  });

  function credential(pem: string, sendCertificateChain = false): ClientCertificateCredential {
    return new ClientCertificateCredential(
      TENANT_A,
      APP_ID,
      { certificate: pem },
      { authorityHost: entra.authorityHost, disableInstanceDiscovery: true, sendCertificateChain },
    );
  }

  it('accepts a PS256 assertion signed by the registered certificate (PEM with key + cert)', async () => {
    const token = await credential(registered.pemBundle).getToken(DATAVERSE_SCOPE);
    const check = entra.tokens.verify(token.token, DATAVERSE_RESOURCE);
    expect(check.ok && check.claims.appid).toBe(APP_ID);
    expect(check.ok && check.claims.oid).toBe(entra.servicePrincipalObjectId(APP_ID, TENANT_A));
  });

  it('accepts the assertion when the certificate chain (x5c) is sent as well', async () => {
    const token = await credential(registered.pemBundle, true).getToken(DATAVERSE_SCOPE);
    expect(entra.tokens.verify(token.token, DATAVERSE_RESOURCE).ok).toBe(true);
  });

  it('rejects a certificate that is not registered on the app with AADSTS700027', async () => {
    const error = await errorOf(credential(unregistered.pemBundle).getToken(DATAVERSE_SCOPE));
    expect(error.message).toContain('AADSTS700027');
    expect(error.message).toContain(unregistered.thumbprintSha256Hex.toUpperCase());
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('rejects the certificate once removed from the app, for a credential without a cached token', async () => {
    const rotated = createClientCertificate({ commonName: 'sync-app-rotated' });
    const thumbprint = entra.addCertificate(APP_ID, rotated.certPem);
    expect(thumbprint).toBe(rotated.thumbprintSha256Hex);
    const cached = credential(rotated.pemBundle);
    const before = await cached.getToken(DATAVERSE_SCOPE);

    entra.removeCertificate(APP_ID, rotated.thumbprintSha1Hex);
    // The credential that already holds a token keeps serving it from its cache ...
    expect((await cached.getToken(DATAVERSE_SCOPE)).token).toBe(before.token);
    // ... while a fresh one must go to Entra and is refused.
    const error = await errorOf(credential(rotated.pemBundle).getToken(DATAVERSE_SCOPE));
    expect(error.message).toContain('AADSTS700027');
  });

  it('renewal: a renewed certificate is refused until uploaded, then both work side by side', async () => {
    const renewed = createClientCertificate({ commonName: 'sync-app' });
    const error = await errorOf(credential(renewed.pemBundle).getToken(DATAVERSE_SCOPE));
    expect(error.message).toContain('AADSTS700027');
    expect(error.message).toContain(renewed.thumbprintSha256Hex.toUpperCase());

    entra.addCertificate(APP_ID, renewed.certPem);
    try {
      // `az ad app credential reset --append` keeps the old certificate: both are accepted.
      expect((await credential(renewed.pemBundle).getToken(DATAVERSE_SCOPE)).token).toBeTruthy();
      expect((await credential(registered.pemBundle).getToken(DATAVERSE_SCOPE)).token).toBeTruthy();
    } finally {
      entra.removeCertificate(APP_ID, renewed.thumbprintSha256Hex);
    }
  });

  it('answers a tampered assertion signature with AADSTS700027 on the wire', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: APP_ID,
      scope: DATAVERSE_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: forgedAssertion(
        registered,
        `${entra.authorityHost}/${TENANT_A}/oauth2/v2.0/token`,
      ),
    });
    const response = await fetch(`${entra.authorityHost}/${TENANT_A}/oauth2/v2.0/token`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as {
      error: string;
      error_codes: number[];
      error_description: string;
    };
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([700027]);
    expect(body.error_description).toContain('signature validation');
  });
});

/** An assertion naming the registered certificate but signed by a different key. */
function forgedAssertion(named: ClientCertificate, audience: string): string {
  const other = createClientCertificate({ commonName: 'forger' });
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    x5t: Buffer.from(named.thumbprintSha1Hex, 'hex').toString('base64url'),
  };
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: audience, iss: APP_ID, sub: APP_ID, nbf: now, exp: now + 600, jti: 'x' };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), other.privateKeyPem).toString('base64url')}`;
}
