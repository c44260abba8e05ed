import { describe, expect, it } from 'vitest';

import { AuthenticationError } from '../../../src/lib/errors';
import { fakeEntra, fakeVault, providerWith } from './fakeSdk';
import {
  capturingLogger,
  CLIENT_ID,
  customerEnvironment,
  homeEnvironment,
  rejectionOf,
} from './fixtures';

/**
 * The fallback decision with fake SDK objects: Entra rejects the current Key Vault version (a
 * secret stored before it was added to the app registration; the same path serves a renewed
 * certificate), the vault holds nothing newer, and an older version is still accepted.
 */

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY_IN_MS = 24 * 3600 * 1000;
const day = (days: number): Date => new Date(NOW + days * DAY_IN_MS);

/** v2 is current (s2); v1 (s1, expires in 60 days) and v0 (s0) are older. */
function vaultWithHistory() {
  return fakeVault({ version: 'v2', value: 's2', createdOn: day(-1), expiresOn: day(365) }, [
    { version: 'v0', value: 's0', createdOn: day(-400), expiresOn: day(300) },
    { version: 'v1', value: 's1', createdOn: day(-30), expiresOn: day(60) },
  ]);
}

const warnings = (lines: readonly string[]): string[] =>
  lines.filter((line) => line.startsWith('warn: ') && !line.includes('re-reading Key Vault once'));

describe('falling back to an older Key Vault version Entra ID accepts', () => {
  it('uses the newest older version Entra accepts, says which and why, with the fix, once', async () => {
    const entra = fakeEntra(['s1', 's0']);
    const vault = vaultWithHistory();
    const logger = capturingLogger();
    const provider = providerWith(entra, vault, logger, { clock: () => NOW });

    const token = await provider.getToken(homeEnvironment);

    expect(token.token).toMatch(/^token-/);
    // The current one, then the newest older one: v0 is never needed.
    expect(entra.created.map((c) => c.secret)).toEqual(['s2', 's1']);
    expect(vault.state.lists).toBe(1);
    const description = await provider.describeCredential();
    expect(description).toMatchObject({
      source: 'keyVault',
      version: 'v1',
      expiresOn: day(60),
      fallback: { currentVersion: 'v2', code: 'AADSTS7000215', since: new Date(NOW) },
    });
    expect(description.fallback?.reason).toBe(
      `Entra ID rejects the current version v2 of Key Vault secret 'dataverse-client-secret' (AADSTS7000215: its value is not a client secret of app registration ${CLIENT_ID}); the app uses the older version v1 (expires ${day(60).toISOString()}), which Entra ID accepts.`,
    );
    expect(description.fallback?.fix).toContain(
      `az keyvault secret set --vault-name kv -n dataverse-client-secret --value "$(az keyvault secret show --vault-name kv -n dataverse-client-secret --version v1 --query value -o tsv)" --expires ${day(60).toISOString()}`,
    );
    expect(description.fallback?.fix).toContain(
      `az ad app credential reset --id ${CLIENT_ID} --append`,
    );
    const warned = warnings(logger.lines);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`${description.fallback?.reason ?? ''} Fix: `);
    expect(logger.lines.join('\n')).not.toMatch(/\bs[012]\b/);
  });

  it('keeps the older version without asking for the current one on each call; rechecks each interval and switches back', async () => {
    const clock = { now: NOW };
    const entra = fakeEntra(['s1']);
    const logger = capturingLogger();
    const provider = providerWith(entra, vaultWithHistory(), logger, {
      clock: () => clock.now,
      refreshIntervalInMs: 60_000,
    });
    await provider.getToken(homeEnvironment);
    const before = entra.requests.length;

    for (let i = 0; i < 5; i += 1) {
      await provider.getToken(homeEnvironment);
      await provider.getToken(customerEnvironment);
    }
    // Only the customer tenant's first token: the rejected current version is not retried.
    expect(entra.requests.slice(before).map((r) => r.tenantId)).toEqual([
      customerEnvironment.tenantId,
    ]);

    clock.now = NOW + 60_000;
    await provider.getToken(homeEnvironment);
    await provider.getToken(homeEnvironment);
    // One recheck of the current version, refused; the older one stays.
    expect(entra.requests.slice(before + 1)).toEqual([
      { tenantId: homeEnvironment.tenantId, scope: 'https://contoso.crm.dynamics.com/.default' },
    ]);
    await expect(provider.describeCredential()).resolves.toMatchObject({ version: 'v1' });

    entra.accepted.add('s2');
    clock.now = NOW + 90_000;
    await provider.getToken(homeEnvironment);
    await expect(provider.describeCredential()).resolves.toMatchObject({ version: 'v1' });
    clock.now = NOW + 120_000;
    await provider.getToken(homeEnvironment);
    const description = await provider.describeCredential();
    expect(description).toMatchObject({ version: 'v2' });
    expect(description.fallback).toBeUndefined();
    const warned = warnings(logger.lines);
    expect(warned).toHaveLength(2);
    expect(warned[1]).toBe(
      "warn: Entra ID accepts the current version v2 of Key Vault secret 'dataverse-client-secret' now: switched back to it from the older version v1.",
    );
  });

  it('shares one search among concurrent rejections: one version listing, one read of the older version', async () => {
    const entra = fakeEntra(['s1']);
    const vault = vaultWithHistory();
    const provider = providerWith(entra, vault, capturingLogger(), { clock: () => NOW });
    const tokens = await Promise.all([
      provider.getToken(homeEnvironment),
      provider.getToken(homeEnvironment),
      provider.getToken(customerEnvironment),
      provider.getToken(customerEnvironment),
    ]);
    expect(tokens.every((t) => t.token.startsWith('token-'))).toBe(true);
    expect(vault.state.lists).toBe(1);
    // First read, the one re-read after the rejections, and v1.
    expect(vault.state.reads).toBe(3);
  });

  it('no version accepted: fails with the code, the fix and what was tried, and does not search again at once', async () => {
    const entra = fakeEntra([]);
    const vault = vaultWithHistory();
    vault.state.older.push({ version: 'v-off', value: 'x', createdOn: day(-2), enabled: false });
    const provider = providerWith(entra, vault, capturingLogger(), { clock: () => NOW });

    const error = await rejectionOf(provider.getToken(homeEnvironment));

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ step: 'Entra token', code: 'AADSTS7000215' });
    expect((error as AuthenticationError).hint).toContain(
      `does not match any secret of app registration ${CLIENT_ID}`,
    );
    expect((error as AuthenticationError).message).toContain(
      'Key Vault holds no newer version, and no older version is usable either (v1: AADSTS7000215, v0: AADSTS7000215, v-off: disabled)',
    );
    await rejectionOf(provider.getToken(homeEnvironment));
    expect(vault.state.lists).toBe(1);
    const description = await provider.describeCredential();
    expect(description.version).toBe('v2');
    expect(description.fallback).toBeUndefined();
  });

  it('drops an older version Entra rejects later and goes back to the current one', async () => {
    const entra = fakeEntra(['s1']);
    const logger = capturingLogger();
    const provider = providerWith(entra, vaultWithHistory(), logger, { clock: () => NOW });
    await provider.getToken(homeEnvironment);
    // The operator uploaded the new credential and removed the old one at once.
    entra.accepted = new Set(['s2']);

    const token = await provider.getToken(homeEnvironment, { forceRefresh: true });

    expect(token.token).toMatch(/^token-/);
    const description = await provider.describeCredential();
    expect(description.version).toBe('v2');
    expect(description.fallback).toBeUndefined();
    expect(warnings(logger.lines).at(-1)).toBe(
      "warn: Entra ID rejects the older version v1 of Key Vault secret 'dataverse-client-secret' as well; trying the current version again.",
    );
  });
});
