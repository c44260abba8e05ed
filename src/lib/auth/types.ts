import type { CredentialType, EnvironmentSettings } from '../settings';

/** What the health check and doctor may know about the credential: never the material itself. */
export interface CredentialDescription {
  readonly type: CredentialType;
  /** Where it was read from: Key Vault (with the secret id's version), a setting, or a file. */
  readonly source: 'keyVault' | 'setting' | 'file';
  /**
   * Key Vault secret version in use (the last path segment of its id): the current version, or
   * during a {@link fallback} the older one Entra ID accepts.
   */
  readonly version: string | undefined;
  /** Of the version in use. Secret: Key Vault `attributes.exp`. Certificate: `notAfter`. */
  readonly expiresOn: Date | undefined;
  /** Certificate only: SHA-256 thumbprint (hex) — public, useful to match the app registration. */
  readonly thumbprintSha256: string | undefined;
  /** Set while an older Key Vault version is in use because Entra ID rejects the current one. */
  readonly fallback?: CredentialFallback;
}

/**
 * Entra ID rejects the current Key Vault version (a renewed certificate not yet uploaded to the
 * app registration, a secret stored before it was added there), so tokens come from an older
 * version it accepts. Tokens work; the operator has until that version expires to fix it.
 */
export interface CredentialFallback {
  /** The version a version-less read returns, which Entra ID rejects. */
  readonly currentVersion: string;
  /** Certificate only: the current version's SHA-256 thumbprint, as the app registration lists it. */
  readonly currentThumbprintSha256: string | undefined;
  /** Entra's code for the current version: AADSTS700027, AADSTS7000215 or AADSTS7000222. */
  readonly code: string;
  /** Which version is rejected and why, and which one is in use, in one sentence. */
  readonly reason: string;
  /** The operator's fix, with the exact command. */
  readonly fix: string;
  readonly since: Date;
}

export interface AccessToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
}

export interface TokenRequestOptions {
  /** Bypass every cache and ask Entra again (after a 401 from Dataverse). */
  readonly forceRefresh?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Issues Dataverse access tokens for each environment: reads the client secret or certificate
 * (Key Vault through the managed identity, or local settings), keeps one Entra credential per
 * (tenant, client, credential version), and re-reads Key Vault once when Entra rejects the
 * credential (rotation without restart).
 */
export interface DataverseTokenProvider {
  getToken(environment: EnvironmentSettings, options?: TokenRequestOptions): Promise<AccessToken>;
  /** Loads (or returns the cached) credential description; reads Key Vault on first use. */
  describeCredential(signal?: AbortSignal): Promise<CredentialDescription>;
}
