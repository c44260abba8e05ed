import type { IncomingMessage } from 'node:http';

import type { AccessTokenClaims, TokenAuthority } from '../tokens';

export const VAULT_RESOURCE = 'https://vault.azure.net';
/** Role id of "Key Vault Secrets User" (read secret contents). */
export const KEY_VAULT_SECRETS_USER_ROLE_ID = '4633458b-17de-408a-b874-0445c86b69e6';

/** Outcome of authenticating and authorising one data-plane request. */
export type AuthorizationOutcome =
  { ok: true; claims: AccessTokenClaims } | { ok: false; status: 401 | 403; body: unknown };

export interface VaultIdentity {
  tokens: TokenAuthority;
  tenantId: string;
  vaultName: string;
  location: string;
  /** Object ids holding Key Vault Secrets User on this vault. */
  secretsUsers: ReadonlySet<string>;
}

function unauthorized(message: string): AuthorizationOutcome {
  return { ok: false, status: 401, body: { error: { code: 'Unauthorized', message } } };
}

/**
 * Bearer-token and RBAC check as the vault performs it: no token → 401 (the caller then
 * follows the challenge), a token that fails signature, lifetime, audience or tenant → 401,
 * a valid token whose `oid` lacks the role → 403 ForbiddenByRbac.
 */
export function authorizeRequest(
  req: IncomingMessage,
  vault: VaultIdentity,
  action: string,
): AuthorizationOutcome {
  const authorization = req.headers.authorization;
  const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (token === undefined)
    return unauthorized('AKV10000: Request is missing a Bearer or PoP token.');

  const check = vault.tokens.verify(token, VAULT_RESOURCE);
  if (!check.ok) {
    if (check.reason === 'audience') {
      return unauthorized(`AKV10022: Invalid audience. Expected ${VAULT_RESOURCE}.`);
    }
    if (check.reason === 'expired' || check.reason === 'not-yet-valid') {
      return unauthorized('AKV10013: Token is expired or not yet valid.');
    }
    return unauthorized('AKV10021: Token validation failed: signature or format is invalid.');
  }
  if (check.claims.tid !== vault.tenantId) {
    return unauthorized(
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vault.tenantId}/, found ${check.claims.iss}.`,
    );
  }
  if (!vault.secretsUsers.has(check.claims.oid)) {
    const message =
      'Caller is not authorized to perform action on resource.\r\n' +
      'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n' +
      `Caller: appid=${check.claims.appid};oid=${check.claims.oid};iss=${check.claims.iss}\r\n` +
      `Action: '${action}'\r\n` +
      `Vault: ${vault.vaultName};location=${vault.location}\r\n`;
    return {
      ok: false,
      status: 403,
      body: { error: { code: 'Forbidden', message, innererror: { code: 'ForbiddenByRbac' } } },
    };
  }
  return { ok: true, claims: check.claims };
}
