import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkOf,
  DETAILED,
  expectNoLeaks,
  expectNoOperatorDetail,
  type HealthBed,
  loggedDetailOf,
  loggedStartupDetailOf,
  startHealthBed,
  statusesOf,
  summaryOf,
} from './healthBed';

/**
 * The client secret's life in Key Vault as the health endpoint sees it: a value Entra does not
 * know, an expired secret, a missing secret, a vault the managed identity may not read, and a
 * rotation picked up without a restart. Each scenario restores the vault afterwards. By default
 * the body says which step failed with which code and points to the log, which holds the fix
 * (vault, secret name, identity, the `az` command); HEALTH_DETAILED_ERRORS=true puts it in the
 * body too.
 */
let health: HealthBed;
const DAY_IN_MS = 24 * 3600 * 1000;
const wrongSecret = 'wrong-Secret~Value.0123456789abcdefghijkl';
const expiredSecret = 'expired-Secret~Value.0123456789abcdefghij';

beforeAll(async () => {
  health = await startHealthBed({
    environments: [
      { name: 'contoso', accounts: { count: 2, seed: 1 } },
      { name: 'fabrikam', tenant: 'customer', accounts: { count: 2, seed: 2 } },
    ],
  });
});

afterAll(async () => {
  await health.stop();
});

const ids = () => health.bed.ids;

/** Makes `value` the only version of the credential in Key Vault. */
function storeOnlyVersion(value: string, expiresOn: Date): string {
  health.bed.keyVault.deleteSecret(ids().credentialName);
  return health.bed.keyVault.setSecret(ids().credentialName, value, { expiresOn });
}

function restoreGoodSecret(): void {
  storeOnlyVersion(health.bed.clientSecret, new Date(Date.now() + 90 * DAY_IN_MS));
}

describe('client secrets Entra ID rejects', () => {
  it('a secret Entra does not know: AADSTS7000215 per environment, one vault re-read, the fix', async () => {
    const version = storeOnlyVersion(wrongSecret, new Date(Date.now() + 90 * DAY_IN_MS));
    const readsBefore = health.bed.keyVault.readCount(ids().credentialName);
    try {
      const getRuntime = health.runtime();
      const call = await health.health(getRuntime);
      // A second poll within the cache window: the same report, no second log line.
      const again = await health.health(getRuntime);

      expect(call.status).toBe(503);
      expect(call.contentType).toBe('application/health+json');
      expect(call.report.status).toBe('fail');
      expect(again.body).toBe(call.body);
      expectNoOperatorDetail(call, health.bed);
      for (const name of ['contoso', 'fabrikam']) {
        const token = checkOf(call.report, `${name}:token`);
        expect(token.status).toBe('fail');
        expect(token.output).toBe(
          summaryOf(`${name} / Entra token: failed [AADSTS7000215]`, token.time),
        );
        const logged = loggedDetailOf(health, call, `${name}:token`);
        expect(logged).toContain(`${name} / Entra token`);
        expect(logged).toContain('[AADSTS7000215]');
        expect(logged).toContain(
          `the client secret in Key Vault secret '${ids().credentialName}' (version ${version}) in ${health.bed.keyVault.url} does not match any secret of app registration ${ids().clientId}: create a new client secret and store it in a new version of Key Vault secret '${ids().credentialName}'`,
        );
        expect(logged).toContain('Key Vault holds no newer version');
        expect(checkOf(call.report, `${name}:whoAmI`).output).toBe(
          'Not attempted: no access token (see the token check).',
        );
      }
      // The secret itself is fine as far as its dates go.
      expect(checkOf(call.report, 'credential:expiry').status).toBe('pass');
      // Startup read once; the two rejections shared one re-read looking for a rotated version.
      expect(health.bed.keyVault.readCount(ids().credentialName) - readsBefore).toBe(2);
    } finally {
      restoreGoodSecret();
    }
  });

  it('an expired secret: AADSTS7000222 with the rotation fix (detailed body), and the expiry check fails', async () => {
    const expiredOn = new Date(Date.now() - DAY_IN_MS);
    health.bed.entra.addSecret(ids().clientId, { value: expiredSecret, expiresOn: expiredOn });
    storeOnlyVersion(expiredSecret, expiredOn);
    try {
      const call = await health.health(health.runtime({ overrides: DETAILED }));

      expect(call.status).toBe(503);
      const token = checkOf(call.report, 'contoso:token');
      expect(token.status).toBe('fail');
      expect(token.output).toContain('[AADSTS7000222]');
      expect(token.output).toContain(
        `has expired on app registration ${ids().clientId}: rotate it — create a new client secret and store it in a new version of Key Vault secret '${ids().credentialName}'`,
      );
      const expiry = checkOf(call.report, 'credential:expiry');
      expect(expiry.status).toBe('fail');
      expect(expiry.observedValue).toBeLessThan(0);
      expect(expiry.output).toMatch(
        /^The client secret expired on \d{4}-\d\d-\d\dT.*: create a new one on the app registration and store it as a new version in Key Vault\.$/,
      );
    } finally {
      health.bed.entra.removeSecret(ids().clientId, expiredSecret);
      restoreGoodSecret();
    }
  });
});

describe('Key Vault problems at startup', () => {
  it('a missing secret: startup fails, app:startup names SecretNotFound and the secret', async () => {
    health.bed.keyVault.deleteSecret(ids().credentialName);
    try {
      const call = await health.health(health.runtime());

      expect(call.status).toBe(503);
      expect(call.contentType).toBe('application/health+json');
      expect(Object.keys(call.report.checks)).toEqual(['app:startup']);
      const startup = checkOf(call.report, 'app:startup');
      expect(startup.status).toBe('fail');
      expect(startup.output).toMatch(/^Key Vault read: failed \[SecretNotFound\] \(HTTP 404\)\. /);
      expect(call.report.output).toBe(startup.output);
      expectNoOperatorDetail(call, health.bed);
      const logged = loggedStartupDetailOf(health, call);
      expect(logged).toContain(
        `Key Vault read: Key Vault has no secret '${ids().credentialName}' in ${health.bed.keyVault.url} [SecretNotFound] (HTTP 404).`,
      );
      expect(logged).toContain(`check DATAVERSE_CREDENTIAL_NAME ('${ids().credentialName}')`);
    } finally {
      restoreGoodSecret();
    }
  });

  it('a vault the identity may not read: 503 naming Forbidden and the role; recovers once granted', async () => {
    health.bed.keyVault.revoke(ids().managedIdentityObjectId);
    const getRuntime = health.runtime();
    const fix = `the managed identity (object id ${ids().managedIdentityObjectId}, client id ${ids().managedIdentityClientId}) lacks 'Key Vault Secrets User' on vault ${health.bed.keyVault.url}: az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${ids().managedIdentityObjectId}`;
    try {
      const refused = await health.health(getRuntime);

      expect(refused.status).toBe(503);
      const startup = checkOf(refused.report, 'app:startup');
      expect(startup.status).toBe('fail');
      const time = /log at (\S+),/.exec(startup.output ?? '')?.[1] ?? '';
      expect(startup.output).toBe(summaryOf('Key Vault read: failed [Forbidden] (HTTP 403)', time));
      expectNoOperatorDetail(refused, health.bed);
      const logged = loggedStartupDetailOf(health, refused);
      expect(logged).toContain(
        `Key Vault read: Key Vault refused to read secret '${ids().credentialName}' in ${health.bed.keyVault.url} [Forbidden] (HTTP 403).`,
      );
      expect(logged).toContain(fix);

      // Asked for, the body carries the same description and fix.
      const detailed = await health.health(health.runtime({ overrides: DETAILED }));
      expect(checkOf(detailed.report, 'app:startup').output).toContain(fix);
      expect(
        health.visible
          .logLines()
          .some((line) =>
            line.startsWith('error: Dataverse runtime could not start: Key Vault read'),
          ),
      ).toBe(true);
    } finally {
      health.bed.keyVault.grant(ids().managedIdentityObjectId);
    }

    // Same getter: the rejected initialisation promise was dropped, so this builds anew.
    const granted = await health.health(getRuntime);

    expect(granted.status).toBe(200);
    expect(statusesOf(granted.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'fabrikam:whoAmI': 'pass',
    });
  });
});

describe('rotation without a restart', () => {
  it('an environment first reaching Entra after the rotation gets its token with the new secret after one vault re-read', async () => {
    // fabrikam's tenant has not consented yet, so only contoso holds a token before rotation.
    health.bed.entra.revokeConsent(ids().clientId, ids().customerTenantId);
    const getRuntime = health.runtime({ overrides: { HEALTH_CACHE_SECONDS: '0' } });
    const before = await health.health(getRuntime);
    expect(statusesOf(before.report)).toMatchObject({
      'contoso:whoAmI': 'pass',
      'fabrikam:token': 'fail',
    });
    const oldVersion = checkOf(before.report, 'credential:expiry').version;

    const newVersion = health.bed.rotateSecret();
    health.bed.entra.consent(ids().clientId, ids().customerTenantId);
    const readsBefore = health.bed.keyVault.readCount(ids().credentialName);
    const logsBefore = health.visible.logLines().length;
    const after = await health.health(getRuntime);

    expect(after.status).toBe(200);
    expect(statusesOf(after.report)).toMatchObject({
      'contoso:token': 'pass',
      'contoso:whoAmI': 'pass',
      'fabrikam:token': 'pass',
      'fabrikam:whoAmI': 'pass',
    });
    expect(health.bed.keyVault.readCount(ids().credentialName) - readsBefore).toBe(1);
    const logged = health.visible.logLines().slice(logsBefore);
    expect(logged).toContain(
      'warn: fabrikam: Entra ID rejected the credential (AADSTS7000215); re-reading Key Vault once for a rotated version',
    );
    expect(logged).toContain(`info: fabrikam: retrying with Key Vault version ${newVersion}`);
    expect(newVersion).not.toBe(oldVersion);
    const next = await health.health(getRuntime);
    expect(checkOf(next.report, 'credential:expiry').version).toBe(newVersion);
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expectNoLeaks(health, [wrongSecret, expiredSecret]);
  });
});
