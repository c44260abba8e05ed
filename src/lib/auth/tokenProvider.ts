import { AuthenticationError, describeError, summarizeError } from '../errors';
import type { EnvironmentSettings } from '../settings';
import { abortable } from '../util';
import {
  type CredentialMaterial,
  describeMaterial,
  materialId,
  secretStringsOf,
} from './credentialMaterial';
import { credentialCacheKey, EntraCredentialCache } from './entraCredential';
import {
  type EntraFailureContext,
  isCredentialRejection,
  parseEntraErrorCode,
  toEntraError,
} from './entraErrors';
import { MaterialStore, type RecheckOutcome } from './materialStore';
import {
  createCredentialSource,
  resolveOptions,
  type TokenProviderOptions,
} from './tokenProviderOptions';
import type { AccessToken, DataverseTokenProvider, TokenRequestOptions } from './types';
import { VersionFallback } from './versionFallback';

export type { AuthClientFactories, TokenProviderOptions } from './tokenProviderOptions';

/** The Entra code when `error` is a rejection of the secret or certificate itself, else undefined. */
function credentialRejection(error: unknown): string | undefined {
  const code = parseEntraErrorCode(summarizeError(error).message);
  return isCredentialRejection(code) ? code : undefined;
}

/**
 * Creates the token provider: reads the client secret or certificate (Key Vault through the
 * managed identity, or local settings), keeps one Entra credential per (tenant, client,
 * material version), and when Entra rejects Key Vault material re-reads the vault once and
 * retries with a new version (rotation without restart). When the vault holds nothing newer, it
 * falls back to the newest older version Entra still accepts (a renewed certificate or a new
 * secret not yet on the app registration) and switches back once the current one is accepted.
 */
export function createTokenProvider(options: TokenProviderOptions): DataverseTokenProvider {
  const resolved = resolveOptions(options);
  const { settings, logger, factories } = resolved;
  const source = createCredentialSource(resolved);
  const store = new MaterialStore({
    load: source.load,
    canChange: settings.credentialSource.kind === 'keyVault',
    refreshIntervalInMs: resolved.keyVaultRefreshIntervalInMs,
    refreshRetryInMs: resolved.retryInMs,
    now: resolved.clock,
    logger,
  });
  const fallback =
    source.versions === undefined
      ? undefined
      : new VersionFallback({
          ...source.versions,
          recheckIntervalInMs: resolved.keyVaultRefreshIntervalInMs,
          searchRetryInMs: resolved.retryInMs,
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

  const entraError = (
    error: unknown,
    environment: EnvironmentSettings,
    material: CredentialMaterial,
    note?: string,
  ): AuthenticationError =>
    toEntraError(error, failureContext(environment, material), secretStringsOf(material), note);

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
    const forceRefresh = requestOptions.forceRefresh ?? false;
    const current = await abortable(store.get(), signal);
    const readSequence = store.readSequence;
    const older = fallback?.material;
    // After a refresh brought a new version, credentials (and tokens) of others go.
    credentials.retainOnly(
      older === undefined ? [materialId(current)] : [materialId(current), materialId(older)],
    );
    if (fallback !== undefined && older !== undefined) {
      // The recheck is shared and outlives this caller's deadline: no signal of its own.
      const viaCurrent = await abortable(
        fallback.tryCurrent(current, () => requestToken(environment, current, false, undefined)),
        signal,
      );
      if (viaCurrent !== undefined) return viaCurrent;
      try {
        return await requestToken(environment, older, forceRefresh, signal);
      } catch (error) {
        if (signal?.aborted === true) throw error;
        if (credentialRejection(error) === undefined) throw entraError(error, environment, older);
        // Rejected itself (removed from the app registration): start over from the current one.
        fallback.drop(older);
      }
    }
    try {
      return await requestToken(environment, current, forceRefresh, signal);
    } catch (error) {
      // The caller gave up (deadline): not an authentication problem, nothing to translate.
      if (signal?.aborted === true) throw error;
      if (credentialRejection(error) === undefined || current.origin.kind !== 'keyVault') {
        throw entraError(error, environment, current);
      }
      return await recoverFromRejection(environment, current, readSequence, error, signal);
    }
  }

  /**
   * Entra rejected Key Vault material: re-read the vault once and retry once if it changed;
   * when that brings nothing Entra accepts, fall back to an older version it does accept.
   */
  async function recoverFromRejection(
    environment: EnvironmentSettings,
    rejected: CredentialMaterial,
    readSequence: number,
    rejection: unknown,
    signal: AbortSignal | undefined,
  ): Promise<AccessToken> {
    const code = credentialRejection(rejection) ?? 'no code';
    logger.warn(
      `${environment.name}: Entra ID rejected the credential (${code}); re-reading Key Vault once for a rotated version`,
    );
    let outcome: RecheckOutcome;
    try {
      outcome = await abortable(store.recheckAfterRejection(rejected, readSequence), signal);
    } catch (readError) {
      throw entraError(
        rejection,
        environment,
        rejected,
        `re-reading Key Vault also failed: ${describeError(readError)}`,
      );
    }
    let latest = { material: rejected, rejection, code };
    if (outcome.changed) {
      const { material } = outcome;
      credentials.retainOnly([materialId(material)]);
      logger.info(
        `${environment.name}: retrying with Key Vault version ${describeMaterial(material).version ?? 'unknown'}`,
      );
      try {
        return await requestToken(environment, material, false, signal);
      } catch (error) {
        const newCode = credentialRejection(error);
        if (signal?.aborted === true) throw error;
        if (newCode === undefined || fallback === undefined) {
          throw entraError(error, environment, material);
        }
        latest = { material, rejection: error, code: newCode };
      }
    }
    const newer = outcome.changed
      ? `Key Vault's newer version ${describeMaterial(latest.material).version ?? 'unknown'} is rejected too`
      : 'Key Vault holds no newer version';
    if (fallback === undefined) throw entraError(rejection, environment, rejected, newer);
    // The search is shared by concurrent callers and outlives this one's deadline.
    const search = await abortable(
      fallback.search(latest.material, latest.code, (material) =>
        requestToken(environment, material, false, undefined),
      ),
      signal,
    );
    if (!search.found) {
      throw entraError(
        latest.rejection,
        environment,
        latest.material,
        `${newer}, and ${search.note}`,
      );
    }
    try {
      return await requestToken(environment, search.material, false, signal);
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw entraError(error, environment, search.material);
    }
  }

  return {
    getToken,
    async describeCredential(signal?: AbortSignal) {
      const current = await abortable(store.get(), signal);
      const inUse = fallback?.material ?? current;
      const description = describeMaterial(inUse);
      const fallbackInfo = fallback?.describe();
      return fallbackInfo === undefined ? description : { ...description, fallback: fallbackInfo };
    },
  };
}
