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
 * A new client secret stored in Key Vault before it was added to the app registration (or a value
 * from another app): the app keeps working on the older version, health warns with the fix, and
 * once the app registration knows the value the app switches to it after the refresh interval.
 */
let health: HealthBed;
const REFRESH_INTERVAL_IN_MS = 1500;
const DAY_IN_MS = 24 * 3600 * 1000;

beforeAll(async () => {
  health = await startHealthBed({
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

const afterRefreshInterval = () => sleep(REFRESH_INTERVAL_IN_MS + 200);

describe('a new client secret in Key Vault that the app registration does not know yet', () => {
  it('keeps token and WhoAmI passing on the older version, warns with the fix, then switches to the new one', async () => {
    const getRuntime = runtime();
    const before = await health.health(getRuntime);
    expect(checkOf(before.report, 'contoso:token').status).toBe('pass');
    const originalVersion = checkOf(before.report, 'credential:expiry').version;

    const newVersion = health.bed.rotateSecret({
      removeOld: false,
      addToEntra: false,
      expiresOn: new Date(Date.now() + 365 * DAY_IN_MS),
    });
    await afterRefreshInterval();
    const during = await health.health(getRuntime);

    expect(during.status).toBe(200);
    expect(statusesOf(during.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'credential:expiry': 'pass',
      'credential:version': 'warn',
    });
    const version = checkOf(during.report, 'credential:version');
    expect(version).toMatchObject({
      componentId: 'client secret',
      observedValue: originalVersion,
      currentVersion: newVersion,
      code: 'AADSTS7000215',
    });
    expect(version.output).toContain(
      `Entra ID rejects the current version ${newVersion} of Key Vault secret '${ids().credentialName}' (AADSTS7000215: its value is not a client secret of app registration ${ids().clientId})`,
    );
    expect(version.output).toContain(
      `az ad app credential reset --id ${ids().clientId} --append --display-name dataverse-s2s --years 1 --query password -o tsv`,
    );
    expect(version.output).toContain(`--version ${String(originalVersion)} --query value -o tsv)"`);
    // The bed's first secret lives 90 days: the expiry judged is the one in use.
    expect(checkOf(during.report, 'credential:expiry')).toMatchObject({
      version: originalVersion,
      observedValue: 89,
    });

    health.bed.entra.addSecret(ids().clientId, {
      value: health.bed.clientSecret,
      expiresOn: new Date(Date.now() + 365 * DAY_IN_MS),
    });
    await afterRefreshInterval();
    const after = await health.health(getRuntime);

    expect(statusesOf(after.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'credential:version': 'pass',
    });
    expect(checkOf(after.report, 'credential:version').observedValue).toBe(newVersion);
    expect(checkOf(after.report, 'credential:expiry')).toMatchObject({
      version: newVersion,
      observedValue: 364,
    });
    const switches = health.visible
      .logLines()
      .filter((line) => line.startsWith('warn: Entra ID re') || line.includes('switched back'));
    expect(switches).toHaveLength(2);
  });

  it('no version accepted: the token check fails with AADSTS7000215 and the fix, as before', async () => {
    health.bed.rotateSecret({ removeOld: false, addToEntra: false });
    const saved = health.bed.entra.credentialsOf(ids().clientId).secrets;
    for (const { value } of saved) health.bed.entra.removeSecret(ids().clientId, value);
    try {
      const call = await health.health(runtime());

      expect(call.status).toBe(503);
      const token = checkOf(call.report, 'contoso:token');
      expect(token.status).toBe('fail');
      expect(token.output).toContain('[AADSTS7000215]');
      // The full description and fix: in the log (the body says where to look).
      const detail = loggedDetailOf(health, call, 'contoso:token');
      expect(detail).toContain(
        `does not match any secret of app registration ${ids().clientId}: create a new client secret and store it in a new version of Key Vault secret '${ids().credentialName}'`,
      );
      // What was tried: every older version, each refused by Entra.
      expect(detail).toMatch(
        /Key Vault holds no newer version, and no older version is usable either \([0-9a-f]{32}: AADSTS7000215(, [0-9a-f]{32}: AADSTS7000215)*\)/,
      );
    } finally {
      for (const secret of saved) health.bed.entra.addSecret(ids().clientId, secret);
    }
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expectNoLeaks(health);
  });
});
