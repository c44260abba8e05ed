import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkOf,
  expectNoLeaks,
  type HealthBed,
  type RuntimeGetter,
  startHealthBed,
  statusesOf,
  tokensIssuedFor,
} from './healthBed';

/**
 * Client secret from Key Vault, one app registration, two environments: contoso in the home
 * tenant and fabrikam in a customer tenant that granted admin consent. The happy path, then
 * the cache and coalescing rules against the real Dataverse simulator and Entra stand-in.
 */
let health: HealthBed;
const startedAt = Date.now();

beforeAll(async () => {
  health = await startHealthBed({
    environments: [
      { name: 'contoso', accounts: { count: 5, seed: 1 }, dopHint: 6 },
      { name: 'fabrikam', tenant: 'customer', accounts: { count: 3, seed: 2 } },
    ],
  });
});

afterAll(async () => {
  await health.stop();
});

describe('health with a Key Vault client secret across two tenants', () => {
  let getRuntime: RuntimeGetter;

  it('passes every check once an account sync has run', async () => {
    getRuntime = health.runtime();
    const runtime = await getRuntime();
    const sync = await runtime.sync.run({ logger: health.visible.logger() });
    expect(sync.results.map((r) => [r.environment, r.outcome])).toEqual([
      ['contoso', 'synced'],
      ['fabrikam', 'synced'],
    ]);

    const call = await health.health(getRuntime);

    expect(call.status).toBe(200);
    expect(call.contentType).toBe('application/health+json');
    expect(call.cacheControl).toBe('no-store');
    expect(call.report.status).toBe('pass');
    expect(statusesOf(call.report)).toEqual({
      'contoso/account:lastSync': 'pass',
      'contoso:throttling': 'pass',
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'credential:expiry': 'pass',
      'credential:version': 'pass',
      'fabrikam/account:lastSync': 'pass',
      'fabrikam:throttling': 'pass',
      'fabrikam:token': 'pass',
      'fabrikam:whoAmI': 'pass',
      'sync:poisonMessages': 'pass',
    });
  });

  it('reports the WhoAmI facts of each environment: user, organization, dop hint', async () => {
    const { report } = await health.health(getRuntime);
    const contoso = health.bed.dataverse.environment('contoso');
    const fabrikam = health.bed.dataverse.environment('fabrikam');

    const contosoWho = checkOf(report, 'contoso:whoAmI');
    expect(contosoWho).toMatchObject({
      componentId: 'contoso',
      componentType: 'Dataverse WhoAmI',
      url: contoso.url,
      organizationId: contoso.organizationId,
      dopHint: 6,
      observedUnit: 'ms',
    });
    expect(contosoWho.userId).toMatch(/^[0-9a-f-]{36}$/);
    const fabrikamWho = checkOf(report, 'fabrikam:whoAmI');
    expect(fabrikamWho).toMatchObject({
      url: fabrikam.url,
      organizationId: fabrikam.organizationId,
      dopHint: 4,
    });
    // Separate environments: separate application users.
    expect(fabrikamWho.userId).not.toBe(contosoWho.userId);
    expect(checkOf(report, 'fabrikam:token').componentType).toBe('Entra ID token');
  });

  it('reports the secret expiry in days and the Key Vault version, without the value', async () => {
    const { report } = await health.health(getRuntime);
    const expiry = checkOf(report, 'credential:expiry');
    expect(expiry).toMatchObject({
      componentId: 'client secret',
      status: 'pass',
      source: 'keyVault',
      observedUnit: 'days',
    });
    // The bed's secret lives 90 days; the floor of the remainder is 89.
    expect(expiry.observedValue).toBe(89);
    expect(typeof expiry.version).toBe('string');
    expect(JSON.stringify(expiry)).not.toContain(health.bed.clientSecret);
  });

  it('reports the last sync age per environment', async () => {
    const { report } = await health.health(getRuntime);
    for (const name of ['contoso', 'fabrikam']) {
      const lastSync = checkOf(report, `${name}/account:lastSync`);
      expect(lastSync).toMatchObject({ componentType: 'table sync', observedUnit: 's' });
      // The age is the report's time minus the last success the checkpoint recorded.
      const lastSuccessAt = Date.parse(String(lastSync.lastSuccessAt));
      expect(lastSuccessAt).toBeGreaterThanOrEqual(startedAt);
      expect(lastSync.observedValue).toBe(
        Math.max(0, Math.round((Date.parse(report.time) - lastSuccessAt) / 1000)),
      );
    }
  });

  it('a storm of 200 concurrent polls costs one WhoAmI and one Entra token per environment', async () => {
    const environments = health.bed.dataverse.environments;
    for (const environment of environments) environment.resetStats();
    const tokensBefore = environments.map((e) => tokensIssuedFor(health.bed, e.url));
    const vaultReadsBefore = health.bed.keyVault.readCount(health.bed.ids.credentialName);
    const fresh = health.runtime();

    const calls = await Promise.all(Array.from({ length: 200 }, () => health.health(fresh)));

    expect(new Set(calls.map((call) => call.status))).toEqual(new Set([200]));
    // One report object shared by all: the same computation time everywhere.
    expect(new Set(calls.map((call) => call.report.time)).size).toBe(1);
    // One runtime built for all of them: one Key Vault read.
    expect(health.bed.keyVault.readCount(health.bed.ids.credentialName) - vaultReadsBefore).toBe(1);
    for (const [index, environment] of environments.entries()) {
      expect(environment.requestCounts()).toEqual({ 'whoami 200': 1 });
      expect(tokensIssuedFor(health.bed, environment.url) - (tokensBefore[index] ?? 0)).toBe(1);
    }
  });

  it('a second storm inside HEALTH_CACHE_SECONDS costs no WhoAmI at all', async () => {
    const environments = health.bed.dataverse.environments;
    const fresh = health.runtime();
    const first = await health.health(fresh);
    for (const environment of environments) environment.resetStats();

    const calls = await Promise.all(Array.from({ length: 200 }, () => health.health(fresh)));

    expect(calls.every((call) => call.report.time === first.report.time)).toBe(true);
    for (const environment of environments) expect(environment.requestCounts()).toEqual({});
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expectNoLeaks(health);
  });
});
