import type { AccessToken, TokenCredential } from '@azure/identity';

import type { KeyVaultSecretLike, SecretReader } from '../../../src/lib/auth/keyVaultSource';
import { createTokenProvider } from '../../../src/lib/auth/tokenProvider';
import { capturingLogger, settingsFor } from './fixtures';

/**
 * Fake SDK objects for the token provider's unit tests: an Entra that accepts a set of client
 * secrets (AADSTS7000215 otherwise) and a Key Vault with a current version and older ones. They
 * check what the provider asks for and when; the same behaviours run against the stand-ins in
 * the *.integration.test.ts files.
 */

export interface FakeEntra {
  /** Secrets Entra currently accepts. */
  accepted: Set<string>;
  created: { tenantId: string; secret: string }[];
  requests: { tenantId: string; scope: string }[];
}

export function fakeEntra(accepted: string[]): FakeEntra {
  return { accepted: new Set(accepted), created: [], requests: [] };
}

export function entraCredentialFactory(entra: FakeEntra) {
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

export interface FakeVersion {
  version: string;
  value: string;
  createdOn?: Date;
  enabled?: boolean;
  expiresOn?: Date;
  notBefore?: Date;
}

/**
 * A vault whose current version the test changes, with older versions behind it; counts value
 * reads and version listings.
 */
export function fakeVault(initial: FakeVersion, older: FakeVersion[] = []) {
  const state = { current: initial, older, reads: 0, lists: 0 };
  const reader: SecretReader = {
    getSecret: (_name, options): Promise<KeyVaultSecretLike> => {
      state.reads += 1;
      const wanted = options?.version;
      const found =
        wanted === undefined
          ? state.current
          : [state.current, ...state.older].find((v) => v.version === wanted);
      if (found === undefined) return Promise.reject(new Error(`no version ${String(wanted)}`));
      return Promise.resolve({
        value: found.value,
        properties: {
          version: found.version,
          ...(found.expiresOn === undefined ? {} : { expiresOn: found.expiresOn }),
        },
      });
    },
    listPropertiesOfSecretVersions: () => {
      state.lists += 1;
      const all = [...state.older, state.current];
      return (async function* () {
        await Promise.resolve();
        // Properties only: a listing never carries a value.
        for (const { value: _value, ...properties } of all) yield properties;
      })();
    },
  };
  return { state, reader };
}

export const keyVaultSource = {
  kind: 'keyVault',
  vaultUrl: 'https://kv.vault.azure.net',
  name: 'dataverse-client-secret',
  disableChallengeResourceVerification: false,
} as const;

/** A provider on the fakes; `clock` and `refreshIntervalInMs` drive refreshes and rechecks. */
export function providerWith(
  entra: FakeEntra,
  vault: ReturnType<typeof fakeVault>,
  logger = capturingLogger(),
  timing: { clock?: () => number; refreshIntervalInMs?: number } = {},
) {
  return createTokenProvider({
    settings: settingsFor({ credentialType: 'secret', credentialSource: keyVaultSource }),
    logger,
    managedIdentityAvailable: true,
    ...(timing.clock === undefined ? {} : { clock: timing.clock }),
    ...(timing.refreshIntervalInMs === undefined
      ? {}
      : { keyVaultRefreshIntervalInMs: timing.refreshIntervalInMs }),
    factories: {
      createManagedIdentityCredential: () => ({ getToken: () => Promise.resolve(null) }),
      createSecretReader: () => vault.reader,
      createEntraCredential: entraCredentialFactory(entra),
    },
  });
}
