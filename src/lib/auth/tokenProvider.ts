import type { TokenCredential } from '@azure/identity';

import { AuthenticationError, describeError, summarizeError } from '../errors';
import type { EnvironmentSettings, Settings } from '../settings';
import { abortable, type Logger } from '../util';
import {
  type CredentialMaterial,
  describeMaterial,
  materialId,
  secretStringsOf,
} from './credentialMaterial';
import {
  createDefaultEntraCredential,
  credentialCacheKey,
  EntraCredentialCache,
  type EntraCredentialInput,
} from './entraCredential';
import {
  type EntraFailureContext,
  isCredentialRejection,
  parseEntraErrorCode,
  toEntraError,
} from './entraErrors';
import {
  createDefaultSecretReader,
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
import { MaterialStore, type RecheckOutcome } from './materialStore';
import type { AccessToken, DataverseTokenProvider, TokenRequestOptions } from './types';

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
  /** Re-read Key Vault when the cached material is older than this; default 1 hour. */
  readonly keyVaultRefreshIntervalInMs?: number;
  readonly factories?: Partial<AuthClientFactories>;
}

const ONE_HOUR_IN_MS = 3_600_000;
const ONE_MINUTE_IN_MS = 60_000;

interface ResolvedOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly managedIdentityAvailable: boolean;
  readonly clock: () => number;
  readonly keyVaultRefreshIntervalInMs: number;
  readonly factories: AuthClientFactories;
}

function resolveOptions(options: TokenProviderOptions): ResolvedOptions {
  return {
    settings: options.settings,
    logger: options.logger,
    managedIdentityAvailable: options.managedIdentityAvailable,
    clock: options.clock ?? Date.now,
    keyVaultRefreshIntervalInMs: options.keyVaultRefreshIntervalInMs ?? ONE_HOUR_IN_MS,
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

/** Builds the function that reads the configured source once (Key Vault or local settings). */
function createMaterialLoader(options: ResolvedOptions): () => Promise<CredentialMaterial> {
  const { settings } = options;
  const source = settings.credentialSource;
  if (source.kind !== 'keyVault') return () => loadLocalMaterial(source, settings.credentialType);
  const choice = {
    managedIdentityAvailable: options.managedIdentityAvailable,
    clientId: settings.managedIdentityClientId,
  };
  const identity = new ObservedManagedIdentityCredential(
    options.factories.createManagedIdentityCredential(choice),
    choice,
  );
  const reader = options.factories.createSecretReader({
    vaultUrl: source.vaultUrl,
    credential: identity,
    disableChallengeResourceVerification: source.disableChallengeResourceVerification,
  });
  return () =>
    readKeyVaultMaterial({
      reader,
      vaultUrl: source.vaultUrl,
      secretName: source.name,
      credentialType: settings.credentialType,
      managedIdentityClientId: settings.managedIdentityClientId,
      principal: () => identity.principal,
      logger: options.logger,
    });
}

/**
 * Creates the token provider: reads the client secret or certificate (Key Vault through the
 * managed identity, or local settings), keeps one Entra credential per (tenant, client,
 * material version), and when Entra rejects Key Vault material re-reads the vault once and
 * retries with a new version (rotation without restart).
 */
export function createTokenProvider(options: TokenProviderOptions): DataverseTokenProvider {
  const resolved = resolveOptions(options);
  const { settings, logger, factories } = resolved;
  const store = new MaterialStore({
    load: createMaterialLoader(resolved),
    canChange: settings.credentialSource.kind === 'keyVault',
    refreshIntervalInMs: resolved.keyVaultRefreshIntervalInMs,
    refreshRetryInMs: Math.min(ONE_MINUTE_IN_MS, resolved.keyVaultRefreshIntervalInMs),
    now: resolved.clock,
    logger,
  });
  const credentials = new EntraCredentialCache();

  function failureContext(
    environment: EnvironmentSettings,
    material: CredentialMaterial,
  ): EntraFailureContext {
    return {
      environment: environment.name,
      tenantId: environment.tenantId,
      defaultTenantId: settings.defaultTenantId,
      clientId: settings.clientId,
      authorityHost: settings.authorityHost,
      credentialType: settings.credentialType,
      materialOrigin: material.origin,
      ...(material.type === 'certificate'
        ? {
            thumbprintSha1: material.certificate.thumbprintSha1,
            thumbprintSha256: material.certificate.thumbprintSha256,
          }
        : {}),
    };
  }

  async function requestToken(
    environment: EnvironmentSettings,
    material: CredentialMaterial,
    forceRefresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<AccessToken> {
    const materialKey = materialId(material);
    const key = credentialCacheKey(environment.tenantId, settings.clientId, materialKey);
    // @azure/identity has no "skip the cache" option: a fresh credential object has an empty
    // MSAL cache, so the next request really goes to Entra.
    if (forceRefresh) credentials.evict(key);
    const credential = credentials.getOrCreate(key, materialKey, () =>
      factories.createEntraCredential({
        tenantId: environment.tenantId,
        clientId: settings.clientId,
        material,
        authorityHost: settings.authorityHost,
      }),
    );
    const scope = `${environment.url.replace(/\/+$/, '')}/.default`;
    const token = await credential.getToken(
      scope,
      signal === undefined ? {} : { abortSignal: signal },
    );
    if (token === null) {
      throw new AuthenticationError('the Entra credential returned no token', {
        step: 'Entra token',
        environment: environment.name,
      });
    }
    return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
  }

  async function getToken(
    environment: EnvironmentSettings,
    requestOptions: TokenRequestOptions = {},
  ): Promise<AccessToken> {
    const { signal } = requestOptions;
    const material = await abortable(store.get(), signal);
    const readSequence = store.readSequence;
    // After a refresh brought a new version, credentials (and tokens) of the old one go.
    credentials.retainOnly(materialId(material));
    try {
      return await requestToken(
        environment,
        material,
        requestOptions.forceRefresh ?? false,
        signal,
      );
    } catch (error) {
      // The caller gave up (deadline): not an authentication problem, nothing to translate.
      if (signal?.aborted === true) throw error;
      const code = parseEntraErrorCode(summarizeError(error).message);
      if (!isCredentialRejection(code) || material.origin.kind !== 'keyVault') {
        throw toEntraError(error, failureContext(environment, material), secretStringsOf(material));
      }
      return await retryAfterRotation(environment, material, readSequence, error, signal);
    }
  }

  /** Entra rejected Key Vault material: re-read the vault once; retry once if it changed. */
  async function retryAfterRotation(
    environment: EnvironmentSettings,
    rejected: CredentialMaterial,
    readSequence: number,
    rejection: unknown,
    signal: AbortSignal | undefined,
  ): Promise<AccessToken> {
    const fail = (note: string): Error =>
      toEntraError(
        rejection,
        failureContext(environment, rejected),
        secretStringsOf(rejected),
        note,
      );
    const code = parseEntraErrorCode(summarizeError(rejection).message) ?? 'no code';
    logger.warn(
      `${environment.name}: Entra ID rejected the credential (${code}); re-reading Key Vault once for a rotated version`,
    );
    let outcome: RecheckOutcome;
    try {
      outcome = await abortable(store.recheckAfterRejection(rejected, readSequence), signal);
    } catch (readError) {
      throw fail(`re-reading Key Vault also failed: ${describeError(readError)}`);
    }
    if (!outcome.changed) throw fail('Key Vault holds no newer version');
    credentials.retainOnly(materialId(outcome.material));
    logger.info(
      `${environment.name}: retrying with Key Vault version ${describeMaterial(outcome.material).version ?? 'unknown'}`,
    );
    try {
      return await requestToken(environment, outcome.material, false, signal);
    } catch (error) {
      throw toEntraError(
        error,
        failureContext(environment, outcome.material),
        secretStringsOf(outcome.material),
      );
    }
  }

  return {
    getToken,
    async describeCredential(signal?: AbortSignal) {
      return describeMaterial(await abortable(store.get(), signal));
    },
  };
}
