import {
  type AccessToken,
  DefaultAzureCredential,
  type GetTokenOptions,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

import { AuthenticationError, sanitizeError } from '../errors';

/** Public ids of the identity that called Key Vault, read from its last token's claims. */
export interface ObservedPrincipal {
  readonly objectId: string | undefined;
  readonly appId: string | undefined;
}

/** How the process reaches Key Vault: the inputs of the credential choice. */
export interface ManagedIdentityChoice {
  /** True when the App Service / Functions identity endpoint (IDENTITY_ENDPOINT) is present. */
  readonly managedIdentityAvailable: boolean;
  /** Client id of a user-assigned identity (AZURE_CLIENT_ID), when one is meant. */
  readonly clientId: string | undefined;
}

/**
 * The credential for Key Vault: the managed identity when the platform offers one; otherwise
 * DefaultAzureCredential, which on a developer machine finds `az login` and friends.
 */
export function createDefaultManagedIdentityCredential(
  choice: ManagedIdentityChoice,
): TokenCredential {
  if (choice.managedIdentityAvailable) {
    return choice.clientId === undefined
      ? new ManagedIdentityCredential()
      : new ManagedIdentityCredential({ clientId: choice.clientId });
  }
  return new DefaultAzureCredential(
    choice.clientId === undefined ? {} : { managedIdentityClientId: choice.clientId },
  );
}

function managedIdentityHint(choice: ManagedIdentityChoice): string {
  if (!choice.managedIdentityAvailable) {
    return "no managed identity endpoint in this process and no developer sign-in was found: on a developer machine run 'az login'; in Azure switch on the function app's managed identity; or use DATAVERSE_CLIENT_SECRET / DATAVERSE_CLIENT_CERTIFICATE_PATH instead of KEY_VAULT_URL";
  }
  if (choice.clientId !== undefined) {
    return `check that the user-assigned managed identity with client id ${choice.clientId} is attached to the function app (Identity blade), and that AZURE_CLIENT_ID is its client id, not its object id`;
  }
  return "check that the function app's system-assigned managed identity is switched on (Identity blade), or attach a user-assigned identity and set AZURE_CLIENT_ID to its client id";
}

function claimsOf(token: string): ObservedPrincipal {
  try {
    const payload = token.split('.')[1];
    if (payload === undefined) return { objectId: undefined, appId: undefined };
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null)
      return { objectId: undefined, appId: undefined };
    const { oid, appid, azp } = claims as Record<string, unknown>;
    return {
      objectId: typeof oid === 'string' ? oid : undefined,
      appId: typeof appid === 'string' ? appid : typeof azp === 'string' ? azp : undefined,
    };
  } catch {
    // Tokens are opaque by contract; not being able to read one only costs a hint detail.
    return { objectId: undefined, appId: undefined };
  }
}

/**
 * Wraps the Key Vault credential to (1) turn its failures into AuthenticationError with step
 * 'managed identity token', so they are not mistaken for Key Vault refusals, and (2) remember
 * the principal's object id from the token claims (never the token), which the "grant the
 * role" hint needs after a Key Vault 403.
 */
export class ObservedManagedIdentityCredential implements TokenCredential {
  private observed: ObservedPrincipal = { objectId: undefined, appId: undefined };

  constructor(
    private readonly inner: TokenCredential,
    private readonly choice: ManagedIdentityChoice,
  ) {}

  get principal(): ObservedPrincipal {
    return this.observed;
  }

  async getToken(
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken | null> {
    let token: AccessToken | null;
    try {
      token = await this.inner.getToken(scopes, options);
    } catch (error) {
      const cause = sanitizeError(error);
      throw new AuthenticationError(
        `the managed identity could not get a token for Key Vault: ${cause.message.split('\n')[0] ?? ''}`,
        {
          step: 'managed identity token',
          status: cause.status,
          code: cause.code,
          retryable: cause.status !== undefined && cause.status >= 500,
          hint: managedIdentityHint(this.choice),
          cause,
        },
      );
    }
    if (token !== null) this.observed = claimsOf(token.token);
    return token;
  }
}
