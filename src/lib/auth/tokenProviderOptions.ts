import type { TokenCredential } from '@azure/identity';

import type { Settings } from '../settings';
import type { Logger } from '../util';
import type { CredentialMaterial } from './credentialMaterial';
import { createDefaultEntraCredential, type EntraCredentialInput } from './entraCredential';
import type { FallbackTextContext } from './fallbackText';
import {
  createDefaultSecretReader,
  type KeyVaultMaterialSource,
  listKeyVaultVersions,
  readKeyVaultMaterial,
  type SecretReader,
  type SecretReaderInput,
} from './keyVaultSource';
import { loadLocalMaterial } from './localSource';
import {
  createDefaultManagedIdentityCredential,
  type ManagedIdentityChoice,
  ObservedManagedIdentityCredential,
} from './managedIdentity';
import type { VersionSource } from './versionFallback';

/** Factories for the SDK objects, replaceable in tests. */
export interface AuthClientFactories {
  createManagedIdentityCredential(choice: ManagedIdentityChoice): TokenCredential;
  createSecretReader(input: SecretReaderInput): SecretReader;
  createEntraCredential(input: EntraCredentialInput): TokenCredential;
}

export interface TokenProviderOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  /**
   * True when the platform's managed identity endpoint is present (IDENTITY_ENDPOINT is set).
   * Computed by the caller so that settings.ts stays the one place reading process.env.
   */
  readonly managedIdentityAvailable: boolean;
  /** Current time in ms; defaults to Date.now. */
  readonly clock?: () => number;
  /**
   * Re-read Key Vault when the cached material is older than this, and, while an older version
   * stands in for one Entra ID rejects, try the current one again this often; default 1 hour.
   */
  readonly keyVaultRefreshIntervalInMs?: number;
  readonly factories?: Partial<AuthClientFactories>;
}

const ONE_HOUR_IN_MS = 3_600_000;
const ONE_MINUTE_IN_MS = 60_000;

/** {@link TokenProviderOptions} with every default applied. */
export interface ResolvedOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly managedIdentityAvailable: boolean;
  readonly clock: () => number;
  readonly keyVaultRefreshIntervalInMs: number;
  /** After a failed refresh or a fruitless search for an accepted version, wait this long. */
  readonly retryInMs: number;
  readonly factories: AuthClientFactories;
}

export function resolveOptions(options: TokenProviderOptions): ResolvedOptions {
  const keyVaultRefreshIntervalInMs = options.keyVaultRefreshIntervalInMs ?? ONE_HOUR_IN_MS;
  return {
    settings: options.settings,
    logger: options.logger,
    managedIdentityAvailable: options.managedIdentityAvailable,
    clock: options.clock ?? Date.now,
    keyVaultRefreshIntervalInMs,
    retryInMs: Math.min(ONE_MINUTE_IN_MS, keyVaultRefreshIntervalInMs),
    factories: {
      createManagedIdentityCredential:
        options.factories?.createManagedIdentityCredential ??
        createDefaultManagedIdentityCredential,
      createSecretReader: options.factories?.createSecretReader ?? createDefaultSecretReader,
      createEntraCredential:
        options.factories?.createEntraCredential ?? createDefaultEntraCredential,
    },
  };
}

/** Where the credential comes from: one read of the current material, and for Key Vault its versions. */
export interface CredentialSourceAccess {
  readonly load: () => Promise<CredentialMaterial>;
  readonly versions:
    { readonly source: VersionSource; readonly text: FallbackTextContext } | undefined;
}

/** Builds the reads of the configured source (Key Vault through the managed identity, or local settings). */
export function createCredentialSource(options: ResolvedOptions): CredentialSourceAccess {
  const { settings } = options;
  const source = settings.credentialSource;
  if (source.kind !== 'keyVault') {
    return {
      load: () => loadLocalMaterial(source, settings.credentialType),
      versions: undefined,
    };
  }
  const choice = {
    managedIdentityAvailable: options.managedIdentityAvailable,
    clientId: settings.managedIdentityClientId,
  };
  const identity = new ObservedManagedIdentityCredential(
    options.factories.createManagedIdentityCredential(choice),
    choice,
  );
  const keyVault: KeyVaultMaterialSource = {
    reader: options.factories.createSecretReader({
      vaultUrl: source.vaultUrl,
      credential: identity,
      disableChallengeResourceVerification: source.disableChallengeResourceVerification,
    }),
    vaultUrl: source.vaultUrl,
    secretName: source.name,
    credentialType: settings.credentialType,
    managedIdentityClientId: settings.managedIdentityClientId,
    principal: () => identity.principal,
    logger: options.logger,
  };
  return {
    load: () => readKeyVaultMaterial(keyVault),
    versions: {
      source: {
        list: () => listKeyVaultVersions(keyVault),
        read: (version) => readKeyVaultMaterial(keyVault, undefined, version),
      },
      text: { clientId: settings.clientId, vaultUrl: source.vaultUrl, name: source.name },
    },
  };
}
