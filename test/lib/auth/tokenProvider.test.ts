import { describe, expect, it } from 'vitest';

import { createTokenProvider } from '../../../src/lib/auth/tokenProvider';
import { AuthenticationError } from '../../../src/lib/errors';
import {
  entraCredentialFactory,
  fakeEntra,
  fakeVault,
  keyVaultSource,
  providerWith,
} from './fakeSdk';
import {
  capturingLogger,
  CLIENT_ID,
  CUSTOMER_TENANT,
  customerEnvironment,
  HOME_TENANT,
  homeEnvironment,
  rejectionOf,
  settingsFor,
} from './fixtures';

describe('createTokenProvider (fake SDK objects)', () => {
  it("asks for <environment url>/.default in each environment's own tenant, one credential per tenant", async () => {
    const entra = fakeEntra(['s1']);
    const provider = providerWith(entra, fakeVault({ version: 'v1', value: 's1' }));
    await provider.getToken(homeEnvironment);
    await provider.getToken(customerEnvironment);
    await provider.getToken(homeEnvironment);
    expect(entra.requests).toEqual([
      { tenantId: HOME_TENANT, scope: 'https://contoso.crm.dynamics.com/.default' },
      { tenantId: CUSTOMER_TENANT, scope: 'https://fabrikam.crm.dynamics.com/.default' },
    ]);
    expect(entra.created.map((c) => c.tenantId)).toEqual([HOME_TENANT, CUSTOMER_TENANT]);
  });

  it('forceRefresh replaces the credential so that Entra is really asked again', async () => {
    const entra = fakeEntra(['s1']);
    const provider = providerWith(entra, fakeVault({ version: 'v1', value: 's1' }));
    const first = await provider.getToken(homeEnvironment);
    const cached = await provider.getToken(homeEnvironment);
    const refreshed = await provider.getToken(homeEnvironment, { forceRefresh: true });
    expect(cached.token).toBe(first.token);
    expect(refreshed.token).not.toBe(first.token);
    expect(entra.requests).toHaveLength(2);
  });

  it('on a rejected secret re-reads Key Vault once for N concurrent calls and retries with the new version', async () => {
    const entra = fakeEntra(['s1']);
    const vault = fakeVault({ version: 'v1', value: 's1' });
    const logger = capturingLogger();
    const provider = providerWith(entra, vault, logger);
    await provider.describeCredential();
    // Rotation: Entra now only accepts s2, Key Vault holds it as v2.
    entra.accepted = new Set(['s2']);
    vault.state.current = { version: 'v2', value: 's2' };
    const tokens = await Promise.all([1, 2, 3, 4].map(() => provider.getToken(homeEnvironment)));
    expect(tokens.every((t) => t.token.startsWith('token-'))).toBe(true);
    expect(vault.state.reads).toBe(2);
    await expect(provider.describeCredential()).resolves.toMatchObject({
      version: 'v2',
      source: 'keyVault',
    });
    expect(logger.lines.join('\n')).not.toContain('s2');
  });

  it('fails with the operator hint when Key Vault still holds the rejected version', async () => {
    const entra = fakeEntra([]);
    const vault = fakeVault({ version: 'v1', value: 'wrong-secret-value' });
    const provider = providerWith(entra, vault);
    const error = await rejectionOf(provider.getToken(homeEnvironment));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      step: 'Entra token',
      code: 'AADSTS7000215',
      environment: 'contoso-prod',
    });
    expect((error as AuthenticationError).hint).toContain(`app registration ${CLIENT_ID}`);
    expect((error as AuthenticationError).message).toContain('Key Vault holds no newer version');
    expect(vault.state.reads).toBe(2);
  });

  it('does not re-read anything for a local secret', async () => {
    const entra = fakeEntra([]);
    const provider = createTokenProvider({
      settings: settingsFor({
        credentialType: 'secret',
        credentialSource: { kind: 'secretValue', secret: 'local-secret-value' },
      }),
      logger: capturingLogger(),
      managedIdentityAvailable: false,
      factories: { createEntraCredential: entraCredentialFactory(entra) },
    });
    const error = await rejectionOf(provider.getToken(homeEnvironment));
    expect((error as AuthenticationError).hint).toContain('DATAVERSE_CLIENT_SECRET');
    expect(entra.requests).toHaveLength(1);
    await expect(provider.describeCredential()).resolves.toEqual({
      type: 'secret',
      source: 'setting',
      version: undefined,
      expiresOn: undefined,
      thumbprintSha256: undefined,
    });
  });

  it('re-reads Key Vault when the cached material is older than the refresh interval', async () => {
    const clock = { now: 0 };
    const entra = fakeEntra(['s1', 's2']);
    const vault = fakeVault({ version: 'v1', value: 's1' });
    const provider = createTokenProvider({
      settings: settingsFor({ credentialType: 'secret', credentialSource: keyVaultSource }),
      logger: capturingLogger(),
      managedIdentityAvailable: true,
      clock: () => clock.now,
      keyVaultRefreshIntervalInMs: 60_000,
      factories: {
        createManagedIdentityCredential: () => ({ getToken: () => Promise.resolve(null) }),
        createSecretReader: () => vault.reader,
        createEntraCredential: entraCredentialFactory(entra),
      },
    });
    await provider.getToken(homeEnvironment);
    vault.state.current = { version: 'v2', value: 's2' };
    clock.now = 59_999;
    await expect(provider.describeCredential()).resolves.toMatchObject({ version: 'v1' });
    clock.now = 60_000;
    await provider.getToken(homeEnvironment);
    await expect(provider.describeCredential()).resolves.toMatchObject({ version: 'v2' });
    expect(entra.created.map((c) => c.secret)).toEqual(['s1', 's2']);
  });

  it('lets a caller stop waiting with its signal without failing the shared read', async () => {
    const vault = fakeVault({ version: 'v1', value: 's1' });
    const provider = providerWith(fakeEntra(['s1']), vault);
    const controller = new AbortController();
    const aborted = provider.describeCredential(controller.signal);
    const other = provider.describeCredential();
    controller.abort(new Error('health check deadline'));
    await expect(aborted).rejects.toThrow('health check deadline');
    await expect(other).resolves.toMatchObject({ version: 'v1' });
    expect(vault.state.reads).toBe(1);
  });
});
