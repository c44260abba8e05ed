import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkOf,
  expectNoLeaks,
  type HealthBed,
  loggedDetailOf,
  type RuntimeGetter,
  startHealthBed,
  statusesOf,
} from './healthBed';

/**
 * Key Vault renews the certificate (AutoRenew: a new version with a new key pair and thumbprint)
 * before anyone uploaded it to the app registration. The app keeps working on the older
 * version, health warns with the upload command, and once the new certificate is registered the
 * app switches to it by itself after the refresh interval (short here).
 */
let health: HealthBed;
const REFRESH_INTERVAL_IN_MS = 1500;

beforeAll(async () => {
  health = await startHealthBed({
    credentialType: 'certificate',
    environments: [{ name: 'contoso', accounts: { count: 2, seed: 1 } }],
  });
});

afterAll(async () => {
  await health.stop();
});

const ids = () => health.bed.ids;

function runtime(): RuntimeGetter {
  return health.runtime({
    overrides: { HEALTH_CACHE_SECONDS: '0' },
    keyVaultRefreshIntervalInMs: REFRESH_INTERVAL_IN_MS,
  });
}

/** Waits out the refresh interval, so that the next call re-reads Key Vault and rechecks. */
const afterRefreshInterval = () => sleep(REFRESH_INTERVAL_IN_MS + 200);

describe('Key Vault renewed the certificate before the app registration knew it', () => {
  it('keeps token and WhoAmI passing on the older version, warns with the upload fix, then switches to the renewed one', async () => {
    const getRuntime = runtime();
    const before = await health.health(getRuntime);
    expect(checkOf(before.report, 'contoso:token').status).toBe('pass');
    const originalVersion = checkOf(before.report, 'credential:expiry').version;
    const original = health.bed.clientCertificate;

    const { version: renewedVersion, certificate: renewed } = health.bed.renewCertificate();
    expect(renewed.thumbprintSha256Hex).not.toBe(original.thumbprintSha256Hex);
    await afterRefreshInterval();
    const logsBefore = health.visible.logLines().length;
    const during = await health.health(getRuntime);

    expect(during.status).toBe(200);
    expect(during.report.status).toBe('warn');
    expect(statusesOf(during.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'credential:expiry': 'pass',
      'credential:version': 'warn',
    });
    const version = checkOf(during.report, 'credential:version');
    expect(version).toMatchObject({
      componentId: 'client certificate',
      observedValue: originalVersion,
      currentVersion: renewedVersion,
      code: 'AADSTS700027',
      currentThumbprintSha256: renewed.thumbprintSha256Hex.toUpperCase(),
    });
    expect(version.output).toContain(
      `Entra ID rejects the current version ${renewedVersion} of Key Vault secret '${ids().credentialName}' (AADSTS700027: its certificate (SHA-1 thumbprint ${renewed.thumbprintSha1Hex.toUpperCase()}) is not registered on app registration ${ids().clientId}); the app uses the older version ${String(originalVersion)}`,
    );
    expect(version.output).toContain(
      `az ad app credential reset --id ${ids().clientId} --keyvault `,
    );
    expect(version.output).toMatch(new RegExp(`--cert ${ids().credentialName} --append$`));
    // The expiry judged is the older certificate's: the one that authenticates.
    expect(checkOf(during.report, 'credential:expiry')).toMatchObject({
      version: originalVersion,
      observedValue: 89,
    });
    const warned = health.visible
      .logLines()
      .slice(logsBefore)
      .filter(
        (line) =>
          line.startsWith('warn: ') && line.includes(' Fix: upload the current certificate'),
      );
    expect(warned).toHaveLength(1);

    // The operator runs the fix; the app notices within one refresh interval.
    health.bed.entra.addCertificate(ids().clientId, renewed.certPem);
    await afterRefreshInterval();
    const after = await health.health(getRuntime);

    expect(statusesOf(after.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'credential:expiry': 'pass',
      'credential:version': 'pass',
    });
    expect(checkOf(after.report, 'credential:version')).toMatchObject({
      status: 'pass',
      observedValue: renewedVersion,
    });
    expect(checkOf(after.report, 'credential:version').output).toBeUndefined();
    expect(checkOf(after.report, 'credential:expiry')).toMatchObject({
      version: renewedVersion,
      observedValue: 364,
    });
    expect(health.visible.logLines()).toContain(
      `warn: Entra ID accepts the current version ${renewedVersion} of Key Vault secret '${ids().credentialName}' now: switched back to it from the older version ${String(originalVersion)}.`,
    );
  });

  it('no version accepted: the token check fails with AADSTS700027 and the upload fix, as before', async () => {
    health.bed.renewCertificate();
    const saved = health.bed.entra.credentialsOf(ids().clientId).certificates;
    for (const certificate of saved)
      health.bed.entra.removeCertificate(ids().clientId, certificate.thumbprintSha256Hex);
    try {
      const call = await health.health(runtime());

      expect(call.status).toBe(503);
      const token = checkOf(call.report, 'contoso:token');
      expect(token.status).toBe('fail');
      expect(token.output).toContain('[AADSTS700027]');
      // The full description and fix: in the log (the body says where to look).
      const detail = loggedDetailOf(health, call, 'contoso:token');
      expect(detail).toContain(
        `(SHA-1 thumbprint ${health.bed.clientCertificate.thumbprintSha1Hex.toUpperCase()}, SHA-256`,
      );
      expect(detail).toContain(
        `is not registered on app registration ${ids().clientId}: upload its public certificate there`,
      );
      // What was tried: every older version, each refused by Entra.
      expect(detail).toMatch(
        /Key Vault holds no newer version, and no older version is usable either \([0-9a-f]{32}: AADSTS700027(, [0-9a-f]{32}: AADSTS700027)*\)/,
      );
    } finally {
      for (const certificate of saved)
        health.bed.entra.addCertificate(ids().clientId, certificate.certPem);
    }
  });

  it('leaks no key, certificate, token or identity header into any log line or body', () => {
    expectNoLeaks(health);
  });
});
