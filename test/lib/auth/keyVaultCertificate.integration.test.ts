import { type ClientCertificate, createClientCertificate } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { AuthenticationError } from '../../../src/lib/errors';
import { type AuthTestBed, type Scenario, startAuthTestBed } from './authTestBed';
import { homeEnvironment, rejectionOf } from './fixtures';

let bed: AuthTestBed;
let scenario: Scenario;
// Generated once: each test has its own app registration, so sharing the key pair is harmless,
// and building PKCS#12 files in pure JS is the slow part of these tests.
let certificate: ClientCertificate;
let renewed: ClientCertificate;

beforeAll(async () => {
  certificate = createClientCertificate({ commonName: 'auth-integration' });
  renewed = createClientCertificate({ commonName: 'auth-integration-renewed' });
  bed = await startAuthTestBed();
});
afterAll(async () => {
  await bed.stop();
});
beforeEach(() => {
  scenario = bed.scenario();
});

describe('certificate from Key Vault through the managed identity', () => {
  it.each([
    ['PFX (application/x-pkcs12)', 'pfx', 'application/x-pkcs12'],
    ['PEM (application/x-pem-file)', 'pem', 'application/x-pem-file'],
    ['PEM without content type', 'pem', undefined],
  ] as const)(
    'signs in with a %s and describes the certificate',
    async (_label, format, contentType) => {
      bed.entra.addCertificate(scenario.clientId, certificate.certPem);
      const value = format === 'pfx' ? certificate.pfxBase64 : certificate.pemBundle;
      bed.vault.setSecret(
        scenario.secretName,
        value,
        contentType === undefined ? {} : { contentType },
      );
      const { provider, logger } = scenario.provider({ credentialType: 'certificate' });
      const token = await provider.getToken(homeEnvironment);
      expect(token.token.split('.')).toHaveLength(3);
      const description = await provider.describeCredential();
      expect(description).toMatchObject({
        type: 'certificate',
        source: 'keyVault',
        thumbprintSha256: certificate.thumbprintSha256Hex.toUpperCase(),
      });
      expect(
        Math.abs((description.expiresOn?.getTime() ?? 0) - certificate.notAfter.getTime()),
      ).toBeLessThan(1000);
      expect(
        logger.lines.some((line) => line.includes('recognised it as PEM by its content')),
      ).toBe(contentType === undefined);
    },
  );

  it('certificate not registered: 700027 with the thumbprints, after one Key Vault re-read', async () => {
    bed.vault.setSecret(scenario.secretName, certificate.pfxBase64, {
      contentType: 'application/x-pkcs12',
    });
    const { provider } = scenario.provider({ credentialType: 'certificate' });
    const error = (await rejectionOf(provider.getToken(homeEnvironment))) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ step: 'Entra token', code: 'AADSTS700027' });
    expect(error.hint).toContain(`SHA-1 thumbprint ${certificate.thumbprintSha1Hex.toUpperCase()}`);
    expect(error.hint).toContain(`not registered on app registration ${scenario.clientId}`);
    expect(bed.vault.readCount(scenario.secretName)).toBe(2);
  });

  it('a renewed certificate in Key Vault is picked up when Entra drops the old one', async () => {
    bed.entra.addCertificate(scenario.clientId, certificate.certPem);
    bed.vault.setSecret(scenario.secretName, certificate.pfxBase64, {
      contentType: 'application/x-pkcs12',
    });
    const { provider } = scenario.provider({ credentialType: 'certificate' });
    await provider.getToken(homeEnvironment);
    bed.entra.addCertificate(scenario.clientId, renewed.certPem);
    bed.entra.removeCertificate(scenario.clientId, certificate.thumbprintSha256Hex);
    bed.vault.setSecret(scenario.secretName, renewed.pfxBase64, {
      contentType: 'application/x-pkcs12',
    });
    await provider.getToken(homeEnvironment, { forceRefresh: true });
    await expect(provider.describeCredential()).resolves.toMatchObject({
      thumbprintSha256: renewed.thumbprintSha256Hex.toUpperCase(),
    });
    expect(bed.vault.readCount(scenario.secretName)).toBe(2);
  });

  it('a value that is no certificate fails at step "certificate parse" and names the secret', async () => {
    bed.vault.setSecret(scenario.secretName, 'a client secret stored by mistake');
    const { provider } = scenario.provider({ credentialType: 'certificate' });
    const error = (await rejectionOf(provider.describeCredential())) as AuthenticationError;
    expect(error).toMatchObject({ step: 'certificate parse' });
    expect(error.message).toContain(`Key Vault secret '${scenario.secretName}'`);
    expect(error.message).not.toContain('stored by mistake');
  });
});
