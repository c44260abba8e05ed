/** The auth module's public surface: the token provider and its contract types. */
export type { AuthClientFactories, TokenProviderOptions } from './tokenProvider';
export { createTokenProvider } from './tokenProvider';
export type {
  AccessToken,
  CredentialDescription,
  DataverseTokenProvider,
  TokenRequestOptions,
} from './types';
