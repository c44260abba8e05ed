import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import type { KeyVaultSecretLike, SecretReader } from '../../../src/lib/auth/keyVaultSource';
import { createTokenProvider } from '../../../src/lib/auth/tokenProvider';
import { AuthenticationError } from '../../../src/lib/errors';
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

/**
 * Unit tests with fake SDK objects: they check what the provider asks for and when. The same
 * behaviours run against the Entra / Key Vault / managed identity stand-ins in
 * tokenProvider.integration.test.ts.
 */

interface FakeEntra {
  /** Secrets Entra currently accepts. */
  accepted: Set<string>;
  created: { tenantId: string; secret: string }[];
  requests: { tenantId: string; scope: string }[];
}

function fakeEntra(accepted: string[]): FakeEntra {
  return { accepted: new Set(accepted), created: [], requests: [] };
}

function entraCredentialFactory(entra: FakeEntra) {
  return (input: {
    tenantId: string;
    material: { type: string; secret?: string };
  }): TokenCredential => {
    const secret = input.material.type === 'secret' ? (input.material.secret ?? '') : 'certificate';
    entra.created.push({ tenantId: input.tenantId, secret });
    let cached: AccessToken | undefined;
    return {
      getToken: (scope: string | string[]) => {
        if (cached !== undefined) return Promise.resolve(cached);
        entra.requests.push({ tenantId: input.tenantId, scope: String(scope) });
        if (!entra.accepted.has(secret)) {
          return Promise.reject(
            new Error(
              `invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.`,
            ),
          );
        }
        cached = {
          token: `token-${String(entra.requests.length)}`,
          expiresOnTimestamp: Date.now() + 3_600_000,
        };
        return Promise.resolve(cached);
      },
    };
  };
}

/** A vault whose current version the test changes; counts reads. */
function fakeVault(initial: { version: string; value: string }) {
  const state = { current: initial, reads: 0 };
  const reader: SecretReader = {
    getSecret: (): Promise<KeyVaultSecretLike> => {
      state.reads += 1;
      return Promise.resolve({
        value: state.current.value,
        properties: { version: state.current.version },
      });
    },
  };
  return { state, reader };
}

const keyVaultSource = {
  kind: 'keyVault',
  vaultUrl: 'https://kv.vault.azure.net',
  name: 'dataverse-client-secret',
  disableChallengeResourceVerification: false,
} as const;

function providerWith(
  entra: FakeEntra,
  vault: ReturnType<typeof fakeVault>,
  logger = capturingLogger(),
) {
  return createTokenProvider({
    settings: settingsFor({ credentialType: 'secret', credentialSource: keyVaultSource }),
    logger,
    managedIdentityAvailable: true,
    factories: {
      createManagedIdentityCredential: () => ({ getToken: () => Promise.resolve(null) }),
      createSecretReader: () => vault.reader,
      createEntraCredential: entraCredentialFactory(entra),
    },
  });
}

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
