import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { AuthenticationError } from '../../../src/lib/errors';
import {
  type AuthTestBed,
  type Scenario,
  startAuthTestBed,
  UNGRANTED_IDENTITY,
  USER_IDENTITY,
} from './authTestBed';
import {
  CUSTOMER_TENANT,
  customerEnvironment,
  HOME_TENANT,
  homeEnvironment,
  rejectionOf,
} from './fixtures';

const SECRET_V1 = 'v1~Secret.Value-0123456789abcdef';
const SECRET_V2 = 'v2~Secret.Value-fedcba9876543210';
const IN_A_YEAR = new Date(Date.now() + 365 * 24 * 3600 * 1000);

let bed: AuthTestBed;
let scenario: Scenario;
let CLIENT_ID: string;
let SECRET_NAME: string;

beforeAll(async () => {
  bed = await startAuthTestBed();
});
afterAll(async () => {
  await bed.stop();
});
beforeEach(() => {
  scenario = bed.scenario();
  CLIENT_ID = scenario.clientId;
  SECRET_NAME = scenario.secretName;
});

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('client secret from Key Vault through the managed identity', () => {
  beforeEach(() => {
    bed.entra.addSecret(CLIENT_ID, { value: SECRET_V1, expiresOn: IN_A_YEAR });
    bed.vault.setSecret(SECRET_NAME, SECRET_V1, { expiresOn: IN_A_YEAR });
  });

  it('issues a Dataverse token for the environment and describes the secret', async () => {
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const token = await provider.getToken(homeEnvironment);
    expect(claimsOf(token.token)).toMatchObject({
      aud: homeEnvironment.url,
      tid: HOME_TENANT,
      appid: CLIENT_ID,
    });
    const description = await provider.describeCredential();
    expect(description).toMatchObject({
      type: 'secret',
      source: 'keyVault',
      thumbprintSha256: undefined,
    });
    expect(description.version).toMatch(/^[0-9a-f]{32}$/);
    expect(description.expiresOn?.getTime()).toBe(Math.floor(IN_A_YEAR.getTime() / 1000) * 1000);
    expect(bed.vault.readCount(SECRET_NAME)).toBe(1);
  });

  it('uses the user-assigned identity named by AZURE_CLIENT_ID', async () => {
    const { provider } = scenario.provider({
      credentialType: 'secret',
      managedIdentityClientId: USER_IDENTITY.clientId,
    });
    await expect(provider.getToken(homeEnvironment)).resolves.toMatchObject({
      token: expect.any(String) as string,
    });
  });

  it('shares one Key Vault read among concurrent first calls and caches the token', async () => {
    const { provider } = scenario.provider({ credentialType: 'secret' });
    await Promise.all([
      provider.describeCredential(),
      provider.getToken(homeEnvironment),
      provider.getToken(homeEnvironment),
    ]);
    expect(bed.vault.readCount(SECRET_NAME)).toBe(1);
    const before = bed.entra.requestCount('token');
    await provider.getToken(homeEnvironment);
    await provider.getToken(homeEnvironment);
    expect(bed.entra.requestCount('token')).toBe(before);
    expect(bed.vault.readCount(SECRET_NAME)).toBe(1);
  });

  it('forceRefresh gets a new token from Entra', async () => {
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const first = await provider.getToken(homeEnvironment);
    const issuedBefore = bed.entra.tokensIssued.length;
    const refreshed = await provider.getToken(homeEnvironment, { forceRefresh: true });
    expect(refreshed.token).not.toBe(first.token);
    expect(bed.entra.tokensIssued.length).toBe(issuedBefore + 1);
  });

  it('multi-tenant: fails with 700016 and the consent URL before consent, works after', async () => {
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const error = await rejectionOf(provider.getToken(customerEnvironment));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      step: 'Entra token',
      environment: 'fabrikam-prod',
      code: 'AADSTS700016',
    });
    expect((error as AuthenticationError).hint).toContain(
      `${bed.entra.authorityHost}/${CUSTOMER_TENANT}/adminconsent?client_id=${CLIENT_ID}`,
    );
    bed.entra.consent(CLIENT_ID, CUSTOMER_TENANT);
    const token = await provider.getToken(customerEnvironment);
    expect(claimsOf(token.token)).toMatchObject({
      tid: CUSTOMER_TENANT,
      aud: customerEnvironment.url,
    });
    // 700016 is not a credential rejection: no extra vault read.
    expect(bed.vault.readCount(SECRET_NAME)).toBe(1);
  });

  it('picks up a rotated secret without restart: one Key Vault re-read, then success', async () => {
    const { provider, logger } = scenario.provider({ credentialType: 'secret' });
    await provider.getToken(homeEnvironment);
    bed.entra.removeSecret(CLIENT_ID, SECRET_V1);
    bed.entra.addSecret(CLIENT_ID, { value: SECRET_V2, expiresOn: IN_A_YEAR });
    const v2 = bed.vault.setSecret(SECRET_NAME, SECRET_V2, { expiresOn: IN_A_YEAR });
    const tokens = await Promise.all(
      [1, 2, 3].map(() => provider.getToken(homeEnvironment, { forceRefresh: true })),
    );
    expect(tokens).toHaveLength(3);
    expect(bed.vault.readCount(SECRET_NAME)).toBe(2);
    await expect(provider.describeCredential()).resolves.toMatchObject({ version: v2 });
    expect(logger.lines.some((line) => line.includes('re-reading Key Vault once'))).toBe(true);
  });

  it('wrong secret: re-reads Key Vault once, then fails with 7000215 and the rotation hint', async () => {
    // The only version: no older one Entra accepts to fall back to.
    bed.vault.deleteSecret(SECRET_NAME);
    bed.vault.setSecret(SECRET_NAME, 'not-the-registered-secret-value');
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const error = (await rejectionOf(provider.getToken(homeEnvironment))) as AuthenticationError;
    expect(error).toMatchObject({ step: 'Entra token', code: 'AADSTS7000215', retryable: false });
    expect(error.hint).toContain(`Key Vault secret '${SECRET_NAME}'`);
    expect(error.hint).toContain(`does not match any secret of app registration ${CLIENT_ID}`);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bed.vault.readCount(SECRET_NAME)).toBe(2);
  });

  it('expired secret: fails with 7000222 and says to rotate', async () => {
    const expired = 'expired~Secret.Value-000000000000';
    bed.entra.addSecret(CLIENT_ID, { value: expired, expiresOn: new Date(Date.now() - 60_000) });
    bed.vault.deleteSecret(SECRET_NAME);
    bed.vault.setSecret(SECRET_NAME, expired, { expiresOn: new Date(Date.now() - 60_000) });
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const error = (await rejectionOf(provider.getToken(homeEnvironment))) as AuthenticationError;
    expect(error).toMatchObject({ code: 'AADSTS7000222' });
    expect(error.hint).toContain('has expired');
    expect(error.hint).toContain('rotate');
  });
});

describe('Key Vault and managed identity failures', () => {
  beforeEach(() => {
    bed.vault.setSecret(SECRET_NAME, SECRET_V1);
  });

  it('forbidden: names the identity and gives the role assignment command', async () => {
    const { provider } = scenario.provider({
      credentialType: 'secret',
      managedIdentityClientId: UNGRANTED_IDENTITY.clientId,
    });
    const error = (await rejectionOf(provider.describeCredential())) as AuthenticationError;
    expect(error).toMatchObject({ step: 'Key Vault read', status: 403, code: 'Forbidden' });
    expect(error.hint).toContain(`object id ${UNGRANTED_IDENTITY.objectId}`);
    expect(error.hint).toContain(`lacks 'Key Vault Secrets User' on vault ${bed.vault.url}`);
    expect(error.hint).toContain(
      `az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${UNGRANTED_IDENTITY.objectId}`,
    );
    // A failed read is not cached: after the grant the next call succeeds.
    bed.vault.grant(UNGRANTED_IDENTITY.objectId);
    try {
      await expect(provider.describeCredential()).resolves.toMatchObject({ source: 'keyVault' });
    } finally {
      bed.vault.revoke(UNGRANTED_IDENTITY.objectId);
    }
  });

  it('missing secret: names the secret and the setting', async () => {
    bed.vault.deleteSecret(SECRET_NAME);
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const error = (await rejectionOf(provider.getToken(homeEnvironment))) as AuthenticationError;
    expect(error).toMatchObject({ step: 'Key Vault read', status: 404, code: 'SecretNotFound' });
    expect(error.hint).toContain(`DATAVERSE_CREDENTIAL_NAME ('${SECRET_NAME}')`);
  });

  it('disabled secret: says so', async () => {
    const version = bed.vault.setSecret(SECRET_NAME, SECRET_V2);
    bed.vault.disableVersion(SECRET_NAME, version);
    const { provider } = scenario.provider({ credentialType: 'secret' });
    const error = (await rejectionOf(provider.describeCredential())) as AuthenticationError;
    expect(error).toMatchObject({ step: 'Key Vault read', code: 'SecretDisabled' });
  });

  it('managed identity not assigned: step "managed identity token" with the identity hint', async () => {
    const { provider } = scenario.provider({
      credentialType: 'secret',
      managedIdentityClientId: '99999999-0000-4000-8000-000000000000',
    });
    const error = (await rejectionOf(provider.describeCredential())) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.step).toBe('managed identity token');
    expect(error.hint).toContain(
      'user-assigned managed identity with client id 99999999-0000-4000-8000-000000000000',
    );
  });
});
