import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createClientCertificate } from '../../src/certificates';
import { type EntraStandIn, startEntra } from '../../src/entra';
import { type KeyVaultStandIn, startKeyVault } from '../../src/keyVault';
import { type ManagedIdentityEndpoint, startManagedIdentity } from '../../src/managedIdentity';
import { errorOf, loadRunCertificates, snapshotEnv, TENANT_A } from './fixtures';

const IDENTITY = {
  clientId: 'bbbbbbbb-0000-4000-8000-00000000000a',
  objectId: 'cccccccc-0000-4000-8000-00000000000a',
};
const APP_ID = 'aaaaaaaa-0000-4000-8000-00000000000a';
const APP_SECRET = 'kv-app-secret';

interface VersionsPage {
  value: { id: string; attributes: Record<string, unknown> }[];
  nextLink: string | null;
}

interface RestErrorLike extends Error {
  statusCode?: number;
  code?: string;
}

describe('Key Vault stand-in with @azure/keyvault-secrets SecretClient', () => {
  let entra: EntraStandIn;
  let identityEndpoint: ManagedIdentityEndpoint;
  let vault: KeyVaultStandIn;
  let client: SecretClient;
  let restoreEnv: () => void;

  beforeAll(async () => {
    const tls = loadRunCertificates();
    entra = await startEntra({ tls });
    entra.addTenant(TENANT_A);
    identityEndpoint = await startManagedIdentity({
      tokens: entra.tokens,
      tenantId: TENANT_A,
      identities: [IDENTITY],
    });
    vault = await startKeyVault({
      tls,
      tokens: entra.tokens,
      tenantId: TENANT_A,
      authorityHost: entra.authorityHost,
    });
    vault.grant(IDENTITY.objectId);
    restoreEnv = snapshotEnv(['IDENTITY_ENDPOINT', 'IDENTITY_HEADER']);
    process.env.IDENTITY_ENDPOINT = identityEndpoint.endpoint;
    process.env.IDENTITY_HEADER = identityEndpoint.header;
    client = new SecretClient(
      vault.url,
      new ManagedIdentityCredential({ clientId: IDENTITY.clientId }),
      {
        disableChallengeResourceVerification: true,
      },
    );
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([vault.stop(), identityEndpoint.stop(), entra.stop()]);
  });

  it('answers a request without a token with 401 and the Bearer challenge naming authority and resource', async () => {
    const response = await fetch(`${vault.url}/secrets/anything?api-version=7.5`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer authorization="${entra.authorityHost}/${TENANT_A}", resource="https://vault.azure.net"`,
    );
    expect(response.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads the latest secret through the challenge with a managed-identity token, and counts reads', async () => {
    const version = vault.setSecret('dataverse-client-secret', 's3cret', {
      tags: { owner: 'sync' },
    });
    const secret = await client.getSecret('dataverse-client-secret');
    expect(secret.value).toBe('s3cret');
    expect(secret.properties.version).toBe(version);
    expect(secret.properties.id).toBe(`${vault.url}/secrets/dataverse-client-secret/${version}`);
    expect(secret.properties.tags).toEqual({ owner: 'sync' });
    expect(secret.properties.enabled).toBe(true);
    expect(vault.readCount('dataverse-client-secret')).toBe(1);
  });

  it('returns a specific version after rotation while the version-less read returns the newest', async () => {
    const first = vault.setSecret('rotating', 'old');
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 86400) * 1000);
    vault.setSecret('rotating', 'new', { expiresOn });
    expect((await client.getSecret('rotating', { version: first })).value).toBe('old');
    const latest = await client.getSecret('rotating');
    expect(latest.value).toBe('new');
    expect(latest.properties.expiresOn).toEqual(expiresOn);
    const versions = [];
    for await (const properties of client.listPropertiesOfSecretVersions('rotating'))
      versions.push(properties.version);
    expect(versions).toHaveLength(2);
    expect(versions).toContain(first);
  });

  it('lists every version through nextLink pages (25 by default, else maxresults) with attributes, never values', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expiresOn = new Date((now + 86400) * 1000);
    const notBefore = new Date((now - 60) * 1000);
    const created: string[] = [];
    for (let i = 0; i < 27; i += 1) created.push(vault.setSecret('many-versions', `value-${i}`));
    const last = vault.setSecret('many-versions', 'value-last', {
      contentType: 'text/plain',
      expiresOn,
      notBefore,
      tags: { renewed: 'yes' },
    });
    vault.disableVersion('many-versions', created[0] ?? '');

    const listed = [];
    for await (const properties of client.listPropertiesOfSecretVersions('many-versions'))
      listed.push(properties);
    expect(listed.map((p) => p.version).sort()).toEqual([...created, last].sort());
    const newest = listed.find((p) => p.version === last);
    expect(newest).toMatchObject({
      name: 'many-versions',
      enabled: true,
      contentType: 'text/plain',
      expiresOn,
      notBefore,
      tags: { renewed: 'yes' },
      id: `${vault.url}/secrets/many-versions/${last}`,
    });
    expect(newest?.createdOn?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(listed.find((p) => p.version === created[0])?.enabled).toBe(false);
    // Listing is metadata only: no value was read.
    expect(vault.readCount('many-versions')).toBe(0);

    const defaultPages = [];
    for await (const page of client.listPropertiesOfSecretVersions('many-versions').byPage())
      defaultPages.push(page.length);
    expect(defaultPages).toEqual([25, 3]);
    const smallPages = [];
    for await (const page of client
      .listPropertiesOfSecretVersions('many-versions')
      .byPage({ maxPageSize: 10 }))
      smallPages.push(page.length);
    expect(smallPages).toEqual([10, 10, 8]);
  });

  it('answers the versions list on the wire with id, attributes, an absolute nextLink and null at the end', async () => {
    vault.setSecret('wire-versions', 'a');
    vault.setSecret('wire-versions', 'b');
    const { token } = entra.tokens.issue({
      tenantId: TENANT_A,
      audience: 'https://vault.azure.net',
      appId: IDENTITY.clientId,
      objectId: IDENTITY.objectId,
      lifetimeSeconds: 600,
    });
    const get = async (url: string): Promise<{ status: number; body: VersionsPage }> => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as VersionsPage };
    };
    const first = await get(
      `${vault.url}/secrets/wire-versions/versions?maxresults=1&api-version=7.5`,
    );
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(1);
    const item = first.body.value[0];
    expect(Object.keys(item ?? {}).sort()).toEqual(['attributes', 'id']);
    expect(item?.id).toMatch(new RegExp(`^${vault.url}/secrets/wire-versions/[0-9a-f]{32}$`));
    expect(item?.attributes.enabled).toBe(true);
    expect(typeof item?.attributes.created).toBe('number');
    expect(typeof item?.attributes.updated).toBe('number');
    expect(first.body.value[0]).not.toHaveProperty('value');
    expect(first.body.nextLink).toMatch(
      new RegExp(
        `^${vault.url}/secrets/wire-versions/versions\\?api-version=7\\.5&\\$skiptoken=[^&]+&maxresults=1$`,
      ),
    );
    const second = await get(first.body.nextLink ?? '');
    expect(second.body.value).toHaveLength(1);
    expect(second.body.nextLink).toBeNull();
    expect(second.body.value[0]?.id).not.toBe(first.body.value[0]?.id);

    const tooMany = await fetch(
      `${vault.url}/secrets/wire-versions/versions?maxresults=26&api-version=7.5`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: { code: 'BadParameter' } });
  });

  it('serves a certificate as a PKCS#12 secret with an empty password and its content type', async () => {
    const certificate = createClientCertificate({ commonName: 'kv-cert' });
    vault.setSecret('dataverse-cert', certificate.pfxBase64, {
      contentType: 'application/x-pkcs12',
    });
    const secret = await client.getSecret('dataverse-cert');
    expect(secret.properties.contentType).toBe('application/x-pkcs12');
    const pfx = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(Buffer.from(secret.value ?? '', 'base64').toString('binary')),
      '',
    );
    const certBagOid = '1.2.840.113549.1.12.10.1.3';
    const shroudedKeyBagOid = '1.2.840.113549.1.12.10.1.2';
    const certBags = pfx.getBags({ bagType: certBagOid })[certBagOid] ?? [];
    const keyBags = pfx.getBags({ bagType: shroudedKeyBagOid })[shroudedKeyBagOid] ?? [];
    expect(keyBags).toHaveLength(1);
    const cert = certBags[0]?.cert;
    expect(cert && forge.pki.certificateToPem(cert)).toBe(certificate.certPem);
  });

  it('answers injected throttling with 429 + Retry-After, which the SDK retries', async () => {
    vault.setSecret('throttled', 't');
    vault.setFailure({ status: 429, times: 1, retryAfterInSeconds: 0 });
    expect((await client.getSecret('throttled')).value).toBe('t');
    expect(vault.readCount('throttled')).toBe(1);
  });

  it('answers a missing secret with 404 SecretNotFound', async () => {
    const error = (await errorOf(client.getSecret('nope'))) as RestErrorLike;
    expect(error.name).toBe('RestError');
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('SecretNotFound');
    expect(error.message).toContain('A secret with (name/id) nope was not found');
  });

  it('answers a disabled version with 403 Forbidden (SecretDisabled)', async () => {
    const version = vault.setSecret('disabled-one', 'x');
    vault.disableVersion('disabled-one', version);
    const error = (await errorOf(client.getSecret('disabled-one'))) as RestErrorLike;
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('Forbidden');
    expect(error.message).toBe('Operation get is not allowed on a disabled secret.');
  });

  it('answers a caller without the Secrets User role with 403 ForbiddenByRbac, immediately after revoke', async () => {
    vault.setSecret('guarded', 'v');
    vault.revoke(IDENTITY.objectId);
    try {
      const error = (await errorOf(client.getSecret('guarded'))) as RestErrorLike;
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('Forbidden');
      expect(error.message).toContain(`oid=${IDENTITY.objectId}`);
      expect(error.message).toContain('Caller is not authorized to perform action on resource.');
    } finally {
      vault.grant(IDENTITY.objectId);
    }
    expect((await client.getSecret('guarded')).value).toBe('v');
  });

  it('works with an app registration credential: the challenge drives a vault-audience token from Entra', async () => {
    entra.registerApp({ appId: APP_ID, homeTenantId: TENANT_A, displayName: 'vault reader' });
    entra.addSecret(APP_ID, { value: APP_SECRET, expiresOn: new Date(Date.now() + 3600_000) });
    vault.grant(entra.servicePrincipalObjectId(APP_ID, TENANT_A) ?? '');
    vault.setSecret('via-app', 'app-value');
    const credential = new ClientSecretCredential(TENANT_A, APP_ID, APP_SECRET, {
      authorityHost: entra.authorityHost,
      disableInstanceDiscovery: true,
    });
    const appClient = new SecretClient(vault.url, credential, {
      disableChallengeResourceVerification: true,
    });
    expect((await appClient.getSecret('via-app')).value).toBe('app-value');
    expect(entra.tokensIssued.at(-1)).toEqual({
      tenantId: TENANT_A,
      appId: APP_ID,
      audience: 'https://vault.azure.net',
    });
  });

  it('rejects a token for another audience with 401 and the challenge', async () => {
    const { token } = entra.tokens.issue({
      tenantId: TENANT_A,
      audience: 'https://contoso.crm.dynamics.com',
      appId: IDENTITY.clientId,
      objectId: IDENTITY.objectId,
      lifetimeSeconds: 600,
    });
    const response = await fetch(`${vault.url}/secrets/guarded?api-version=7.5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(
      'resource="https://vault.azure.net"',
    );
    expect(await response.json()).toMatchObject({ error: { code: 'Unauthorized' } });
  });
});
