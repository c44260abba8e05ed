/**
 * Authentication: managed identity → Key Vault → client secret or certificate (PFX/PEM) → one
 * Entra credential per (tenant, client, credential version), with rotation on rejection. The
 * token provider is the surface; the managed-identity pieces are exported for `doctor`, which
 * checks the very same steps one at a time.
 */
export {
  createDefaultManagedIdentityCredential,
  type ManagedIdentityChoice,
  ObservedManagedIdentityCredential,
  type ObservedPrincipal,
} from './managedIdentity';
export {
  type AuthClientFactories,
  createTokenProvider,
  type TokenProviderOptions,
} from './tokenProvider';
export type {
  AccessToken,
  CredentialDescription,
  CredentialFallback,
  DataverseTokenProvider,
  TokenRequestOptions,
} from './types';
