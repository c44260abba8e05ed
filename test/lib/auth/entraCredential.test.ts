import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { createClientCertificate } from '@dataverse-s2s/testbed';
import { describe, expect, it } from 'vitest';

import { readCertificatePem } from '../../../src/lib/auth/certificatePem';
import {
  createDefaultEntraCredential,
  credentialCacheKey,
  EntraCredentialCache,
  isKnownMicrosoftAuthorityHost,
} from '../../../src/lib/auth/entraCredential';
import {
  createDefaultManagedIdentityCredential,
  ObservedManagedIdentityCredential,
} from '../../../src/lib/auth/managedIdentity';
import { AuthenticationError } from '../../../src/lib/errors';

describe('isKnownMicrosoftAuthorityHost', () => {
  it('knows the public and sovereign Entra hosts and nothing else', () => {
    for (const host of [
      'https://login.microsoftonline.com',
      'https://login.microsoftonline.us/',
      'https://login.chinacloudapi.cn',
      'https://login.partner.microsoftonline.cn',
    ]) {
      expect(isKnownMicrosoftAuthorityHost(host)).toBe(true);
    }
    expect(isKnownMicrosoftAuthorityHost('https://127.0.0.1:8443')).toBe(false);
    expect(isKnownMicrosoftAuthorityHost('https://login.microsoftonline.com.evil.example')).toBe(
      false,
    );
    expect(isKnownMicrosoftAuthorityHost('not a url')).toBe(false);
  });
});

describe('EntraCredentialCache', () => {
  it('keeps one credential per key, evicts on demand and drops other material versions', () => {
    const cache = new EntraCredentialCache();
    let created = 0;
    const create = () => {
      created += 1;
      return { getToken: () => Promise.resolve(null) };
    };
    const a = credentialCacheKey('T1', 'C', 'keyVault:v1');
    const b = credentialCacheKey('t2', 'c', 'keyVault:v1');
    expect(credentialCacheKey('T1', 'C', 'keyVault:v1')).toBe(
      credentialCacheKey('t1', 'c', 'keyVault:v1'),
    );
    const first = cache.getOrCreate(a, 'keyVault:v1', create);
    expect(cache.getOrCreate(a, 'keyVault:v1', create)).toBe(first);
    cache.getOrCreate(b, 'keyVault:v1', create);
    cache.evict(a);
    expect(cache.getOrCreate(a, 'keyVault:v1', create)).not.toBe(first);
    cache.getOrCreate(credentialCacheKey('T1', 'C', 'keyVault:v2'), 'keyVault:v2', create);
    cache.retainOnly(['keyVault:v2']);
    expect(cache.size).toBe(1);
    expect(created).toBe(4);
  });
});

describe('credential factories', () => {
  it('builds a secret or a certificate credential', () => {
    const base = { tenantId: 't', clientId: 'c', authorityHost: 'https://127.0.0.1:1' };
    const secret = createDefaultEntraCredential({
      ...base,
      material: { type: 'secret', secret: 's', origin: { kind: 'setting' }, expiresOn: undefined },
    });
    expect(secret).toBeInstanceOf(ClientSecretCredential);
    const certificate = readCertificatePem(
      createClientCertificate({ commonName: 'factory' }).pemBundle,
    );
    const cert = createDefaultEntraCredential({
      ...base,
      material: {
        type: 'certificate',
        certificate,
        origin: { kind: 'file', path: '/x.pem' },
        expiresOn: certificate.notAfter,
      },
    });
    expect(cert).toBeInstanceOf(ClientCertificateCredential);
  });

  it('uses ManagedIdentityCredential when the platform endpoint exists, DefaultAzureCredential otherwise', () => {
    expect(
      createDefaultManagedIdentityCredential({
        managedIdentityAvailable: true,
        clientId: undefined,
      }),
    ).toBeInstanceOf(ManagedIdentityCredential);
    expect(
      createDefaultManagedIdentityCredential({ managedIdentityAvailable: true, clientId: 'uami' }),
    ).toBeInstanceOf(ManagedIdentityCredential);
    expect(
      createDefaultManagedIdentityCredential({
        managedIdentityAvailable: false,
        clientId: undefined,
      }),
    ).toBeInstanceOf(DefaultAzureCredential);
  });
});

describe('ObservedManagedIdentityCredential', () => {
  it('remembers the object id from the token claims and reports failures as step "managed identity token"', async () => {
    const payload = Buffer.from(JSON.stringify({ oid: 'object-1', appid: 'client-1' })).toString(
      'base64url',
    );
    const observed = new ObservedManagedIdentityCredential(
      { getToken: () => Promise.resolve({ token: `h.${payload}.s`, expiresOnTimestamp: 0 }) },
      { managedIdentityAvailable: true, clientId: undefined },
    );
    await observed.getToken('https://vault.azure.net/.default');
    expect(observed.principal).toEqual({ objectId: 'object-1', appId: 'client-1' });

    const failing = new ObservedManagedIdentityCredential(
      {
        getToken: () =>
          Promise.reject(new Error('ManagedIdentityCredential: no identity endpoint')),
      },
      { managedIdentityAvailable: false, clientId: undefined },
    );
    const error = await failing.getToken('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ step: 'managed identity token' });
    expect((error as AuthenticationError).hint).toContain('az login');
  });
});
