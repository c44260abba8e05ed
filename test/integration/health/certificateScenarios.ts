import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkOf,
  expectNoLeaks,
  expectNoOperatorDetail,
  type HealthBed,
  loggedDetailOf,
  startHealthBed,
  statusesOf,
} from './healthBed';

/**
 * The certificate matrix, shared by the PFX and the PEM test files (one bed per file: MSAL's
 * managed identity cache is process-wide). Documented outcomes: a registered certificate
 * passes and the report names it only by type, version and expiry; an unregistered one fails
 * every token check with AADSTS700027; the log names the thumbprints to look for on the app
 * registration.
 */
export function describeCertificateHealth(format: 'pfx' | 'pem'): void {
  let health: HealthBed;

  beforeAll(async () => {
    health = await startHealthBed({
      credentialType: 'certificate',
      certificateFormat: format,
      environments: [{ name: 'contoso', accounts: { count: 2, seed: 1 } }],
    });
  });

  afterAll(async () => {
    await health.stop();
  });

  describe(`health with a Key Vault certificate stored as ${format.toUpperCase()}`, () => {
    it('passes token and WhoAmI, reports the certificate expiry without key material', async () => {
      const call = await health.health(health.runtime());
      const certificate = health.bed.clientCertificate;

      expect(call.status).toBe(200);
      expect(call.contentType).toBe('application/health+json');
      expect(statusesOf(call.report)).toEqual({
        'contoso/account:lastSync': 'warn',
        'contoso:throttling': 'pass',
        'contoso:token': 'pass',
        'contoso:whoAmI': 'pass',
        'credential:expiry': 'pass',
        'credential:version': 'pass',
        'sync:poisonMessages': 'pass',
      });
      expect(checkOf(call.report, 'contoso/account:lastSync').output).toBe(
        'No successful sync of this table yet.',
      );
      // The bed's certificate is valid for 90 days: 89 whole days left, no warning.
      const expiry = checkOf(call.report, 'credential:expiry');
      expect(expiry).toMatchObject({
        componentId: 'client certificate',
        source: 'keyVault',
        observedValue: 89,
        observedUnit: 'days',
        // From the certificate's own notAfter, which X.509 keeps to the second.
        expiresOn: new Date(Math.floor(certificate.notAfter.getTime() / 1000) * 1000).toISOString(),
      });
      expect(expiry.output).toBeUndefined();
      // Thumbprint-free while healthy, and never any key or certificate material.
      for (const thumbprint of [certificate.thumbprintSha1Hex, certificate.thumbprintSha256Hex]) {
        expect(call.body.toUpperCase()).not.toContain(thumbprint.toUpperCase());
      }
      expect(call.body).not.toMatch(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/);
      expect(call.body).not.toContain(certificate.pfxBase64.slice(0, 64));
    });

    it('an unregistered certificate fails the token check with AADSTS700027 and its thumbprints', async () => {
      const certificate = health.bed.clientCertificate;
      health.bed.entra.removeCertificate(health.bed.ids.clientId, certificate.thumbprintSha256Hex);
      try {
        const call = await health.health(health.runtime());

        expect(call.status).toBe(503);
        expect(call.report.status).toBe('fail');
        const token = checkOf(call.report, 'contoso:token');
        expect(token.status).toBe('fail');
        expect(token.output).toMatch(/^contoso \/ Entra token: failed \[AADSTS700027\]/);
        expectNoOperatorDetail(call, health.bed);
        const logged = loggedDetailOf(health, call, 'contoso:token');
        expect(logged).toContain(
          `contoso / Entra token: Entra ID rejected the certificate of app ${health.bed.ids.clientId}`,
        );
        expect(logged).toContain('[AADSTS700027]');
        expect(logged).toContain(
          `(SHA-1 thumbprint ${certificate.thumbprintSha1Hex.toUpperCase()}, SHA-256 ${certificate.thumbprintSha256Hex.toUpperCase()}) is not registered on app registration ${health.bed.ids.clientId}: upload its public certificate there ("Certificates & secrets")`,
        );
        expect(checkOf(call.report, 'contoso:whoAmI').status).toBe('fail');
      } finally {
        health.bed.entra.addCertificate(health.bed.ids.clientId, certificate.certPem);
      }
    });

    it('leaks no key, certificate, token or identity header into any log line or body', () => {
      expectNoLeaks(health);
    });
  });
}
