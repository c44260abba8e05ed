import { inspect } from 'node:util';

import { createClientCertificate } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeError } from '../../../src/lib/errors';
import { type AuthTestBed, startAuthTestBed, UNGRANTED_IDENTITY } from './authTestBed';
import { customerEnvironment, homeEnvironment } from './fixtures';

/**
 * Runs successes and every failure path against the stand-ins, then searches everything an
 * operator could ever see — log lines, messages, hints, causes, JSON and util.inspect output
 * of the errors — for the planted secrets, the private key and every token issued.
 */
let bed: AuthTestBed;
const visible: string[] = [];
const IN_A_YEAR = new Date(Date.now() + 365 * 24 * 3600 * 1000);
const planted = {
  secret: 'Planted~Secret.Value-0123456789abcdef',
  rotated: 'Planted~Rotated.Value-fedcba987654321',
  wrong: 'Planted~Wrong.Value-00112233445566778',
};
const certificate = createClientCertificate({ commonName: 'leak-scan' });

function record(error: unknown): void {
  visible.push(describeError(error));
  visible.push(JSON.stringify(error));
  visible.push(inspect(error, { depth: Infinity, showHidden: true }));
  if (error instanceof Error)
    visible.push(String(error.stack), inspect(error.cause, { depth: Infinity, showHidden: true }));
}

async function attempt(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    record(error);
  }
}

beforeAll(async () => {
  bed = await startAuthTestBed();

  // Secret: success, multi-tenant failure, rotation.
  const rotation = bed.scenario();
  bed.entra.addSecret(rotation.clientId, { value: planted.secret, expiresOn: IN_A_YEAR });
  bed.vault.setSecret(rotation.secretName, planted.secret);
  const rotating = rotation.provider({ credentialType: 'secret' });
  await attempt(rotating.provider.getToken(homeEnvironment));
  await attempt(rotating.provider.getToken(customerEnvironment));
  bed.entra.removeSecret(rotation.clientId, planted.secret);
  bed.entra.addSecret(rotation.clientId, { value: planted.rotated, expiresOn: IN_A_YEAR });
  bed.vault.setSecret(rotation.secretName, planted.rotated);
  await attempt(rotating.provider.getToken(homeEnvironment, { forceRefresh: true }));

  // Wrong and expired secrets.
  const wrong = bed.scenario();
  bed.vault.setSecret(wrong.secretName, planted.wrong);
  const wrongProvider = wrong.provider({ credentialType: 'secret' });
  await attempt(wrongProvider.provider.getToken(homeEnvironment));
  const expired = bed.scenario();
  bed.entra.addSecret(expired.clientId, {
    value: planted.secret,
    expiresOn: new Date(Date.now() - 1000),
  });
  bed.vault.setSecret(expired.secretName, planted.secret);
  const expiredProvider = expired.provider({ credentialType: 'secret' });
  await attempt(expiredProvider.provider.getToken(homeEnvironment));

  // Certificate: success, then not registered; Key Vault forbidden and missing.
  const cert = bed.scenario();
  bed.entra.addCertificate(cert.clientId, certificate.certPem);
  bed.vault.setSecret(cert.secretName, certificate.pfxBase64, {
    contentType: 'application/x-pkcs12',
  });
  const certProvider = cert.provider({ credentialType: 'certificate' });
  await attempt(certProvider.provider.getToken(homeEnvironment));
  bed.entra.removeCertificate(cert.clientId, certificate.thumbprintSha256Hex);
  await attempt(certProvider.provider.getToken(homeEnvironment, { forceRefresh: true }));
  const forbidden = cert.provider({
    credentialType: 'certificate',
    managedIdentityClientId: UNGRANTED_IDENTITY.clientId,
  });
  await attempt(forbidden.provider.describeCredential());
  const missing = bed.scenario();
  const missingProvider = missing.provider({ credentialType: 'secret' });
  await attempt(missingProvider.provider.describeCredential());

  for (const { logger } of [
    rotating,
    wrongProvider,
    expiredProvider,
    certProvider,
    forbidden,
    missingProvider,
  ]) {
    visible.push(...logger.lines);
  }
});

afterAll(async () => {
  await bed.stop();
});

describe('leak scan over logs and errors', () => {
  it('exercised both successes and failures', () => {
    expect(visible.some((text) => text.includes('AADSTS7000215'))).toBe(true);
    expect(visible.some((text) => text.includes('AADSTS700027'))).toBe(true);
    expect(visible.some((text) => text.includes('Key Vault Secrets User'))).toBe(true);
    expect(bed.entra.tokens.issued.length).toBeGreaterThan(3);
  });

  it('shows no client secret', () => {
    for (const secret of Object.values(planted)) {
      expect(visible.filter((text) => text.includes(secret))).toEqual([]);
    }
  });

  it('shows no private key or certificate material', () => {
    const keyBody = certificate.privateKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const keyLines = certificate.privateKeyPem.split('\n').filter((line) => line.length > 40);
    expect(visible.filter((text) => text.replace(/\s+/g, '').includes(keyBody))).toEqual([]);
    for (const line of keyLines) expect(visible.filter((text) => text.includes(line))).toEqual([]);
    expect(visible.filter((text) => text.includes(certificate.pfxBase64.slice(0, 64)))).toEqual([]);
    expect(visible.filter((text) => /BEGIN [A-Z ]*PRIVATE KEY/.test(text))).toEqual([]);
  });

  it('shows no issued token (Dataverse, Key Vault or managed identity) and no Authorization header', () => {
    for (const { token } of bed.entra.tokens.issued) {
      const signature = token.split('.')[2] ?? token;
      expect(visible.filter((text) => text.includes(token) || text.includes(signature))).toEqual(
        [],
      );
    }
    expect(visible.filter((text) => /Bearer\s+ey/i.test(text))).toEqual([]);
  });
});
