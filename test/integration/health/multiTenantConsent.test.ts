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
 * Multi-tenant: the app is registered in the home tenant (contoso) and fabrikam's tenant has
 * not granted admin consent. Documented outcome: contoso passes, fabrikam's token check fails
 * with AADSTS700016 (the log has the admin-consent URL for fabrikam's tenant; the body names no
 * tenant), the endpoint answers 503; once consent is granted the next check passes without a
 * restart.
 */
let health: HealthBed;

beforeAll(async () => {
  health = await startHealthBed({
    consentCustomerTenant: false,
    environments: [
      { name: 'contoso', accounts: { count: 2, seed: 1 } },
      { name: 'fabrikam', tenant: 'customer', accounts: { count: 2, seed: 2 } },
    ],
  });
});

afterAll(async () => {
  await health.stop();
});

describe('multi-tenant app without admin consent in the customer tenant', () => {
  it('fails fabrikam with AADSTS700016 and the admin-consent URL; contoso passes; 503', async () => {
    const { ids, entra } = health.bed;
    const getRuntime = health.runtime({ overrides: { HEALTH_CACHE_SECONDS: '0' } });

    const call = await health.health(getRuntime);

    expect(call.status).toBe(503);
    expect(call.contentType).toBe('application/health+json');
    expect(call.report.status).toBe('fail');
    expect(statusesOf(call.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'fabrikam:token': 'fail',
      'fabrikam:whoAmI': 'fail',
      'credential:expiry': 'pass',
    });
    const token = checkOf(call.report, 'fabrikam:token');
    expect(token.output).toMatch(/^fabrikam \/ Entra token: failed \[AADSTS700016\]/);
    expectNoOperatorDetail(call, health.bed);
    const logged = loggedDetailOf(health, call, 'fabrikam:token');
    expect(logged).toContain(
      `fabrikam / Entra token: Entra ID refused a token for app ${ids.clientId} in tenant ${ids.customerTenantId} [AADSTS700016]`,
    );
    expect(logged).toContain(
      `an administrator of ${ids.customerTenantId} must grant admin consent: ${entra.authorityHost}/${ids.customerTenantId}/adminconsent?client_id=${ids.clientId}`,
    );
    // Not a credential rejection: no Key Vault re-read is attempted for a consent problem.
    expect(logged).not.toContain('Key Vault holds no newer version');
    expect(checkOf(call.report, 'fabrikam:whoAmI').output).toContain('Not attempted');

    entra.consent(ids.clientId, ids.customerTenantId);
    const consented = await health.health(getRuntime);

    expect(consented.status).toBe(200);
    expect(statusesOf(consented.report)).toMatchObject({
      'fabrikam:token': 'pass',
      'fabrikam:whoAmI': 'pass',
    });
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expectNoLeaks(health);
  });
});
