import type { CredentialType, EnvironmentSettings } from '../settings';

/** What the health check and doctor may know about the credential: never the material itself. */
export interface CredentialDescription {
  readonly type: CredentialType;
  /** Where it was read from: Key Vault (with the secret id's version), a setting, or a file. */
  readonly source: 'keyVault' | 'setting' | 'file';
  /** Key Vault secret version (the last path segment of its id), when read from Key Vault. */
  readonly version: string | undefined;
  /** Secret: Key Vault `attributes.exp`. Certificate: `notAfter`. Undefined when unknown. */
  readonly expiresOn: Date | undefined;
  /** Certificate only: SHA-256 thumbprint (hex) — public, useful to match the app registration. */
  readonly thumbprintSha256: string | undefined;
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
